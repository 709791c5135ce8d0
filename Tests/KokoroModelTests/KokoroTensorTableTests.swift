import XCTest
@testable import KokoroModel

final class KokoroTensorTableTests: XCTestCase {
    func testTableHasThe597BundleTensors() {
        let names = KokoroTensorTable.tensors.map(\.name)
        XCTAssertEqual(names.count, 597)
        XCTAssertEqual(Set(names).count, 597, "names are unique")
        XCTAssertFalse(names.contains { $0.hasSuffix(".weight_g") || $0.hasSuffix(".weight_v") }, "weight norm is folded")
        XCTAssertFalse(names.contains { $0.hasPrefix("bert.pooler.") }, "the pooler is dropped")
        XCTAssertFalse(KokoroTensorTable.tensors.contains { $0.shape.isEmpty || $0.shape.contains(0) })
        // Top-level modules of KModel, in state-dict order.
        var modules: [String] = []
        for name in names where modules.last != String(name.prefix { $0 != "." }) {
            modules.append(String(name.prefix { $0 != "." }))
        }
        XCTAssertEqual(modules, ["bert", "bert_encoder", "predictor", "text_encoder", "decoder"])
    }

    func testKnownShapes() {
        let expected: [(String, [Int])] = [
            ("bert.embeddings.word_embeddings.weight", [178, 128]),
            ("bert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight", [2048, 768]),
            ("bert_encoder.weight", [512, 768]),
            ("predictor.text_encoder.lstms.0.weight_ih_l0", [1024, 640]),
            ("predictor.duration_proj.linear_layer.weight", [50, 512]),
            ("decoder.generator.conv_post.weight", [22, 128, 7]),  // folded from weight_v
            ("decoder.generator.conv_post.bias", [22]),
        ]
        for (name, shape) in expected {
            XCTAssertEqual(KokoroTensorTable.spec(named: name)?.shape, shape, name)
        }
        XCTAssertNil(KokoroTensorTable.spec(named: "decoder.generator.conv_post.weight_v"))
        XCTAssertNil(KokoroTensorTable.spec(named: "bert.pooler.weight"))
    }

    func testParameterCountIsKokoro82M() {
        let parameters = KokoroTensorTable.tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
        // The state dict's 81,810,022 ("82M") less bert.pooler (590,592) and the weight_g
        // vectors folded into their weights (32,154).
        XCTAssertEqual(parameters, 81_187_276)
    }
}
