// Splitting long phoneme input into chunks of at most 510 phonemes: at sentence ends, then clause
// breaks, then spaces, then anywhere.
@testable import Kokoro
import XCTest

final class PhonemeChunkerTests: XCTestCase {
    private func split(_ text: String, limit: Int) -> [String] {
        PhonemeChunker.split(Array(text.unicodeScalars), limit: limit).map { String(String.UnicodeScalarView($0)) }
    }

    func testShortInputIsOneChunkTrimmed() {
        XCTAssertEqual(split("həlˈO wˈɜɹld.", limit: 510), ["həlˈO wˈɜɹld."])
        XCTAssertEqual(split("  hˈI  ", limit: 510), ["hˈI"])
        XCTAssertEqual(split("", limit: 510), [])
        XCTAssertEqual(split("    ", limit: 510), [])
        XCTAssertEqual(split(String(repeating: "a", count: 510), limit: 510).map(\.count), [510], "exactly the limit fits")
    }

    func testSentenceEndIsPreferred() {
        // Both a comma and sentence ends fit: the last sentence end wins.
        XCTAssertEqual(split("ab, cd. ef! gh ij", limit: 12), ["ab, cd. ef!", "gh ij"])
        XCTAssertEqual(split("ab? cd, ef gh", limit: 10), ["ab?", "cd, ef gh"])
    }

    func testClauseBreakThenSpaceThenHardCut() {
        XCTAssertEqual(split("ab; cd ef gh", limit: 8), ["ab;", "cd ef gh"])
        XCTAssertEqual(split("ab — cd ef", limit: 6), ["ab —", "cd ef"])
        XCTAssertEqual(split("abc def ghi", limit: 8), ["abc def", "ghi"])
        XCTAssertEqual(split("abcdefghij", limit: 4), ["abcd", "efgh", "ij"])
    }

    func testClosingMarksStayWithTheirSentence() {
        XCTAssertEqual(split("“ab.” cd ef", limit: 8), ["“ab.”", "cd ef"])
    }

    func testEveryChunkFitsAndNothingButBreakSpacesIsLost() {
        let sentence = "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ"
        let text = (0..<40).map { $0 % 3 == 0 ? sentence + "." : sentence + "," }.joined(separator: " ")
        let chunks = PhonemeChunker.split(Array(text.unicodeScalars))
        XCTAssertGreaterThan(chunks.count, 3)
        for chunk in chunks {
            XCTAssertLessThanOrEqual(chunk.count, 510)
            XCTAssertFalse(chunk.isEmpty)
            XCTAssertNotEqual(chunk.first, " ")
            XCTAssertNotEqual(chunk.last, " ")
        }
        // Rejoined with the spaces dropped at the breaks, the chunks give back the input.
        XCTAssertEqual(chunks.map { String(String.UnicodeScalarView($0)) }.joined(separator: " "), text)
        // Sentence ends exist in every window of 510, so every chunk but the last ends with one.
        for chunk in chunks.dropLast() { XCTAssertEqual(chunk.last, ".") }
    }
}
