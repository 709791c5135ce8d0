// The WAV files kokoro-cli writes, read back field by field.
import Foundation
import Kokoro
import XCTest

/// A minimal RIFF/WAVE reader: the format chunk's fields and the data chunk's bytes.
private struct ParsedWAV {
    var formatTag = 0, channels = 0, sampleRate = 0, byteRate = 0, blockAlign = 0, bitsPerSample = 0
    var factSamples: Int? = nil
    var data: [UInt8] = []

    init(_ bytes: [UInt8]) throws {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func tag(_ at: Int) -> String { String(decoding: bytes[at..<at + 4], as: UTF8.self) }
        guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else { throw CocoaError(.fileReadCorruptFile) }
        XCTAssertEqual(u32(4), bytes.count - 8, "RIFF size")
        var offset = 12
        while offset + 8 <= bytes.count {
            let size = u32(offset + 4)
            let body = offset + 8
            switch tag(offset) {
            case "fmt ":
                formatTag = u16(body); channels = u16(body + 2); sampleRate = u32(body + 4)
                byteRate = u32(body + 8); blockAlign = u16(body + 12); bitsPerSample = u16(body + 14)
            case "fact": factSamples = u32(body)
            case "data": data = Array(bytes[body..<body + size])
            default: break
            }
            offset = body + size + (size & 1)
        }
        XCTAssertEqual(offset, bytes.count, "chunks cover the file exactly")
    }
}

final class WAVFileTests: XCTestCase {
    func testPCM16() throws {
        let samples: [Float] = [0, 0.5, -0.5, 1, -1, 2, -2, .nan, 1e-5]
        let wav = try ParsedWAV(WAVFile.encode(samples, sampleRate: 24_000))
        XCTAssertEqual(wav.formatTag, 1)
        XCTAssertEqual(wav.channels, 1)
        XCTAssertEqual(wav.sampleRate, 24_000)
        XCTAssertEqual(wav.byteRate, 48_000)
        XCTAssertEqual(wav.blockAlign, 2)
        XCTAssertEqual(wav.bitsPerSample, 16)
        XCTAssertNil(wav.factSamples)
        let values = stride(from: 0, to: wav.data.count, by: 2).map { Int16(bitPattern: UInt16(wav.data[$0]) | UInt16(wav.data[$0 + 1]) << 8) }
        XCTAssertEqual(values, [0, 16384, -16384, 32767, -32767, 32767, -32767, 0, 0])
        XCTAssertEqual(WAVFile.encode(samples, sampleRate: 24_000).count, 44 + 2 * samples.count, "the canonical 44-byte header")
    }

    func testFloat32IsBitExact() throws {
        let samples: [Float] = [0, 0.25, -1.5, .leastNonzeroMagnitude, 3.25]
        let wav = try ParsedWAV(WAVFile.encode(samples, sampleRate: 24_000, format: .float32))
        XCTAssertEqual(wav.formatTag, 3)
        XCTAssertEqual(wav.bitsPerSample, 32)
        XCTAssertEqual(wav.blockAlign, 4)
        XCTAssertEqual(wav.byteRate, 96_000)
        XCTAssertEqual(wav.factSamples, samples.count)
        let values = stride(from: 0, to: wav.data.count, by: 4).map { i in
            Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(wav.data[i + $1]) << (8 * UInt32($1)) })
        }
        XCTAssertEqual(values, samples)
    }

    func testEmptyAudioAndWritingAFile() throws {
        let empty = try ParsedWAV(WAVFile.encode([], sampleRate: 24_000))
        XCTAssertTrue(empty.data.isEmpty)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kokoro-wav-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try WAVFile.write([0.1, -0.1], sampleRate: 24_000, to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes, WAVFile.encode([0.1, -0.1], sampleRate: 24_000))
        XCTAssertThrowsError(try WAVFile.write([0], sampleRate: 24_000, to: "/nonexistent-directory/x.wav"))
    }
}
