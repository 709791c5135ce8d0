import VulkanCompute

/// Everything from phoneme tokens and a voice's style vector to durations, pitch (F0), energy (N)
/// and the aligned text features (asr): KModel.forward_with_tokens up to the decoder.
///
/// Two command streams with one host round trip between them: the first runs PL-BERT, the
/// DurationEncoder, the duration LSTM and head, and the independent TextEncoder; the host then
/// reads the T frame counts, expands them into a frame -> token index, and the second stream runs
/// the alignment, the shared LSTM and the F0/N branches. Activation buffers are allocated at
/// creation for `maxTokens` tokens and `frameCapacity` frames (2048 frames = 51 s of audio, far
/// more than a 510-phoneme chunk usually yields); a call that needs more frames reallocates the
/// frame buffers once, larger, and keeps them.
public final class TextSide {
    public let device: ComputeDevice
    public let config: KokoroConfig
    public let maxTokens: Int
    let albert: Albert
    let bertEncoder: Linear
    let durationEncoder: DurationEncoder
    let durationLSTM: BidirectionalLSTM
    let durationProjection: Linear
    let sharedLSTM: BidirectionalLSTM
    let f0Branch: PitchEnergyBranch
    let nBranch: PitchEnergyBranch
    let textEncoder: TextEncoder
    private let tokenActivations: TokenActivations
    private var frameActivations: FrameActivations?

    /// Style vector layout (ref_s, 256 values): [0, 128) drives the decoder, [128, 256) the prosody predictor.
    public static let styleSize = 256, prosodyStyleOffset = 128

    public init(weights: WeightStore, maxTokens: Int = 512, frameCapacity: Int = 2048) throws {
        device = weights.device
        config = weights.bundle.config
        self.maxTokens = maxTokens
        let hidden = config.hiddenDim, styleDim = config.styleDim
        albert = try Albert(weights, vocabularySize: config.nToken)
        bertEncoder = try Linear(weights, "bert_encoder", inFeatures: Albert.hidden, outFeatures: hidden)
        durationEncoder = try DurationEncoder(weights, layers: config.nLayer)
        durationLSTM = try BidirectionalLSTM(weights, "predictor.lstm", inFeatures: hidden + styleDim, hidden: hidden / 2)
        durationProjection = try Linear(weights, "predictor.duration_proj.linear_layer", inFeatures: hidden, outFeatures: config.maxDur)
        sharedLSTM = try BidirectionalLSTM(weights, "predictor.shared", inFeatures: hidden + styleDim, hidden: hidden / 2)
        f0Branch = try PitchEnergyBranch(weights, name: "F0", hidden: hidden, styleDim: styleDim)
        nBranch = try PitchEnergyBranch(weights, name: "N", hidden: hidden, styleDim: styleDim)
        textEncoder = try TextEncoder(weights, channels: hidden, kernelSize: config.textEncoderKernelSize, depth: config.nLayer,
                                      vocabularySize: config.nToken)
        tokenActivations = try TokenActivations(device: device, maxTokens: maxTokens, config: config)
        frameActivations = try FrameActivations(device: device, capacity: frameCapacity, config: config)
    }

    /// Runs the text side. `tokens` are the ids including the boundary zeros ([0, ids..., 0]);
    /// `style` is the voice's row for this phoneme count (256 values).
    /// With `profile`, every dispatch is timed with GPU timestamps (see `TextSideResult.timings`).
    /// `recordAfter` may append more work to the second command stream before it is submitted; it
    /// receives the stream, the frame count and the frame buffers (asr, F0, N), and may return a
    /// finished reusable stream (the decoder's recording for this frame bucket) that is submitted
    /// right after it, with one wait for both.
    public func run(tokens: [Int], style: [Float], speed: Float = 1, profile: Bool = false) throws -> TextSideResult {
        try run(tokens: tokens, style: style, speed: speed, profile: profile, recordAfter: nil)
    }

    func run(tokens: [Int], style: [Float], speed: Float, profile: Bool,
             recordAfter: ((CommandStream, Int, FrameActivations) throws -> CommandStream?)?) throws -> TextSideResult {
        let t = tokens.count
        guard t >= 1 && t <= maxTokens else {
            throw VulkanError.invalidArgument("\(t) tokens; this engine takes 1...\(maxTokens) per chunk")
        }
        guard tokens.allSatisfy({ $0 >= 0 && $0 < config.nToken }) else {
            throw VulkanError.invalidArgument("token ids must be in 0..<\(config.nToken)")
        }
        guard style.count == Self.styleSize else { throw VulkanError.invalidArgument("style vector of \(style.count) values, expected 256") }
        guard speed.isFinite && speed > 0 else { throw VulkanError.invalidArgument("speed \(speed) must be a positive number") }

        let a = tokenActivations
        try tokens.map(UInt32.init).withUnsafeBytes { try a.tokens.upload(bytes: $0) }
        try a.style.upload(style)
        try a.prosodyStyle.upload(Array(style[Self.prosodyStyleOffset...]))
        let hidden = config.hiddenDim, width = hidden + config.styleDim

        // Stream 1: durations (and the TextEncoder, which needs none).
        let first = try CommandStream(device: device, timestamps: profile)
        try albert(first, tokens: a.tokens, count: t, output: a.bert, scratch: a.albert)
        try bertEncoder(first, input: a.bert, output: a.durationRows, rows: t, outputRowStride: width, label: "bert_encoder")
        try first.gatherRows(table: a.prosodyStyle, tableRows: 1, index: a.zeros, output: a.durationRows, rows: t, columns: config.styleDim,
                             outRowStride: width, outOffset: hidden, label: "predictor.style_columns")
        first.copy(from: a.durationRows, to: a.dEn, byteCount: t * width * 4)   // keep d_en | s for inspection
        try durationEncoder(first, rows: a.durationRows, tokens: t, style: a.style, styleOffset: Self.prosodyStyleOffset,
                            affine: a.durationAffine, gates: a.gates)
        try durationLSTM(first, input: a.durationRows, gates: a.gates, output: a.lstm, steps: t, label: "predictor.lstm")
        try durationProjection(first, input: a.lstm, output: a.durationLogits, rows: t, label: "predictor.duration_proj")
        try Self.recordDurationHead(first, logits: a.durationLogits, tokens: t, bins: config.maxDur, speed: speed,
                                    duration: a.duration, frames: a.frames)
        try textEncoder(first, tokens: a.tokens, count: t, a: a.textA, b: a.textB, gates: a.gates, output: a.textEncoded)
        try first.submitAndWait()

        // The one host round trip: T frame counts.
        let frameCounts = try a.frames.downloadUInt32s(count: t).map(Int.init)
        let frames = frameCounts.reduce(0, +)
        var frameToken = [UInt32]()
        frameToken.reserveCapacity(frames)
        for (token, count) in frameCounts.enumerated() { frameToken += repeatElement(UInt32(token), count: count) }
        let f = try frameActivations(for: frames)
        try frameToken.withUnsafeBytes { try f.frameToken.upload(bytes: $0) }

        // Stream 2: alignment, shared LSTM, F0 and N, aligned text features.
        let second = try CommandStream(device: device, timestamps: profile)
        try second.gatherRows(table: a.durationRows, tableRows: t, index: f.frameToken, output: f.en, rows: frames, columns: width,
                              label: "alignment.en")
        try sharedLSTM(second, input: f.en, gates: f.gates, output: f.shared, steps: frames, label: "predictor.shared")
        try second.transpose(input: f.shared, output: f.sharedChannels, shape: TransposeShape(rows: frames, columns: hidden),
                             label: "predictor.shared.to_channels")
        for (branch, output) in [(f0Branch, f.f0), (nBranch, f.n)] {
            try branch(second, input: f.sharedChannels, frames: frames, style: a.style, styleOffset: Self.prosodyStyleOffset,
                       affine: f.branchAffine, ping: f.ping, pong: f.pong, scratch: f.scratch, output: output)
        }
        try second.gatherRows(table: a.textEncoded, tableRows: t, index: f.frameToken, output: f.asrTokens, rows: frames, columns: hidden,
                              label: "alignment.asr")
        try second.transpose(input: f.asrTokens, output: f.asr, shape: TransposeShape(rows: frames, columns: hidden), label: "asr.to_channels")
        if let follower = try recordAfter?(second, frames, f) {
            try second.submitAndWait(then: follower)
        } else {
            try second.submitAndWait()
        }

        return TextSideResult(tokenCount: t, frameCounts: frameCounts, frames: frames, hidden: hidden, styleDim: config.styleDim,
                              timings: first.timings + second.timings, token: a, frame: f)
    }

    /// duration[t] = Σ_j sigmoid(logits[t, j]) / speed; frames[t] = max(1, round-half-even(duration[t])).
    static func recordDurationHead(_ stream: CommandStream, logits: DeviceBuffer, tokens: Int, bins: Int, speed: Float,
                                   duration: DeviceBuffer, frames: DeviceBuffer) throws {
        struct Constants { var tokens, bins: UInt32; var speed: Float }
        let kernel = try stream.device.kernel("duration_head", bindings: 3, pushConstantBytes: MemoryLayout<Constants>.size)
        try stream.dispatch(kernel, bindings: [.read(logits), .write(duration), .write(frames)],
                            pushConstants: Constants(tokens: UInt32(tokens), bins: UInt32(bins), speed: speed),
                            groups: (UInt32((tokens + 63) / 64), 1, 1), label: "predictor.duration")
    }

    /// The style buffer of the last run (ref_s, 256 values on the device).
    var styleBuffer: DeviceBuffer { tokenActivations.style }

    private func frameActivations(for frames: Int) throws -> FrameActivations {
        if let existing = frameActivations, existing.capacity >= frames { return existing }
        // Round the capacity up so that a slightly longer call does not reallocate again.
        let capacity = max(frames, (frameActivations?.capacity ?? 0) * 3 / 2, 256)
        frameActivations = nil
        let created = try FrameActivations(device: device, capacity: capacity, config: config)
        frameActivations = created
        return created
    }
}

/// Buffers sized by the token count.
final class TokenActivations {
    let tokens, zeros: DeviceBuffer
    let style: DeviceBuffer           // ref_s [256]
    let prosodyStyle: DeviceBuffer    // ref_s[128...] [128], broadcast into the predictor's rows
    let albert: Albert.Activations
    let bert: DeviceBuffer            // [T, 768]
    let dEn: DeviceBuffer             // [T, 640]: bert_encoder output | style, before the DurationEncoder
    let durationRows: DeviceBuffer    // [T, 640]: the DurationEncoder's working rows, d on return
    let durationAffine: [DeviceBuffer]
    let gates: DeviceBuffer           // [T, 2048]
    let lstm: DeviceBuffer            // [T, 512]
    let durationLogits: DeviceBuffer  // [T, 50]
    let duration: DeviceBuffer        // [T] float, before rounding
    let frames: DeviceBuffer          // [T] uint
    let textA, textB, textEncoded: DeviceBuffer  // [T, 512]

    init(device: ComputeDevice, maxTokens t: Int, config: KokoroConfig) throws {
        func floats(_ count: Int) throws -> DeviceBuffer { try DeviceBuffer(device: device, byteCount: count * 4) }
        let hidden = config.hiddenDim, width = hidden + config.styleDim
        tokens = try floats(t)
        zeros = try DeviceBuffer(device: device, uints: [UInt32](repeating: 0, count: t))
        style = try floats(TextSide.styleSize)
        prosodyStyle = try floats(config.styleDim)
        albert = try Albert.Activations(device: device, maxTokens: t)
        bert = try floats(t * Albert.hidden)
        dEn = try floats(t * width)
        durationRows = try floats(t * width)
        durationAffine = try (0..<config.nLayer).map { _ in try floats(2 * hidden) }
        gates = try floats(t * 4 * hidden)
        lstm = try floats(t * hidden)
        durationLogits = try floats(t * config.maxDur)
        duration = try floats(t)
        frames = try floats(t)
        textA = try floats(t * hidden)
        textB = try floats(t * hidden)
        textEncoded = try floats(t * hidden)
    }
}

/// Buffers sized by the frame count (capacity F).
final class FrameActivations {
    let capacity: Int
    let frameToken: DeviceBuffer       // [F] uint
    let en: DeviceBuffer               // [F, 640]
    let gates: DeviceBuffer            // [F, 2048]
    let shared: DeviceBuffer           // [F, 512]
    let sharedChannels: DeviceBuffer   // [512, F]
    let branchAffine: [DeviceBuffer]   // 6 x [2 x 512]
    let ping, pong: DeviceBuffer       // [512, 2F]
    let scratch: AdainResBlock1d.Scratch
    let f0, n: DeviceBuffer            // [2F]
    let asrTokens: DeviceBuffer        // [F, 512]
    let asr: DeviceBuffer              // [512, F]

    init(device: ComputeDevice, capacity f: Int, config: KokoroConfig) throws {
        func floats(_ count: Int) throws -> DeviceBuffer { try DeviceBuffer(device: device, byteCount: count * 4) }
        let hidden = config.hiddenDim, width = hidden + config.styleDim
        capacity = f
        frameToken = try floats(f)
        en = try floats(f * width)
        gates = try floats(f * 4 * hidden)
        shared = try floats(f * hidden)
        sharedChannels = try floats(hidden * f)
        branchAffine = try (0..<6).map { _ in try floats(2 * hidden) }
        ping = try floats(hidden * 2 * f)
        pong = try floats(hidden * 2 * f)
        scratch = AdainResBlock1d.Scratch(a: try floats(hidden * 2 * f), b: try floats(hidden * 2 * f),
                                          c: try floats(hidden * 2 * f), d: try floats(hidden * 2 * f))
        f0 = try floats(2 * f)
        n = try floats(2 * f)
        asrTokens = try floats(f * hidden)
        asr = try floats(hidden * f)
    }
}

/// The text side's outputs, readable stage by stage (PyTorch layouts noted).
public struct TextSideResult {
    public let tokenCount: Int
    /// pred_dur: frames per token.
    public let frameCounts: [Int]
    public let frames: Int
    let hidden: Int, styleDim: Int
    /// GPU seconds per recorded command, labelled by module name (empty unless profiled).
    public let timings: [(label: String, seconds: Double)]
    let token: TokenActivations
    let frame: FrameActivations

    /// bert_dur [T, 768].
    public func bert() throws -> [Float] { try token.bert.downloadFloats(count: tokenCount * Albert.hidden) }
    /// d_en, token-major [T, 512] (PyTorch: [1, 512, T]).
    public func dEn() throws -> [Float] { try columns(token.dEn, rows: tokenCount, width: hidden + styleDim, take: hidden) }
    /// DurationEncoder output d [T, 640].
    public func durationEncoded() throws -> [Float] { try token.durationRows.downloadFloats(count: tokenCount * (hidden + styleDim)) }
    /// predictor.lstm output [T, 512].
    public func durationLSTM() throws -> [Float] { try token.lstm.downloadFloats(count: tokenCount * hidden) }
    /// duration before rounding [T].
    public func duration() throws -> [Float] { try token.duration.downloadFloats(count: tokenCount) }
    /// F0_pred and N_pred [2F].
    public func f0() throws -> [Float] { try frame.f0.downloadFloats(count: 2 * frames) }
    public func n() throws -> [Float] { try frame.n.downloadFloats(count: 2 * frames) }
    /// t_en token-major [T, 512] (PyTorch: [1, 512, T]).
    public func textEncoded() throws -> [Float] { try token.textEncoded.downloadFloats(count: tokenCount * hidden) }
    /// asr channel-major [512, F], as PyTorch's [1, 512, F].
    public func asr() throws -> [Float] { try frame.asr.downloadFloats(count: hidden * frames) }
    /// The device buffers the decoder consumes.
    public var asrBuffer: DeviceBuffer { frame.asr }
    public var f0Buffer: DeviceBuffer { frame.f0 }
    public var nBuffer: DeviceBuffer { frame.n }

    private func columns(_ buffer: DeviceBuffer, rows: Int, width: Int, take: Int) throws -> [Float] {
        let all = try buffer.downloadFloats(count: rows * width)
        return (0..<rows).flatMap { all[($0 * width)..<($0 * width + take)] }
    }
}
