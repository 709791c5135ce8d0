// Opening a Kokoro model bundle: a safetensors file whose metadata says what it is and carries the
// config, and whose tensors are exactly those of KokoroTensorTable. Everything is checked here, at
// open, so that the engine can create its GPU buffers without a single further test.
import KokoroJSON

/// A validated Kokoro v1.0 model bundle (`kokoro-v1_0.safetensors`).
///
/// Required metadata: `format` = `kokoro-bundle`, `format_version` = `1`, `config` = the model's
/// config JSON. Optional: `source` and `precision` (what the converter read). The tensors must be
/// exactly `KokoroTensorTable.tensors`, each with its shape, stored as F32, F16 or BF16.
public final class ModelBundle: @unchecked Sendable {
    /// Value of the `format` metadata key.
    public static let format = "kokoro-bundle"
    /// Value of the `format_version` metadata key that this library reads.
    public static let formatVersion = "1"

    /// The underlying file, for tensor access.
    public let file: SafeTensorsFile
    /// The parsed config.
    public let config: KokoroConfig

    /// Opens and validates the bundle at `path`.
    /// - Throws: `ModelFileError` naming the file and the first problem (a missing, extra or
    ///   misshapen tensor; wrong metadata; an invalid config).
    public convenience init(path: String) throws {
        try self.init(file: SafeTensorsFile(path: path))
    }

    /// Validates an already opened file as a bundle.
    public init(file: SafeTensorsFile) throws {
        self.file = file
        try Self.requireMetadata(file, key: "format", equals: Self.format)
        try Self.requireMetadata(file, key: "format_version", equals: Self.formatVersion)
        guard let configJSON = file.metadata["config"] else {
            throw ModelFileError.invalidMetadata(path: file.path, key: "config", reason: "is missing")
        }
        config = try KokoroConfig(json: configJSON, source: file.path)
        try Self.checkArchitecture(config, path: file.path)
        try Self.checkTensors(file)
    }

    /// The path the bundle was opened from.
    public var path: String { file.path }
    /// The `source` metadata (what the converter read), if present.
    public var source: String? { file.metadata["source"] }
    /// The `precision` metadata (precision of the converter's input), if present.
    public var precision: String? { file.metadata["precision"] }

    /// All elements of tensor `name` as Float (see `SafeTensorsFile.floats`).
    public func floats(_ name: String) throws -> [Float] {
        try file.floats(name)
    }

    private static func requireMetadata(_ file: SafeTensorsFile, key: String, equals expected: String) throws {
        guard let value = file.metadata[key] else {
            throw ModelFileError.invalidMetadata(
                path: file.path, key: key, reason: "is missing (expected \(quoted(expected)); is this a Kokoro bundle made by `make model`?)")
        }
        guard value == expected else {
            throw ModelFileError.invalidMetadata(
                path: file.path, key: key, reason: "is \(quoted(value)), but this library reads \(quoted(expected))")
        }
    }

    /// The tensor table is written for Kokoro v1.0's hyper-parameters; a config that differs
    /// describes another network, even if the tensors happened to match.
    private static func checkArchitecture(_ config: KokoroConfig, path: String) throws {
        let net = config.istftnet
        let bert = config.plbert
        let fields: [(name: String, found: String, expected: String)] = [
            ("n_token", "\(config.nToken)", "178"),
            ("hidden_dim", "\(config.hiddenDim)", "512"),
            ("style_dim", "\(config.styleDim)", "128"),
            ("n_layer", "\(config.nLayer)", "3"),
            ("max_dur", "\(config.maxDur)", "50"),
            ("dim_in", "\(config.dimIn)", "64"),
            ("max_conv_dim", "\(config.maxConvDim)", "512"),
            ("n_mels", "\(config.nMels)", "80"),
            ("text_encoder_kernel_size", "\(config.textEncoderKernelSize)", "5"),
            ("istftnet.upsample_kernel_sizes", "\(net.upsampleKernelSizes)", "[20, 12]"),
            ("istftnet.upsample_rates", "\(net.upsampleRates)", "[10, 6]"),
            ("istftnet.gen_istft_hop_size", "\(net.genISTFTHopSize)", "5"),
            ("istftnet.gen_istft_n_fft", "\(net.genISTFTNFFT)", "20"),
            ("istftnet.resblock_kernel_sizes", "\(net.resblockKernelSizes)", "[3, 7, 11]"),
            ("istftnet.resblock_dilation_sizes", "\(net.resblockDilationSizes)", "[[1, 3, 5], [1, 3, 5], [1, 3, 5]]"),
            ("istftnet.upsample_initial_channel", "\(net.upsampleInitialChannel)", "512"),
            ("plbert.hidden_size", "\(bert.hiddenSize)", "768"),
            ("plbert.num_attention_heads", "\(bert.numAttentionHeads)", "12"),
            ("plbert.intermediate_size", "\(bert.intermediateSize)", "2048"),
            ("plbert.max_position_embeddings", "\(bert.maxPositionEmbeddings)", "512"),
            ("plbert.num_hidden_layers", "\(bert.numHiddenLayers)", "12"),
        ]
        for field in fields where field.found != field.expected {
            // A hostile config may hold a huge array here; keep the message readable.
            let found = field.found.count > 200 ? field.found.prefix(200) + "..." : field.found
            throw ModelFileError.invalidConfig(
                path: path, reason: "\(field.name) is \(found), but this library implements Kokoro v1.0 (\(field.expected))")
        }
    }

    /// Extra tensors are reported first: a file with `x.weight_g` / `x.weight_v` instead of
    /// `x.weight` (weight norm not folded) then names the telling tensor, not the absent one.
    private static func checkTensors(_ file: SafeTensorsFile) throws {
        for tensor in file.tensors where KokoroTensorTable.spec(named: tensor.name) == nil {
            throw ModelFileError.unexpectedTensor(path: file.path, tensor: tensor.name)
        }
        for spec in KokoroTensorTable.tensors {
            let tensor = try file.info(spec.name)  // throws .missingTensor
            guard tensor.shape == spec.shape else {
                throw ModelFileError.shapeMismatch(path: file.path, tensor: spec.name, expected: spec.shape, found: tensor.shape)
            }
            guard tensor.dtype.isFloatingPoint else {
                throw ModelFileError.invalidTensor(path: file.path, tensor: spec.name, reason: "has dtype \(tensor.dtype.rawValue); weights must be F32, F16 or BF16")
            }
        }
    }
}
