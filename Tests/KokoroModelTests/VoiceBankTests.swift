import XCTest
@testable import KokoroModel

/// VoiceBank on a small synthetic voices file.
final class VoiceBankTests: XCTestCase {
    let directory = TemporaryDirectory()

    /// Voice number `voice`'s table: element (row, column) = voice * 1e6 + row * 1000 + column,
    /// so any misplaced row or column shows up as a wrong value.
    static func table(voice: Int) -> [Float] {
        var table = [Float](repeating: 0, count: 510 * 256)
        for row in 0..<510 {
            for column in 0..<256 { table[row * 256 + column] = Float(voice * 1_000_000 + row * 1000 + column) }
        }
        return table
    }

    func writeVoices(_ tensors: [TestTensor], metadata: [String: String]? = ["format": "kokoro-voices"]) -> String {
        directory.write(SafeTensorsWriter.file(tensors, metadata: metadata), name: "voices.safetensors")
    }

    func testListsAndReadsVoices() throws {
        let path = writeVoices([TestTensor("bf_emma", shape: [510, 256], floats: Self.table(voice: 2)),
                                TestTensor("af_heart", shape: [510, 256], floats: Self.table(voice: 1)),
                                TestTensor("jm_kumo", shape: [510, 1, 256], floats: Self.table(voice: 3))])
        let voices = try VoiceBank(path: path)
        XCTAssertEqual(voices.names, ["af_heart", "bf_emma", "jm_kumo"])
        XCTAssertTrue(voices.contains("bf_emma"))
        XCTAssertFalse(voices.contains("af_sky"))
        XCTAssertEqual(try voices.voice("bf_emma"), Self.table(voice: 2))
        XCTAssertEqual(try voices.voice("jm_kumo"), Self.table(voice: 3))
    }

    func testStyleRowForPhonemeCount() throws {
        let voices = try VoiceBank(path: writeVoices([TestTensor("af_heart", shape: [510, 256], floats: Self.table(voice: 1))]))
        func firstValue(_ count: Int) throws -> Float { try voices.style("af_heart", phonemeCount: count)[0] }
        XCTAssertEqual(try voices.style("af_heart", phonemeCount: 1), Array(Self.table(voice: 1)[0..<256]))
        XCTAssertEqual(try voices.style("af_heart", phonemeCount: 42), Array(Self.table(voice: 1)[41 * 256..<42 * 256]))
        XCTAssertEqual(try firstValue(510), 1_509_000)
        // Clamped at both ends.
        XCTAssertEqual(try firstValue(0), 1_000_000)
        XCTAssertEqual(try firstValue(-7), 1_000_000)
        XCTAssertEqual(try firstValue(511), 1_509_000)
        XCTAssertEqual(try firstValue(.max), 1_509_000)
        XCTAssertEqual(try firstValue(.min), 1_000_000)
        XCTAssertEqual(VoiceBank.row(forPhonemeCount: 510), 509)
    }

    func testUnknownVoiceListsTheAvailableOnes() throws {
        let path = writeVoices([TestTensor("af_heart", shape: [510, 256], floats: Self.table(voice: 1)),
                                TestTensor("am_adam", shape: [510, 256], floats: Self.table(voice: 2))])
        let voices = try VoiceBank(path: path)
        let error = assertModelFileError(try voices.style("af_nope", phonemeCount: 3),
                                         mentions: [path, "unknown voice \"af_nope\"", "available voices: af_heart, am_adam"])
        XCTAssertEqual(error, .unknownVoice(path: path, voice: "af_nope", available: ["af_heart", "am_adam"]))
        assertModelFileError(try voices.voice(""), mentions: ["af_heart, am_adam"])
    }

    func testWrongShapeAndMetadata() {
        let bad = TestTensor("af_short", shape: [509, 256], floats: Array(Self.table(voice: 1).prefix(509 * 256)))
        let path = writeVoices([bad])
        XCTAssertEqual(assertModelFileError(try VoiceBank(path: path), mentions: ["af_short", "[509, 256]"]),
                       .shapeMismatch(path: path, tensor: "af_short", expected: [510, 256], found: [509, 256]))

        let good = TestTensor("af_heart", shape: [510, 256], floats: Self.table(voice: 1))
        assertModelFileError(try VoiceBank(path: writeVoices([good], metadata: nil)), mentions: ["\"format\"", "missing"])
        assertModelFileError(try VoiceBank(path: writeVoices([good], metadata: ["format": "kokoro-bundle"])),
                             mentions: ["\"kokoro-bundle\"", "expected \"kokoro-voices\""])
    }

    func testHalfPrecisionVoices() throws {
        let bits = [UInt16](repeating: 0x3C00, count: 510 * 256)
        let voices = try VoiceBank(path: writeVoices([TestTensor("h", dtype: "F16", shape: [510, 256], bits: bits)]))
        XCTAssertEqual(try voices.style("h", phonemeCount: 5), Array(repeating: 1, count: 256))
    }
}
