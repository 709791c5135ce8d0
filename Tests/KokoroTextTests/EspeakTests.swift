import Foundation
import XCTest
@testable import KokoroText

/// The espeak-ng layer against misaki 0.9.4 (Data/espeak_cases.tsv, written by
/// tools/reference/make_espeak_cases.py with the system libespeak-ng), and its failure modes.
/// espeak-ng is required here: a machine without it fails these tests (install libespeak-ng1,
/// `make deps`) rather than skipping them, so CI cannot pass without exercising this code.
final class EspeakTests: XCTestCase {
    private static let installHint = "libespeak-ng1"

    /// The shared library, or a loud failure naming the package to install.
    private func requireEspeak(file: StaticString = #filePath, line: UInt = #line) throws -> EspeakLibrary {
        do {
            return try EspeakLibrary.shared()
        } catch {
            XCTFail("espeak-ng is required by the KokoroText tests and could not be loaded: \(error). "
                + "Install libespeak-ng1 (Debian/Ubuntu: apt install libespeak-ng1, or `make deps`).", file: file, line: line)
            throw error
        }
    }

    /// Runs `body` with environment variables set (nil: unset), then restores them.
    private func withEnvironment<Result>(_ values: [String: String?], _ body: () throws -> Result) rethrows -> Result {
        // An array, not a dictionary: assigning nil to a [String: String?] subscript removes the key.
        var saved: [(name: String, value: String?)] = []
        for (name, value) in values {
            saved.append((name, getenv(name).map { String(cString: $0) }))
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        return try body()
    }

    private struct Case {
        let line: Int
        let kind: String
        let language: String
        let text: String
        let expected: String?
    }

    /// Data/espeak_cases.tsv: kind, language, text, expected; "\\", "\t", "\n" escaped,
    /// "<None>" for misaki's None; lines starting with '#' are comments.
    private func loadCases() throws -> (header: String, cases: [Case]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/espeak_cases.tsv")
        let contents = try String(contentsOf: url, encoding: .utf8)
        var header = ""
        var cases: [Case] = []
        for (index, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#") { header += line.dropFirst() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { Self.unescape(String($0)) }
            guard fields.count == 4 else {
                XCTFail("espeak_cases.tsv line \(index + 1): \(fields.count) fields, expected 4")
                continue
            }
            cases.append(Case(line: index + 1, kind: fields[0], language: fields[1], text: fields[2],
                              expected: fields[3] == "<None>" ? nil : fields[3]))
        }
        return (header, cases)
    }

    private static func unescape(_ field: String) -> String {
        var result = String.UnicodeScalarView()
        var escaping = false
        for scalar in field.unicodeScalars {
            if escaping {
                switch scalar {
                case "t": result.append("\t")
                case "n": result.append("\n")
                default: result.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Exact comparison by code point: Swift's == on String would call canonically equivalent
    /// spellings (precomposed vs combining accents) equal.
    private static func same(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return Array(a.unicodeScalars) == Array(b.unicodeScalars)
        default: return false
        }
    }

    private static func show(_ text: String?) -> String {
        guard let text else { return "<None>" }
        return "\"" + text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : ($0.value < 0x300 || $0.properties.generalCategory == .nonspacingMark ? String(format: "\\u{%X}", $0.value) : String($0)) }.joined() + "\""
    }

    func testMatchesMisakiOnEveryCase() throws {
        let library = try requireEspeak()
        let (header, cases) = try loadCases()
        XCTAssertGreaterThan(cases.count, 200, "espeak_cases.tsv looks truncated")
        var rowsByLanguage: [String: (matching: Int, total: Int)] = [:]
        var mismatches: [String] = []
        for testCase in cases {
            let actual: String?
            do {
                switch testCase.kind {
                case "fallback":
                    actual = EspeakEnglishFallback(library: library, british: testCase.language == "en-gb").phonemes(testCase.text)
                case "g2p":
                    actual = try EspeakG2P(library: library, voice: testCase.language).phonemize(testCase.text)
                case "ipa":
                    actual = try library.phonemize(testCase.text, voice: testCase.language, removeLanguageFlags: false)
                default:
                    XCTFail("line \(testCase.line): unknown kind \(testCase.kind)")
                    continue
                }
            } catch {
                mismatches.append("line \(testCase.line) \(testCase.kind) \(testCase.language) \(Self.show(testCase.text)): threw \(error)")
                continue
            }
            let key = "\(testCase.kind) \(testCase.language)"
            var counts = rowsByLanguage[key] ?? (0, 0)
            counts.total += 1
            if Self.same(actual, testCase.expected) {
                counts.matching += 1
            } else {
                mismatches.append("line \(testCase.line) \(key) \(Self.show(testCase.text)):\n    misaki \(Self.show(testCase.expected))\n    ours   \(Self.show(actual))")
            }
            rowsByLanguage[key] = counts
        }
        for (key, counts) in rowsByLanguage.sorted(by: { $0.key < $1.key }) {
            print("espeak cases \(key): \(counts.matching)/\(counts.total) match")
        }
        for mismatch in mismatches { print(mismatch) }
        // espeak-ng's output changes between releases; the expected values name the one they came from.
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) cases differ from misaki (listed above). "
            + "The expected values say:\(header); this machine has espeak-ng \(library.version) (\(library.libraryPath)).")
    }

    func testTurnedOffByEnvironment() throws {
        try withEnvironment(["KOKORO_ESPEAK_LIBRARY": "none"]) {
            XCTAssertThrowsError(try EspeakLibrary.shared()) { error in
                guard case TextError.espeakUnavailable(let message) = error else {
                    return XCTFail("expected espeakUnavailable, got \(error)")
                }
                XCTAssertTrue(message.contains("KOKORO_ESPEAK_LIBRARY=none"), message)
                XCTAssertTrue(message.contains(Self.installHint), message)
            }
        }
    }

    func testMissingLibraryNamesThePackage() throws {
        let path = "/nonexistent/kokoro-test/libespeak-ng.so.1"
        try withEnvironment(["KOKORO_ESPEAK_LIBRARY": path]) {
            XCTAssertThrowsError(try EspeakLibrary.shared()) { error in
                guard case TextError.espeakUnavailable(let message) = error else {
                    return XCTFail("expected espeakUnavailable, got \(error)")
                }
                XCTAssertTrue(message.contains(path), message)
                XCTAssertTrue(message.contains(Self.installHint), message)
            }
        }
    }

    func testLibraryWithoutEspeakSymbols() throws {
        // A real shared library that is not espeak-ng: its missing symbols are reported.
        try withEnvironment(["KOKORO_ESPEAK_LIBRARY": "libm.so.6"]) {
            XCTAssertThrowsError(try EspeakLibrary.shared()) { error in
                guard case TextError.espeakUnavailable(let message) = error else {
                    return XCTFail("expected espeakUnavailable, got \(error)")
                }
                XCTAssertTrue(message.contains("espeak_ng_InitializePath"), message)
                XCTAssertTrue(message.contains(Self.installHint), message)
            }
        }
    }

    func testBadDataDirectory() throws {
        try withEnvironment(["KOKORO_ESPEAK_DATA": "/nonexistent/espeak-ng-data"]) {
            XCTAssertThrowsError(try EspeakLibrary.shared()) { error in
                guard case TextError.espeakUnavailable(let message) = error else {
                    return XCTFail("expected espeakUnavailable, got \(error)")
                }
                XCTAssertTrue(message.contains("KOKORO_ESPEAK_DATA=/nonexistent/espeak-ng-data"), message)
            }
        }
    }

    func testUnknownVoiceIsAClearError() throws {
        let library = try requireEspeak()
        for voice in ["xx-nonsense", "", "EN-US", "en_us"] {
            XCTAssertThrowsError(try library.ipa("hello", voice: voice)) { error in
                guard case TextError.espeakFailed(let message) = error else {
                    return XCTFail("expected espeakFailed, got \(error)")
                }
                XCTAssertTrue(message.contains("\"\(voice)\""), message)
            }
        }
        // Also for empty text (phonemizer checks the voice first), and through EspeakG2P.
        XCTAssertThrowsError(try library.ipa("", voice: "xx-nonsense"))
        XCTAssertThrowsError(try EspeakG2P(library: library, voice: "klingon").phonemize("Qapla'"))
        XCTAssertNil(EspeakEnglishFallback(library: library, british: false).phonemes(""))
        // A failed switch leaves the library usable.
        XCTAssertEqual(try library.ipa("hello", voice: "en-us"), "həlˈo^ʊ ")
    }

    func testEmptyAndPunctuationOnlyInput() throws {
        let library = try requireEspeak()
        XCTAssertEqual(try library.ipa("", voice: "en-us"), "")
        XCTAssertNil(try library.phonemize("", voice: "fr-fr", removeLanguageFlags: true))
        XCTAssertEqual(try library.ipa("?!", voice: "en-us"), "?!")
        XCTAssertEqual(try library.ipa(" ... ", voice: "es"), " ... ")
        XCTAssertEqual(try library.ipa("   ", voice: "it"), " ")
        for voice in ["es", "fr-fr", "hi", "it", "pt-br"] {
            let g2p = EspeakG2P(library: library, voice: voice)
            XCTAssertEqual(try g2p.phonemize(""), "")
            XCTAssertEqual(try g2p.phonemize("«!»"), "“!”")
            XCTAssertEqual(try g2p.phonemize("( )"), "( )")
        }
    }

    func testAwkwardTextDoesNotCrash() throws {
        let library = try requireEspeak()
        let texts = [
            "a\u{0}b", "\u{0}", "😀 emoji 👍🏽 text", "\u{FEFF}bom", "e\u{301}\u{301}\u{301}", "\u{202E}rtl", "((((((",
            "))))))", "(((a)))", "[[hello]]", "<speak>ssml</speak>", "&amp; &lt;", String(repeating: "\u{301}", count: 50),
            "日本語のテキスト", "Ελληνικά", "עברית", "٣٤٥", "\u{2028}\u{2029}", String(repeating: "-", count: 500),
            String(repeating: "x", count: 2000), String(repeating: "9", count: 500),
        ]
        for voice in ["en-us", "en-gb", "es", "fr-fr", "hi", "it", "pt-br"] {
            for text in texts {
                XCTAssertNoThrow(try library.ipa(text, voice: voice), "\(voice): \(text.prefix(20))")
                XCTAssertNoThrow(try EspeakG2P(library: library, voice: voice).phonemize(text))
            }
        }
        // espeak-ng reads the text as a C string: it ends at a NUL, as it does for phonemizer.
        XCTAssertEqual(try library.ipa("hello\u{0}world", voice: "en-us"), try library.ipa("hello", voice: "en-us"))
    }

    func testHundredKilobytesComplete() throws {
        let library = try requireEspeak()
        let sentence = "The quick brown fox, who was 42 years old, jumped over the lazy dog (again); didn't it? "
        let prose = String(repeating: sentence, count: 100_000 / sentence.utf8.count + 1)
        let oneClause = String(repeating: "word ", count: 20_000)
        let punctuation = String(repeating: ", . ! ? ", count: 12_500)
        let spaces = String(repeating: " ", count: 100_000) + "end"
        for (name, text) in [("prose", prose), ("one clause", oneClause), ("punctuation", punctuation), ("spaces", spaces)] {
            let start = Date()
            let ipa = try library.ipa(text, voice: "en-us")
            let seconds = Date().timeIntervalSince(start)
            print("espeak 100 KB \(name): \(ipa.unicodeScalars.count) scalars in \(String(format: "%.2f", seconds)) s")
            XCTAssertFalse(ipa.isEmpty, name)
            XCTAssertLessThan(seconds, 60, name)
        }
        let french = try EspeakG2P(library: library, voice: "fr-fr").phonemize(String(repeating: "Bonjour (mes amis), ça va ? ", count: 3600))
        XCTAssertTrue(french.hasPrefix("bɔ̃ʒˈuʁ (mez amˈi), sa vˈa ? "), String(french.prefix(60)))
    }

    func testConcurrentCallsGiveTheSerialResults() throws {
        let library = try requireEspeak()
        let work: [(String, String)] = [
            ("en-us", "Kubernetes clusters, naturally."), ("fr-fr", "Bonjour, comment allez-vous ?"),
            ("es", "¿Dónde está la biblioteca?"), ("hi", "नमस्ते, आप कैसे हैं?"), ("it", "Perché no?"),
            ("pt-br", "Não sei, talvez amanhã."), ("en-gb", "Worcestershire sauce."),
        ]
        let serial = try work.map { try library.ipa($0.1, voice: $0.0) }
        let rounds = 8
        var results = [String?](repeating: nil, count: work.count * rounds)
        let resultsLock = NSLock()
        DispatchQueue.concurrentPerform(iterations: work.count * rounds) { index in
            let (voice, text) = work[index % work.count]
            let ipa = try? library.ipa(text, voice: voice)
            resultsLock.lock()
            results[index] = ipa
            resultsLock.unlock()
        }
        for (index, result) in results.enumerated() {
            XCTAssertEqual(result, serial[index % work.count], "\(work[index % work.count])")
        }
    }

    func testSharedIsLoadedOnce() throws {
        let first = try requireEspeak()
        let second = try EspeakLibrary.shared()
        XCTAssertTrue(first === second)
        // Another spelling of the same file reaches the same, already initialised library.
        let byPath = try EspeakLibrary.load(libraryPath: "/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1", dataPath: nil)
        XCTAssertTrue(first === byPath)
        XCTAssertTrue(first.version.hasPrefix("1."), first.version)
    }

    func testPunctuationSplitFollowsPhonemizer() {
        func split(_ text: String) -> ([String], [String]) {
            let (pieces, marks) = PhonemizerText.splitAtPunctuation(Array(text.unicodeScalars))
            return (pieces.map { CodePointText($0).string },
                    marks.map { "\($0.position):" + CodePointText($0.text).string })
        }
        // Values from phonemizer's Punctuation()._preserve_line.
        XCTAssertEqual(split("hello, my world!").0, ["hello", "my world"])
        XCTAssertEqual(split("hello, my world!").1, ["inner:, ", "end:!"])
        XCTAssertEqual(split("(a) (b)").0, ["a", "b"])
        XCTAssertEqual(split("(a) (b)").1, ["begin:(", "inner:) (", "end:)"])
        XCTAssertEqual(split(" ... ").1, ["alone: ... "])
        XCTAssertEqual(split("a  b ,c").0, ["a  b", "c"])
        XCTAssertEqual(split("a  b ,c").1, ["inner: ,"])
        XCTAssertEqual(split("   ").0, ["   "])
    }

    func testLanguageFlagRemovalFollowsPhonemizer() {
        func remove(_ text: String) -> String {
            CodePointText(PhonemizerText.removingLanguageFlags(Array(text.unicodeScalars))).string
        }
        // re.sub(r'\(.+?\)', '', text)
        XCTAssertEqual(remove("ʒˈɛm lə (en)fˈʊtbɔːl(fr)"), "ʒˈɛm lə fˈʊtbɔːl")
        XCTAssertEqual(remove("()x)y"), "y")
        XCTAssertEqual(remove("a(b"), "a(b")
        XCTAssertEqual(remove("()"), "()")
    }
}
