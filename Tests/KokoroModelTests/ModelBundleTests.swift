import XCTest
@testable import KokoroModel

/// ModelBundle on synthetic full-size bundles (sparse files; see writeSparseBundle).
final class ModelBundleTests: XCTestCase {
    let directory = TemporaryDirectory()

    func testValidBundleOpens() throws {
        let path = writeSparseBundle(in: directory)
        let bundle = try ModelBundle(path: path)
        XCTAssertEqual(bundle.path, path)
        XCTAssertEqual(bundle.file.tensors.count, 597)
        XCTAssertEqual(bundle.config.nToken, 178)
        XCTAssertEqual(bundle.source, "test")
        XCTAssertEqual(bundle.precision, "fp32")
        XCTAssertEqual(try bundle.floats("decoder.generator.conv_post.bias"), Array(repeating: 0, count: 22))
    }

    func testHalfPrecisionTensorsAreAccepted() throws {
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { tensors in
            for i in tensors.indices where i % 2 == 0 { tensors[i].dtype = i % 4 == 0 ? "F16" : "BF16" }
        })
        let bundle = try ModelBundle(path: path)
        XCTAssertEqual(try bundle.file.info(KokoroTensorTable.tensors[0].name).dtype, .f16)
        XCTAssertEqual(try bundle.floats(KokoroTensorTable.tensors[0].name).count, 178 * 128)
    }

    /// I32 is readable (golden files) but never a weight.
    func testIntegerWeightIsRejected() {
        let victim = "bert_encoder.bias"
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { tensors in
            tensors[tensors.firstIndex { $0.name == victim }!].dtype = "I32"
        })
        _ = assertModelFileError(try ModelBundle(path: path), mentions: [victim, "I32"])
    }

    func testMissingTensor() {
        let victim = "predictor.F0.1.conv1.weight"
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { $0.removeAll { $0.name == victim } })
        let error = assertModelFileError(try ModelBundle(path: path), mentions: [path, victim])
        XCTAssertEqual(error, .missingTensor(path: path, tensor: victim))
    }

    func testWrongShape() {
        let victim = "decoder.generator.conv_post.weight"
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { tensors in
            tensors[tensors.firstIndex { $0.name == victim }!].shape = [22, 128, 5]
        })
        let error = assertModelFileError(try ModelBundle(path: path), mentions: [victim, "[22, 128, 5]", "[22, 128, 7]"])
        XCTAssertEqual(error, .shapeMismatch(path: path, tensor: victim, expected: [22, 128, 7], found: [22, 128, 5]))
    }

    func testTransposedMatrixIsAShapeMismatch() {
        let victim = "bert_encoder.weight"
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { tensors in
            tensors[tensors.firstIndex { $0.name == victim }!].shape = [768, 512]
        })
        XCTAssertEqual(assertModelFileError(try ModelBundle(path: path)),
                       .shapeMismatch(path: path, tensor: victim, expected: [512, 768], found: [768, 512]))
    }

    func testExtraTensor() {
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { $0.append(("bert.pooler.weight", "F32", [768, 768])) })
        let error = assertModelFileError(try ModelBundle(path: path), mentions: ["unexpected tensor \"bert.pooler.weight\""])
        XCTAssertEqual(error, .unexpectedTensor(path: path, tensor: "bert.pooler.weight"))
    }

    func testUnfoldedWeightNormIsNamed() {
        let path = writeSparseBundle(in: directory, tensors: kokoroTensors { tensors in
            let index = tensors.firstIndex { $0.name == "decoder.generator.conv_post.weight" }!
            tensors[index] = ("decoder.generator.conv_post.weight_v", "F32", [22, 128, 7])
            tensors.append(("decoder.generator.conv_post.weight_g", "F32", [22, 1, 1]))
        })
        assertModelFileError(try ModelBundle(path: path), mentions: ["unexpected tensor \"decoder.generator.conv_post.weight_"])
    }

    func testMetadataProblems() {
        func expectError(_ metadata: [String: String]?, _ expected: (String) -> ModelFileError, mentions: [String], line: UInt = #line) {
            let path = writeSparseBundle(in: directory, metadata: metadata)
            let error = assertModelFileError(try ModelBundle(path: path), mentions: mentions, line: line)
            XCTAssertEqual(error, expected(path), line: line)
        }
        let good = ["format": "kokoro-bundle", "format_version": "1", "config": kokoroConfigJSON()]
        func with(_ key: String, _ value: String?) -> [String: String] {
            var metadata = good
            metadata[key] = value
            return metadata
        }
        expectError(nil, { .invalidMetadata(path: $0, key: "format", reason: "is missing (expected \"kokoro-bundle\"; is this a Kokoro bundle made by `make model`?)") },
                    mentions: ["\"format\"", "missing"])
        expectError(with("format", "kokoro-voices"), { .invalidMetadata(path: $0, key: "format", reason: "is \"kokoro-voices\", but this library reads \"kokoro-bundle\"") },
                    mentions: ["kokoro-voices"])
        expectError(with("format_version", "2"), { .invalidMetadata(path: $0, key: "format_version", reason: "is \"2\", but this library reads \"1\"") },
                    mentions: ["format_version"])
        expectError(with("config", nil), { .invalidMetadata(path: $0, key: "config", reason: "is missing") }, mentions: ["config"])
        expectError(with("config", "{oops"), { .invalidConfig(path: $0, reason: "not valid JSON: expected a string key in object at byte 1") },
                    mentions: ["invalid Kokoro config"])
        expectError(with("config", kokoroConfigJSON { setField(&$0, "hidden_dim", 256) }),
                    { .invalidConfig(path: $0, reason: "hidden_dim is 256, but this library implements Kokoro v1.0 (512)") },
                    mentions: ["hidden_dim"])
        expectError(with("config", kokoroConfigJSON { setField(&$0, "istftnet.resblock_dilation_sizes", [[1, 3, 5], [1, 3, 5], [1, 2, 5]]) }),
                    { .invalidConfig(path: $0, reason: "istftnet.resblock_dilation_sizes is [[1, 3, 5], [1, 3, 5], [1, 2, 5]], but this library implements Kokoro v1.0 ([[1, 3, 5], [1, 3, 5], [1, 3, 5]])") },
                    mentions: ["resblock_dilation_sizes"])
    }
}
