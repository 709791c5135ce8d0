// The model hyper-parameters, read from the bundle's `config` metadata entry (the JSON of Kokoro's
// config.json). Property names are the JSON keys in camelCase, so the reference reads across.
// Keys this library does not need (dropout, multispeaker) are ignored.
import KokoroJSON

/// Kokoro's model configuration and phoneme vocabulary.
///
/// Values for Kokoro v1.0 are given in the comments; the tensor table (`KokoroTensorTable`) is
/// written for exactly those, and `ModelBundle` insists on them.
public struct KokoroConfig: Equatable, Sendable {
    /// The iSTFTNet vocoder (`decoder.generator`).
    public struct ISTFTNet: Equatable, Sendable {
        /// ConvTranspose1d kernel per upsampling stage: [20, 12].
        public let upsampleKernelSizes: [Int]
        /// Upsampling factor per stage: [10, 6] (x60 from frames to STFT frames).
        public let upsampleRates: [Int]
        /// Hop of the inverse STFT, in samples: 5.
        public let genISTFTHopSize: Int
        /// FFT size of the inverse STFT: 20 (conv_post emits n_fft + 2 = 22 channels).
        public let genISTFTNFFT: Int
        /// Kernel of each resblock in a stage: [3, 7, 11].
        public let resblockKernelSizes: [Int]
        /// Dilations of each resblock's three convolutions: [[1, 3, 5], [1, 3, 5], [1, 3, 5]].
        public let resblockDilationSizes: [[Int]]
        /// Channels entering the first upsampling stage, halved by each stage: 512.
        public let upsampleInitialChannel: Int
    }

    /// The ALBERT phoneme encoder (`bert`).
    public struct PLBert: Equatable, Sendable {
        /// 768.
        public let hiddenSize: Int
        /// 12 (head size 64).
        public let numAttentionHeads: Int
        /// Feed-forward width: 2048.
        public let intermediateSize: Int
        /// Longest token sequence, boundary tokens included: 512.
        public let maxPositionEmbeddings: Int
        /// Applications of the one shared ALBERT layer: 12.
        public let numHiddenLayers: Int
    }

    /// Number of token ids (embedding rows): 178.
    public let nToken: Int
    /// 512.
    public let hiddenDim: Int
    /// Width of each half of a voice style vector: 128 (a voice row is 2 x 128).
    public let styleDim: Int
    /// Layers of the prosody predictor's duration encoder: 3.
    public let nLayer: Int
    /// Duration classes per token: 50.
    public let maxDur: Int
    /// 64.
    public let dimIn: Int
    /// 512.
    public let maxConvDim: Int
    /// 80.
    public let nMels: Int
    /// Kernel of the text encoder's convolutions: 5.
    public let textEncoderKernelSize: Int
    /// The vocoder's parameters (`istftnet` in the JSON).
    public let istftnet: ISTFTNet
    /// The phoneme encoder's parameters (`plbert` in the JSON).
    public let plbert: PLBert
    /// Phoneme symbol -> token id. Every symbol is one Unicode scalar (the reference tokenises by
    /// Python code point), and every id is below `nToken`.
    public let vocab: [String: Int]

    private let idByScalar: [Unicode.Scalar: Int]

    /// Parses and validates the config JSON. `source` names where it came from in errors.
    /// - Throws: `ModelFileError.invalidConfig` naming the first bad field.
    public init(json: String, source: String = "config") throws {
        let fail = { (reason: String) -> Error in ModelFileError.invalidConfig(path: source, reason: reason) }
        let document: JSONValue
        do {
            document = try JSONParser().parse(json)
        } catch let error as JSONError {
            throw fail("not valid JSON: \(error)")
        }
        guard case .object(let top) = document else {
            throw fail("top level is \(document.kindName), expected an object")
        }
        let root = JSONFieldReader(object: top, prefix: "", fail: fail)

        nToken = try root.positiveInt("n_token")
        hiddenDim = try root.positiveInt("hidden_dim")
        styleDim = try root.positiveInt("style_dim")
        nLayer = try root.positiveInt("n_layer")
        maxDur = try root.positiveInt("max_dur")
        dimIn = try root.positiveInt("dim_in")
        maxConvDim = try root.positiveInt("max_conv_dim")
        nMels = try root.positiveInt("n_mels")
        textEncoderKernelSize = try root.positiveInt("text_encoder_kernel_size")

        let net = try root.object("istftnet")
        istftnet = ISTFTNet(
            upsampleKernelSizes: try net.positiveInts("upsample_kernel_sizes"),
            upsampleRates: try net.positiveInts("upsample_rates"),
            genISTFTHopSize: try net.positiveInt("gen_istft_hop_size"),
            genISTFTNFFT: try net.positiveInt("gen_istft_n_fft"),
            resblockKernelSizes: try net.positiveInts("resblock_kernel_sizes"),
            resblockDilationSizes: try net.positiveIntArrays("resblock_dilation_sizes"),
            upsampleInitialChannel: try net.positiveInt("upsample_initial_channel"))

        let bert = try root.object("plbert")
        plbert = PLBert(
            hiddenSize: try bert.positiveInt("hidden_size"),
            numAttentionHeads: try bert.positiveInt("num_attention_heads"),
            intermediateSize: try bert.positiveInt("intermediate_size"),
            maxPositionEmbeddings: try bert.positiveInt("max_position_embeddings"),
            numHiddenLayers: try bert.positiveInt("num_hidden_layers"))

        var vocab: [String: Int] = [:]
        var idByScalar: [Unicode.Scalar: Int] = [:]
        for (symbol, id) in try root.stringToIntMap("vocab") {
            let scalars = symbol.unicodeScalars
            guard scalars.count == 1, let scalar = scalars.first else {
                throw fail("vocab symbol \(quoted(symbol)) is \(scalars.count) code points; each symbol must be exactly one")
            }
            guard id < nToken else {
                throw fail("vocab[\(quoted(symbol))] = \(id) is not below n_token (\(nToken))")
            }
            vocab[symbol] = id
            idByScalar[scalar] = id
        }
        guard !vocab.isEmpty else { throw fail("vocab is empty") }
        self.vocab = vocab
        self.idByScalar = idByScalar

        try validateShapes(fail)
    }

    /// Cross-field rules the network relies on.
    private func validateShapes(_ fail: (String) -> Error) throws {
        guard istftnet.upsampleRates.count == istftnet.upsampleKernelSizes.count else {
            throw fail("istftnet.upsample_rates has \(istftnet.upsampleRates.count) entries but upsample_kernel_sizes has \(istftnet.upsampleKernelSizes.count)")
        }
        guard istftnet.resblockKernelSizes.count == istftnet.resblockDilationSizes.count else {
            throw fail("istftnet.resblock_kernel_sizes has \(istftnet.resblockKernelSizes.count) entries but resblock_dilation_sizes has \(istftnet.resblockDilationSizes.count)")
        }
        // Each upsampling stage halves the channel count; it must stay a whole number.
        let stages = istftnet.upsampleRates.count
        guard stages < 20, istftnet.upsampleInitialChannel % (1 << stages) == 0 else {
            throw fail("istftnet.upsample_initial_channel (\(istftnet.upsampleInitialChannel)) cannot be halved \(stages) times")
        }
        guard plbert.hiddenSize % plbert.numAttentionHeads == 0 else {
            throw fail("plbert.hidden_size (\(plbert.hiddenSize)) is not a multiple of num_attention_heads (\(plbert.numAttentionHeads))")
        }
    }

    /// The token id of one phoneme code point, or nil if it is not in the vocabulary (the
    /// reference drops such symbols). Tokenise by scalar, not by Character: the vocabulary holds
    /// combining marks such as U+0303 on their own, which a Character would merge with the
    /// preceding letter.
    public func tokenID(for scalar: Unicode.Scalar) -> Int? {
        idByScalar[scalar]
    }

    /// The token id of a single-scalar Character, or nil if it is not in the vocabulary or is
    /// made of several scalars (see `tokenID(for: Unicode.Scalar)`).
    public func tokenID(for character: Character) -> Int? {
        let scalars = character.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else { return nil }
        return idByScalar[scalar]
    }
}
