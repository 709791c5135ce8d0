import VulkanCompute

/// Phoneme tokens + style -> 24 kHz audio: the text side, then the decoder and the iSTFTNet
/// generator. One chunk (≤ 510 phonemes) per call.
public final class Synthesizer {
    public static let sampleRate = 24_000
    /// Samples per frame of the alignment: audio length is always samplesPerFrame · Σ durations.
    public static let samplesPerFrame = 600

    public let textSide: TextSide
    public let device: ComputeDevice

    public init(weights: WeightStore, maxTokens: Int = 512) throws {
        device = weights.device
        textSide = try TextSide(weights: weights, maxTokens: maxTokens)
    }

    /// Synthesises one chunk. `tokens` include the boundary zeros ([0, ids..., 0], at most 512);
    /// `style` is the voice row for this phoneme count (256 values); `noiseScale` 0 is the
    /// deterministic mode (the reference with zero SineGen noise), 1 the reference's noise level,
    /// drawn reproducibly from `seed`.
    public func synthesize(tokens: [Int], style: [Float], speed: Float = 1, noiseScale: Float = 0, seed: UInt64 = 0) throws -> [Float] {
        _ = try textSide.run(tokens: tokens, style: style, speed: speed)
        throw VulkanError.invalidArgument("the decoder and generator are not implemented yet")
    }
}
