import VulkanCompute

/// SourceModuleHnNSF of Kokoro's generator: F0 at 2F frames -> the harmonic source at 300 samples
/// per frame (see sine_phase.comp and harmonic_source.comp for the formulas).
struct HarmonicSource {
    static let harmonics = 9, upsample = 300
    static let sampleRate: Float = 24_000, voicedThreshold: Float = 10, sineAmp: Float = 0.1, noiseStd: Float = 0.003
    /// lavapipe ends a loop after 65535 iterations; one dispatch accumulates at most this many frames.
    static let framesPerDispatch = 32_768

    let mix: DeviceBuffer   // l_linear weight [9] then bias [1]

    init(_ weights: WeightStore) throws {
        mix = try weights.derived("decoder.generator.m_source#mix") {
            try weights.floats("decoder.generator.m_source.l_linear.weight") + weights.floats("decoder.generator.m_source.l_linear.bias")
        }
    }

    /// f0 [frames] -> source [frames · 300]. `rad` and `cycles` are [9, frames] scratch.
    /// Bucketed recordings: `frames` is the bucket's 2B, `validFrames` the real 2F at run time;
    /// `noiseScale` and `seed` are then ignored and read per call from the same buffer
    /// (`Synthesizer.CallParameters`). The phase is a running sum, so frames past 2F change
    /// nothing before them; only the interpolation's clamp at the last frame needs 2F.
    func callAsFunction(_ stream: CommandStream, f0: DeviceBuffer, frames: Int, validFrames: RuntimeLength? = nil,
                        rad: DeviceBuffer, cycles: DeviceBuffer, output: DeviceBuffer, noiseScale: Float, seed: UInt64) throws {
        let h = Self.harmonics
        guard frames > 0 else { return }
        struct PhaseConstants { var frames, harmonics, firstFrame, frameCount: UInt32; var sampleRate: Float }
        let phase = try stream.device.kernel("sine_phase", bindings: 3, pushConstantBytes: MemoryLayout<PhaseConstants>.size)
        var first = 0
        while first < frames {
            let count = min(Self.framesPerDispatch, frames - first)
            try stream.dispatch(phase, bindings: [.read(f0), .readWrite(rad), .readWrite(cycles)],
                                pushConstants: PhaseConstants(frames: UInt32(frames), harmonics: UInt32(h), firstFrame: UInt32(first),
                                                              frameCount: UInt32(count), sampleRate: Self.sampleRate),
                                groups: (1, 1, 1), label: "decoder.generator.m_source.phase")
            first += count
        }
        struct SourceConstants {
            var frames, harmonics, upsample, seedLow, seedHigh: UInt32
            var voicedThreshold, sineAmp, noiseStd, noiseScale: Float
            var validScale, validOffset: UInt32
        }
        let items = 16
        let source = try stream.device.kernel("harmonic_source", bindings: 6, pushConstantBytes: MemoryLayout<SourceConstants>.size,
                                              specialization: [UInt32(items)])
        let samples = frames * Self.upsample
        try stream.dispatch(source, bindings: [.read(f0), .read(rad), .read(cycles), .read(mix), .write(output),
                                               .read(validFrames?.buffer ?? mix)],
                            pushConstants: SourceConstants(frames: UInt32(frames), harmonics: UInt32(h), upsample: UInt32(Self.upsample),
                                                           seedLow: UInt32(truncatingIfNeeded: seed), seedHigh: UInt32(truncatingIfNeeded: seed >> 32),
                                                           voicedThreshold: Self.voicedThreshold, sineAmp: Self.sineAmp,
                                                           noiseStd: Self.noiseStd, noiseScale: noiseScale,
                                                           validScale: UInt32(validFrames?.scale ?? 0), validOffset: UInt32(validFrames?.offset ?? 0)),
                            groups: (UInt32((samples + 64 * items - 1) / (64 * items)), 1, 1), label: "decoder.generator.m_source")
    }
}
