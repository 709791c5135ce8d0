import Foundation
import XCTest
@testable import KokoroText

/// EnglishLexicon against misaki 0.9.4's en.Lexicon on the cases in Data/lexicon_cases.tsv
/// (written by tools/reference/make_lexicon_cases.py), plus the errors a bad lexicon file causes.
final class EnglishLexiconTests: XCTestCase {
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let lexiconDirectory = repositoryRoot.appendingPathComponent("models/lexicons").path

    /// Loading takes a while in a debug build; every test shares one lexicon per dialect.
    private static let american = Result { try EnglishLexicon(directory: lexiconDirectory, british: false) }
    private static let british = Result { try EnglishLexicon(directory: lexiconDirectory, british: true) }

    private func lexicon(british: Bool) throws -> EnglishLexicon {
        let path = Self.lexiconDirectory + (british ? "/gb_gold.json" : "/us_gold.json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingPrerequisite(description: "\(path) is missing: run make model")
        }
        return try (british ? Self.british : Self.american).get()
    }

    // MARK: - Against misaki

    func testWordsMatchMisaki() throws {
        try checkCases(inSections: "words")
    }

    func testNumbersMatchMisaki() throws {
        try checkCases(inSections: "numbers")
    }

    private func checkCases(inSections kind: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let cases = try LexiconCase.load(Self.repositoryRoot.appendingPathComponent("Tests/KokoroTextTests/Data/lexicon_cases.tsv"))
            .filter { $0.section.hasSuffix(kind) }
        XCTAssertGreaterThan(cases.count, 20, "lexicon_cases.tsv has too few \(kind) cases")
        var passed = 0
        for testCase in cases {
            let result = try lexicon(british: testCase.british).phonemes(for: testCase.token, context: testCase.context)
            let got = result.map { "\($0.phonemes) \($0.rating)" } ?? "nil"
            let expected = testCase.expected.map { "\($0.phonemes) \($0.rating)" } ?? "nil"
            if got == expected {
                passed += 1
            } else {
                XCTFail("\(testCase.section) \"\(testCase.token.text)\" \(testCase.token.tag): got \(got), misaki \(expected)", file: file, line: line)
            }
        }
        print("EnglishLexiconTests: \(passed)/\(cases.count) \(kind) cases match misaki")
    }

    // MARK: - Direct API

    func testGoldAndSpell() throws {
        let lexicon = try lexicon(british: false)
        XCTAssertEqual(lexicon.gold("A"), "ˈA")
        XCTAssertEqual(lexicon.gold("read"), "ɹˈid", "a tagged entry gives its DEFAULT")
        XCTAssertNil(lexicon.gold("xyzzyq"))
        XCTAssertEqual(lexicon.spell("BBC"), "bˌibˌisˈi")
        XCTAssertEqual(lexicon.spell("a.b"), "ˌAbˈi", "non-letters are skipped")
        XCTAssertNil(lexicon.spell("é"), "a letter without a name cannot be spelled")
    }

    /// Python's str.capitalize/lower decide which variants grow_dictionary adds.
    func testGrowDictionaryAddsCaseVariants() {
        let grown = EnglishLexicon.growDictionary([
            ("hello", .phonemes("h")), ("London", .phonemes("l")), ("NASA", .phonemes("n")), ("x", .phonemes("x")),
            ("polish", .phonemes("p1")), ("Polish", .phonemes("p2")),
        ])
        XCTAssertEqual(grown["Hello"], .phonemes("h"))
        XCTAssertEqual(grown["london"], .phonemes("l"))
        XCTAssertNil(grown["nasa"], "all-caps words are not lower-cased")
        XCTAssertNil(grown["X"], "one-letter words do not grow")
        XCTAssertEqual(grown["polish"], .phonemes("p1"), "the file's own word wins over a grown one")
        XCTAssertEqual(grown["Polish"], .phonemes("p2"))
        // Non-ASCII words take Python's per-code-point path (misaki's files have none today).
        let accented = EnglishLexicon.growDictionary([
            ("élan", .phonemes("e")), ("Ödön", .phonemes("o")), ("ǆemal", .phonemes("d")), ("Ǆx", .phonemes("D")),
        ])
        XCTAssertEqual(accented["Élan"], .phonemes("e"))
        XCTAssertEqual(accented["ödön"], .phonemes("o"))
        XCTAssertEqual(accented["ǅemal"], .phonemes("d"), "str.capitalize title-cases the first letter")
        XCTAssertEqual(accented.count, 7, "\"Ǆx\" is not str.capitalize of its lower case, so it does not grow")
    }

    func testPythonStringSemantics() {
        XCTAssertEqual(PythonString.capitalize("hELLO wORLD"), "Hello world")
        XCTAssertEqual(PythonString.capitalize("ǆemal"), "ǅemal", "title case, not upper case")
        XCTAssertTrue(PythonString.isAlpha("café"))
        XCTAssertFalse(PythonString.isAlpha("cafe\u{301}"), "a combining mark is not a letter")
        XCTAssertFalse(PythonString.isAlpha(""))
        XCTAssertFalse(PythonString.equal("é", "e\u{301}"), "code points, not canonical equivalence")
        XCTAssertEqual(PythonString.nfkc("ＡＢＣ１２ ﬁ ™ ⁵ ⑫ 𝟗 e\u{301}"), "ABC12 fi TM 5 12 9 é")
        XCTAssertEqual(PythonString.asciiDigits("٣۴३"), "343")
    }

    /// Inputs misaki never sees from its tokenizer still get an answer and never crash.
    func testOddInputsDoNotCrash() throws {
        let lexicon = try lexicon(british: false)
        let words = ["", "'", "''", "-", "--5", "5-", "$", ".", "..", "...", "1.", "-.", ",5", "5,", "1,,2",
                     "99999999999999999999999", "99999999999999999999999th", "1.99999999999999999999999",
                     "-", "s'", "'s'", "ß", "ǅ", "\u{301}", "İ", "a\u{0}b", "1'", "1ss", "👍", "e\u{301}.e\u{301}"]
        for word in words {
            for isHead in [true, false] {
                for currency in [nil, "$", "£"] {
                    var token = EnglishToken(text: word, tag: "CD", whitespace: " ")
                    token.isHead = isHead
                    token.currency = currency
                    token.numFlags = "an&"
                    _ = lexicon.phonemes(for: token, context: EnglishTokenContext())
                }
            }
        }
    }

    // MARK: - Bad lexicon files

    func testMissingLexiconThrows() {
        XCTAssertThrowsError(try EnglishLexicon(directory: "/nonexistent/lexicons", british: false)) { error in
            guard case TextError.lexicon(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("us_gold.json"), message)
        }
    }

    func testMalformedLexiconThrows() throws {
        let malformed: [(String, Data)] = [
            ("not JSON", Data("{\"a\": ".utf8)),
            ("not an object", Data("[\"hello\"]".utf8)),
            ("a number value", Data("{\"hello\": 5}".utf8)),
            ("a tag without DEFAULT", Data("{\"read\": {\"VBD\": \"ɹˈɛd\"}}".utf8)),
            ("a tag with a number", Data("{\"read\": {\"DEFAULT\": \"ɹˈid\", \"VBD\": 1}}".utf8)),
            ("a phoneme Kokoro lacks", Data("{\"hello\": \"hɐllo\"}".utf8)),
            ("invalid UTF-8", Data("{\"hello\": \"h".utf8) + Data([0xFF]) + Data("\"}".utf8)),
        ]
        for (what, gold) in malformed {
            let directory = try temporaryLexicons(gold: gold, silver: Data("{\"cat\": \"kˈæt\"}".utf8))
            defer { try? FileManager.default.removeItem(atPath: directory) }
            XCTAssertThrowsError(try EnglishLexicon(directory: directory, british: false), what) { error in
                guard case TextError.lexicon(let message) = error else { return XCTFail("\(what): \(error)") }
                XCTAssertTrue(message.contains("us_gold.json"), "\(what): \(message)")
            }
        }
        let directory = try temporaryLexicons(gold: "{\"cat\": \"kˈæt\"}", silver: "{\"dog\": 3}")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        XCTAssertThrowsError(try EnglishLexicon(directory: directory, british: false)) { error in
            guard case TextError.lexicon(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("us_silver.json"), message)
        }
    }

    func testLexiconDirectoryIsNotAFile() throws {
        let directory = try temporaryLexicons(gold: "{}", silver: "{}")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.removeItem(atPath: directory + "/us_gold.json")
        try FileManager.default.createDirectory(atPath: directory + "/us_gold.json", withIntermediateDirectories: false)
        XCTAssertThrowsError(try EnglishLexicon(directory: directory, british: false)) { error in
            guard case TextError.lexicon = error else { return XCTFail("\(error)") }
        }
    }

    func testSmallValidLexiconLoads() throws {
        let directory = try temporaryLexicons(gold: "{\"A\": \"ˈA\", \"cat\": \"kˈæt\"}", silver: "{}")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lexicon = try EnglishLexicon(directory: directory + "/", british: false)
        let cats = lexicon.phonemes(for: EnglishToken(text: "Cats", tag: "NNS", whitespace: ""), context: EnglishTokenContext())
        XCTAssertEqual(cats?.phonemes, "kˈæts")
        XCTAssertEqual(cats?.rating, 4)
    }

    private func temporaryLexicons(gold: String, silver: String) throws -> String {
        try temporaryLexicons(gold: Data(gold.utf8), silver: Data(silver.utf8))
    }

    private func temporaryLexicons(gold: Data, silver: Data) throws -> String {
        let directory = NSTemporaryDirectory() + "lexicon-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try gold.write(to: URL(fileURLWithPath: directory + "/us_gold.json"))
        try silver.write(to: URL(fileURLWithPath: directory + "/us_silver.json"))
        return directory
    }
}

/// One row of lexicon_cases.tsv.
private struct LexiconCase {
    var section: String
    var british: Bool
    var token: EnglishToken
    var context: EnglishTokenContext
    var expected: (phonemes: String, rating: Int)?

    static func load(_ url: URL) throws -> [LexiconCase] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var section = ""
        var cases: [LexiconCase] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                section = line.dropFirst().trimmingCharacters(in: .whitespaces)
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 11 else {
                XCTFail("lexicon_cases.tsv: expected 11 fields in \(line)")
                continue
            }
            func optional(_ field: String) -> String? { field == "None" ? nil : field }
            var token = EnglishToken(text: fields[1], tag: fields[2], whitespace: " ")
            token.stress = optional(fields[3]).flatMap(Double.init)
            token.currency = optional(fields[6])
            token.isHead = fields[7] == "True"
            token.numFlags = fields[8]
            let context = EnglishTokenContext(futureVowel: optional(fields[4]).map { $0 == "True" }, futureTo: fields[5] == "True")
            let expected = optional(fields[9]).flatMap { phonemes in optional(fields[10]).flatMap(Int.init).map { (phonemes, $0) } }
            cases.append(LexiconCase(section: section, british: fields[0] == "True", token: token, context: context, expected: expected))
        }
        return cases
    }
}
