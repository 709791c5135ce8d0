import VulkanCompute

/// Phoneme tokens + style -> 24 kHz audio: the text side, then the decoder and the iSTFTNet
/// generator. One chunk (≤ 510 phonemes) per call. Everything after the durations is recorded
/// into the text side's second command stream, so a call makes one host round trip (the T frame
/// counts) plus the final read-back of the audio.
public final class Synthesizer {
    public static let sampleRate = 24_000
    /// Samples per frame of the alignment: audio length is always samplesPerFrame · Σ durations.
    public static let samplesPerFrame = 600

    public let textSide: TextSide
    public let device: ComputeDevice
    let decoder: Decoder
    let generator: Generator
    private var decoderActivations: Decoder.Activations
    private var generatorActivations: Generator.Activations
    private var features: DeviceBuffer
    private var audio: DeviceBuffer
    private var frameCapacity: Int

    /// `frameCapacity`: frames the decoder and generator buffers are sized for at creation
    /// (1024 frames = 25.6 s of audio); longer chunks reallocate them once, larger.
    public init(weights: WeightStore, maxTokens: Int = 512, frameCapacity: Int = 1024) throws {
        device = weights.device
        textSide = try TextSide(weights: weights, maxTokens: maxTokens, frameCapacity: frameCapacity)
        let styleDim = weights.bundle.config.styleDim
        decoder = try Decoder(weights, styleDim: styleDim)
        generator = try Generator(weights, styleDim: styleDim)
        self.frameCapacity = frameCapacity
        decoderActivations = try Decoder.Activations(device: device, frames: frameCapacity)
        generatorActivations = try Generator.Activations(device: device, frames: frameCapacity)
        features = try DeviceBuffer(device: device, byteCount: Decoder.outChannels * 2 * frameCapacity * 4)
        audio = try DeviceBuffer(device: device, byteCount: Self.samplesPerFrame * frameCapacity * 4)
    }

    /// Synthesises one chunk. `tokens` include the boundary zeros ([0, ids..., 0], at most 512);
    /// `style` is the voice row for this phoneme count (256 values); `noiseScale` 0 is the
    /// deterministic mode (the reference with zero SineGen noise), 1 the reference's noise level,
    /// drawn reproducibly from `seed`. Returns exactly 600 · Σ durations samples.
    public func synthesize(tokens: [Int], style: [Float], speed: Float = 1, noiseScale: Float = 0, seed: UInt64 = 0) throws -> [Float] {
        guard noiseScale.isFinite && noiseScale >= 0 else {
            throw VulkanError.invalidArgument("noise scale \(noiseScale) must be a non-negative number")
        }
        var samples = 0
        _ = try textSide.run(tokens: tokens, style: style, speed: speed, profile: false) { stream, frames, f in
            try self.reserve(frames: frames)
            try self.decoder(stream, asr: f.asr, f0Curve: f.f0, nCurve: f.n, frames: frames, style: self.textSide.styleBuffer,
                             styleOffset: 0, scratch: self.decoderActivations, output: self.features)
            try self.generator(stream, features: self.features, f0Curve: f.f0, frames: frames, style: self.textSide.styleBuffer,
                               styleOffset: 0, noiseScale: noiseScale, seed: seed, scratch: self.generatorActivations, audio: self.audio)
            samples = Self.samplesPerFrame * frames
        }
        return try audio.downloadFloats(count: samples)
    }

    private func reserve(frames: Int) throws {
        if frames <= frameCapacity { return }
        let capacity = max(frames, frameCapacity * 3 / 2)
        decoderActivations = try Decoder.Activations(device: device, frames: capacity)
        generatorActivations = try Generator.Activations(device: device, frames: capacity)
        features = try DeviceBuffer(device: device, byteCount: Decoder.outChannels * 2 * capacity * 4)
        audio = try DeviceBuffer(device: device, byteCount: Self.samplesPerFrame * capacity * 4)
        frameCapacity = capacity
    }
}
