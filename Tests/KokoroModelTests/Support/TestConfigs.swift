import Foundation
@testable import KokoroModel
@testable import KokoroJSON

/// Kokoro v1.0's config.json (a few vocab entries instead of all 114) as a mutable dictionary,
/// so tests can break one field at a time.
func kokoroConfigDictionary() -> [String: Any] {
    [
        "istftnet": [
            "upsample_kernel_sizes": [20, 12],
            "upsample_rates": [10, 6],
            "gen_istft_hop_size": 5,
            "gen_istft_n_fft": 20,
            "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
            "resblock_kernel_sizes": [3, 7, 11],
            "upsample_initial_channel": 512,
        ] as [String: Any],
        "dim_in": 64,
        "dropout": 0.2,
        "hidden_dim": 512,
        "max_conv_dim": 512,
        "max_dur": 50,
        "multispeaker": true,
        "n_layer": 3,
        "n_mels": 80,
        "n_token": 178,
        "style_dim": 128,
        "text_encoder_kernel_size": 5,
        "plbert": [
            "hidden_size": 768,
            "num_attention_heads": 12,
            "intermediate_size": 2048,
            "max_position_embeddings": 512,
            "num_hidden_layers": 12,
            "dropout": 0.1,
        ] as [String: Any],
        "vocab": [";": 1, " ": 16, "\u{303}": 17, "a": 43, "ʤ": 82, "ˈ": 156, "ᵻ": 177],
    ]
}

/// Compact JSON text of `dictionary`, keys sorted.
func jsonText(_ dictionary: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

func kokoroConfigJSON(_ change: (inout [String: Any]) -> Void = { _ in }) -> String {
    var dictionary = kokoroConfigDictionary()
    change(&dictionary)
    return jsonText(dictionary)
}

/// Sets `value` at a dotted `path` such as "istftnet.upsample_rates" (nil removes the key).
func setField(_ dictionary: inout [String: Any], _ path: String, _ value: Any?) {
    let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
    if parts.count == 1 {
        dictionary[parts[0]] = value
    } else {
        var nested = dictionary[parts[0]] as! [String: Any]
        setField(&nested, parts[1], value)
        dictionary[parts[0]] = nested
    }
}
