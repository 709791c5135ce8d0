import Foundation
import XCTest
@testable import KokoroModel

/// The real bundle made by `make model`. These tests fail (never skip) when it is absent, so a
/// machine that has not built the model cannot report a green run.
final class RealBundleTests: XCTestCase {
    /// <package root>/models/<name>, found from this source file's location.
    static func modelPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // KokoroModelTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("models").appendingPathComponent(name).path
    }

    /// The path, or nil after recording a failure that says how to get the file.
    static func requireModelFile(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let path = modelPath(name)
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("\(path) does not exist: run `make model` to fetch and convert the Kokoro bundle", file: file, line: line)
            return nil
        }
        return path
    }

    func testRealModelBundle() throws {
        guard let path = Self.requireModelFile("kokoro-v1_0.safetensors") else { return }
        let bundle = try ModelBundle(path: path)
        XCTAssertEqual(bundle.file.tensors.count, 597)
        XCTAssertEqual(bundle.file.metadata["format"], "kokoro-bundle")
        XCTAssertEqual(bundle.file.metadata["format_version"], "1")
        XCTAssertNotNil(bundle.source)
        XCTAssertNotNil(bundle.precision)
        for spec in KokoroTensorTable.tensors {
            let info = try bundle.file.info(spec.name)
            XCTAssertEqual(info.shape, spec.shape, spec.name)
            XCTAssertEqual(info.dtype, .f32, spec.name)
        }
        XCTAssertEqual(bundle.config.nToken, 178)
        XCTAssertEqual(bundle.config.istftnet.upsampleRates, [10, 6])
        XCTAssertGreaterThan(bundle.config.vocab.count, 100)
        XCTAssertEqual(bundle.config.tokenID(for: Unicode.Scalar(0x303)!), 17)
        // A few tensors read back as finite, non-trivial weights.
        for name in ["bert.embeddings.LayerNorm.weight", "text_encoder.embedding.weight",
                     "predictor.duration_proj.linear_layer.weight", "decoder.generator.conv_post.weight"] {
            let values = try bundle.floats(name)
            XCTAssertTrue(values.allSatisfy(\.isFinite), "\(name) has non-finite values")
            XCTAssertTrue(values.contains { $0 != 0 }, "\(name) is all zeros")
        }
    }

    func testRealVoices() throws {
        guard let path = Self.requireModelFile("voices.safetensors") else { return }
        let voices = try VoiceBank(path: path)
        XCTAssertFalse(voices.names.isEmpty)
        for name in voices.names {
            let table = try voices.voice(name)
            XCTAssertEqual(table.count, 510 * 256)
            XCTAssertTrue(table.allSatisfy(\.isFinite), "\(name) has non-finite values")
            XCTAssertEqual(try voices.style(name, phonemeCount: 1), Array(table[0..<256]))
            XCTAssertEqual(try voices.style(name, phonemeCount: 600), Array(table[509 * 256..<510 * 256]))
        }
        assertModelFileError(try voices.style("no_such_voice", phonemeCount: 1), mentions: [voices.names[0]])
    }
}
