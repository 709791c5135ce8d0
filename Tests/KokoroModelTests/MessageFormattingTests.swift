import XCTest
@testable import KokoroModel
@testable import KokoroJSON

/// Names and shapes in messages come from untrusted files: escaped and shortened.
final class MessageFormattingTests: XCTestCase {
    func testQuotedEscapesAndShortens() {
        XCTAssertEqual(quoted("a\"b\\c\nd\u{1B}"), #""a\"b\\c\u{a}d\u{1b}""#)
        XCTAssertEqual(quoted(String(repeating: "x", count: 1_000)), "\"" + String(repeating: "x", count: 80) + "...\"")
        XCTAssertEqual(quoted("ʤ\u{303}"), "\"ʤ\u{303}\"")
    }

    func testLongShapesAndNameListsAreShortened() {
        XCTAssertEqual(formatShape([]), "[]")
        XCTAssertEqual(formatShape([22, 128, 7]), "[22, 128, 7]")
        XCTAssertEqual(formatShape(Array(repeating: 1, count: 1_000), limit: 2), "[1, 1, ... (1000 dimensions)]")
        XCTAssertEqual(formatNameList([]), "none")
        let names = (0..<100).map { "v\($0)" }
        let message = ModelFileError.unknownVoice(path: "p", voice: "x", available: names).description
        XCTAssertTrue(message.hasSuffix("v62, v63, ... (100 in all)"), message)
    }

    func testHugeShapeInAHostileHeader() {
        let shape = Array(repeating: "1", count: 100_000).joined(separator: ",")
        let bytes = SafeTensorsWriter.file(header: #"{"t":{"dtype":"F32","shape":[\#(shape)],"data_offsets":[0,8]}}"#,
                                           data: Array(repeating: 0, count: 8))
        let error = assertModelFileError(try openInMemory(bytes), mentions: ["(100000 dimensions)", "needs 4 bytes"])
        XCTAssertLessThan(error?.description.count ?? 0, 300)
    }
}
