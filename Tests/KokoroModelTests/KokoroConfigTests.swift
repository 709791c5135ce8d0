import XCTest
@testable import KokoroModel

final class KokoroConfigTests: XCTestCase {
    func testParsesTheKokoroV1Config() throws {
        let config = try KokoroConfig(json: kokoroConfigJSON())
        XCTAssertEqual(config.nToken, 178)
        XCTAssertEqual(config.hiddenDim, 512)
        XCTAssertEqual(config.styleDim, 128)
        XCTAssertEqual(config.nLayer, 3)
        XCTAssertEqual(config.maxDur, 50)
        XCTAssertEqual(config.dimIn, 64)
        XCTAssertEqual(config.maxConvDim, 512)
        XCTAssertEqual(config.nMels, 80)
        XCTAssertEqual(config.textEncoderKernelSize, 5)
        XCTAssertEqual(config.istftnet.upsampleKernelSizes, [20, 12])
        XCTAssertEqual(config.istftnet.upsampleRates, [10, 6])
        XCTAssertEqual(config.istftnet.genISTFTHopSize, 5)
        XCTAssertEqual(config.istftnet.genISTFTNFFT, 20)
        XCTAssertEqual(config.istftnet.resblockKernelSizes, [3, 7, 11])
        XCTAssertEqual(config.istftnet.resblockDilationSizes, [[1, 3, 5], [1, 3, 5], [1, 3, 5]])
        XCTAssertEqual(config.istftnet.upsampleInitialChannel, 512)
        XCTAssertEqual(config.plbert.hiddenSize, 768)
        XCTAssertEqual(config.plbert.numAttentionHeads, 12)
        XCTAssertEqual(config.plbert.intermediateSize, 2048)
        XCTAssertEqual(config.plbert.maxPositionEmbeddings, 512)
        XCTAssertEqual(config.plbert.numHiddenLayers, 12)
        XCTAssertEqual(config.vocab, [";": 1, " ": 16, "\u{303}": 17, "a": 43, "ʤ": 82, "ˈ": 156, "ᵻ": 177])
    }

    func testTokenLookup() throws {
        let config = try KokoroConfig(json: kokoroConfigJSON())
        XCTAssertEqual(config.tokenID(for: Unicode.Scalar("a")), 43)
        XCTAssertEqual(config.tokenID(for: Unicode.Scalar(0x303)!), 17)
        XCTAssertEqual(config.tokenID(for: Character("ʤ")), 82)
        XCTAssertEqual(config.tokenID(for: Character("ᵻ")), 177)
        XCTAssertNil(config.tokenID(for: Character("z")))
        // "ã" as a + U+0303 is one Character of two scalars: looked up per scalar, not as a whole.
        XCTAssertNil(config.tokenID(for: Character("a\u{303}")))
        XCTAssertEqual("a\u{303}".unicodeScalars.compactMap(config.tokenID(for:)), [43, 17])
    }

    func testMissingAndMistypedFields() {
        func expectError(_ mentions: [String], _ change: (inout [String: Any]) -> Void, line: UInt = #line) {
            let error = assertModelFileError(try KokoroConfig(json: kokoroConfigJSON(change), source: "cfg.json"),
                                             mentions: ["cfg.json", "invalid Kokoro config"] + mentions, line: line)
            guard case .invalidConfig? = error else { return XCTFail("wrong error", line: line) }
        }
        expectError(["missing field \"n_token\""]) { setField(&$0, "n_token", nil) }
        expectError(["missing field \"istftnet.gen_istft_n_fft\""]) { setField(&$0, "istftnet.gen_istft_n_fft", nil) }
        expectError(["missing field \"plbert\""]) { setField(&$0, "plbert", nil) }
        expectError(["hidden_dim is a string"]) { setField(&$0, "hidden_dim", "512") }
        expectError(["style_dim is 0", "from 1 to"]) { setField(&$0, "style_dim", 0) }
        expectError(["n_layer is -3"]) { setField(&$0, "n_layer", -3) }
        expectError(["max_dur is a non-integer number"]) { setField(&$0, "max_dur", 50.5) }
        expectError(["dim_in is 1099511627776"]) { setField(&$0, "dim_in", 1 << 40) }
        expectError(["istftnet.upsample_rates[1] is a string"]) { setField(&$0, "istftnet.upsample_rates", [10, "6"]) }
        expectError(["istftnet.upsample_rates is empty"]) { setField(&$0, "istftnet.upsample_rates", [Int]()) }
        expectError(["istftnet.resblock_dilation_sizes[2][0] is 0"]) {
            setField(&$0, "istftnet.resblock_dilation_sizes", [[1, 3, 5], [1, 3, 5], [0]])
        }
        expectError(["istftnet is an array"]) { setField(&$0, "istftnet", [1]) }
        expectError(["vocab is an array"]) { setField(&$0, "vocab", ["a"]) }
        expectError(["vocab[\"a\"] is a string"]) { setField(&$0, "vocab", ["a": "43"]) }
        expectError(["vocab[\"a\"] is -1"]) { setField(&$0, "vocab", ["a": -1]) }
    }

    func testCrossFieldRules() {
        func expectError(_ mentions: [String], _ change: (inout [String: Any]) -> Void, line: UInt = #line) {
            assertModelFileError(try KokoroConfig(json: kokoroConfigJSON(change)), mentions: mentions, line: line)
        }
        expectError(["vocab[\"a\"] = 178 is not below n_token (178)"]) { setField(&$0, "vocab", ["a": 178]) }
        expectError(["vocab symbol \"ab\" is 2 code points"]) { setField(&$0, "vocab", ["ab": 1]) }
        expectError(["vocab symbol \"\" is 0 code points"]) { setField(&$0, "vocab", ["": 1]) }
        expectError(["vocab is empty"]) { setField(&$0, "vocab", [String: Int]()) }
        expectError(["upsample_rates has 3 entries but upsample_kernel_sizes has 2"]) {
            setField(&$0, "istftnet.upsample_rates", [10, 6, 2])
        }
        expectError(["resblock_kernel_sizes has 2 entries but resblock_dilation_sizes has 3"]) {
            setField(&$0, "istftnet.resblock_kernel_sizes", [3, 7])
        }
        expectError(["upsample_initial_channel (6) cannot be halved 2 times"]) {
            setField(&$0, "istftnet.upsample_initial_channel", 6)
        }
        expectError(["hidden_size (768) is not a multiple of num_attention_heads (10)"]) {
            setField(&$0, "plbert.num_attention_heads", 10)
        }
    }

    func testNotJSONOrNotAnObject() {
        assertModelFileError(try KokoroConfig(json: "{"), mentions: ["not valid JSON"])
        assertModelFileError(try KokoroConfig(json: "[]"), mentions: ["top level is an array"])
        assertModelFileError(try KokoroConfig(json: kokoroConfigJSON() + "x"), mentions: ["not valid JSON"])
    }

    func testUnknownKeysAreIgnored() throws {
        let config = try KokoroConfig(json: kokoroConfigJSON { $0["future_option"] = ["x": [1, 2]] })
        XCTAssertEqual(config.nToken, 178)
    }
}
