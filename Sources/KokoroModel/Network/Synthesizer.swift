import Glibc
import VulkanCompute

/// Phoneme tokens + style -> 24 kHz audio: the text side, then the decoder and the iSTFTNet
/// generator. One chunk (≤ 510 phonemes) per call, with one host round trip (the T frame counts)
/// and one wait for the audio.
///
/// Frame buckets: the decoder + generator part is recorded once per bucket of frame counts into
/// a reusable command buffer (tensors laid out for the bucket B, in the buffers sized by
/// `frameCapacity`) and kept in a small cache. A call copies its asr [512, F] and F0/N curves
/// [2F] into the bucket layout with zero tails, writes F (and the noise parameters) into a
/// 16-byte call buffer, and submits the cached recording after the text side's second stream;
/// the kernels whose result depends on where the utterance ends read F there (RuntimeLength), so
/// a bucketed run computes what an unpadded one does. The audio is trimmed to 600 F samples.
public final class Synthesizer {
    public static let sampleRate = 24_000
    /// Samples per frame of the alignment: audio length is always samplesPerFrame · Σ durations.
    public static let samplesPerFrame = 600
    /// Recordings kept (least recently used evicted): a few sentence lengths in rotation.
    public static let cachedRecordings = 6

    public let textSide: TextSide
    public let device: ComputeDevice
    /// Whether frame counts are rounded up to buckets (false: a recording per exact frame count,
    /// still cached, so repeated lengths reuse it).
    public let bucketing: Bool
    let decoder: Decoder
    let generator: Generator
    private var decoderActivations: Decoder.Activations
    private var generatorActivations: Generator.Activations
    private var features: DeviceBuffer
    private var audio: DeviceBuffer
    /// The decoder's inputs in the bucket layout: asr [512, B], F0 and N curves [2B].
    private var asr, f0, n: DeviceBuffer
    /// [F, seed low, seed high, noise scale bits]: everything a recording reads per call.
    private let callParameters: DeviceBuffer
    private var frameCapacity: Int
    /// Cached recordings, least recently used first.
    private var recordings: [(frames: Int, stream: CommandStream)] = []

    /// Recordings made, and calls that reused a cached one.
    public private(set) var recordingsMade = 0
    public private(set) var recordingsReused = 0
    /// Host seconds spent recording the decoder and generator in the last call (0 when reused).
    public private(set) var lastRecordingSeconds = 0.0

    /// `frameCapacity`: frames the decoder and generator buffers are sized for at creation
    /// (1024 frames = 25.6 s of audio); longer chunks reallocate them once, larger.
    /// `bucketing` defaults to on for GPUs and off for CPU drivers: on lavapipe recording the
    /// decoder and generator costs ~1.5 ms of host time (release build) against 20-60 s of
    /// compute that grows linearly with the padded length, so padding costs far more than reuse
    /// saves (`kokoro-cli bench-text --buckets` measures both).
    public init(weights: WeightStore, maxTokens: Int = 512, frameCapacity: Int = 1024, bucketing: Bool? = nil) throws {
        device = weights.device
        self.bucketing = bucketing ?? (weights.device.capabilities.type != .cpu)
        textSide = try TextSide(weights: weights, maxTokens: maxTokens, frameCapacity: frameCapacity)
        let styleDim = weights.bundle.config.styleDim
        decoder = try Decoder(weights, styleDim: styleDim)
        generator = try Generator(weights, styleDim: styleDim)
        self.frameCapacity = frameCapacity
        decoderActivations = try Decoder.Activations(device: device, frames: frameCapacity)
        generatorActivations = try Generator.Activations(device: device, frames: frameCapacity)
        features = try DeviceBuffer(device: device, byteCount: Decoder.outChannels * 2 * frameCapacity * 4)
        audio = try DeviceBuffer(device: device, byteCount: Self.samplesPerFrame * frameCapacity * 4)
        asr = try DeviceBuffer(device: device, byteCount: Decoder.asrChannels * frameCapacity * 4)
        f0 = try DeviceBuffer(device: device, byteCount: 2 * frameCapacity * 4)
        n = try DeviceBuffer(device: device, byteCount: 2 * frameCapacity * 4)
        callParameters = try DeviceBuffer(device: device, byteCount: 16)
    }

    /// The bucket of `frames` frames: multiples of 32 frames up to 512, then 8 steps per octave
    /// (granularity max(32, P / 16) for the power of two P ≥ frames > P / 2). The decoder and
    /// generator's work is linear in the length, and padding adds less than 32 frames (0.8 s of
    /// audio) or 1/8 of it; 24 buckets cover up to 1024 frames (25.6 s), so the sentence lengths
    /// of ordinary text fall into a few of them and a small cache mostly hits.
    /// Returns the bucket B and the smallest frame count it serves.
    public static func bucket(frames: Int) -> (frames: Int, smallest: Int) {
        precondition(frames >= 1)
        func granularity(_ f: Int) -> Int {
            var power = 1
            while power < f { power *= 2 }
            return max(32, power / 16)
        }
        let g = granularity(frames)
        let b = (frames + g - 1) / g * g
        // Every F in (B - g(B), B] has the same power of two above it (B ≥ 9P/16, or a multiple of
        // 32 above P / 2), so the bucket starts at B - g + 1.
        return (b, b - granularity(b) + 1)
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
            let bucket = self.bucketing ? Self.bucket(frames: frames) : (frames: frames, smallest: frames)
            try self.reserve(frames: bucket.frames)
            // Per call: the inputs in the bucket layout, zeros past F (2F), and the call buffer.
            let hidden = Decoder.asrChannels
            stream.fill(self.asr)
            stream.fill(self.f0)
            stream.fill(self.n)
            stream.copyRows(from: f.asr, to: self.asr, rows: hidden, rowBytes: frames * 4, sourceStride: frames * 4,
                            destinationStride: bucket.frames * 4)
            stream.copy(from: f.f0, to: self.f0, byteCount: 2 * frames * 4)
            stream.copy(from: f.n, to: self.n, byteCount: 2 * frames * 4)
            stream.update(self.callParameters, words: [UInt32(frames), UInt32(truncatingIfNeeded: seed),
                                                       UInt32(truncatingIfNeeded: seed >> 32), noiseScale.bitPattern])
            samples = Self.samplesPerFrame * frames
            return try self.recording(for: bucket)
        }
        return try audio.downloadFloats(count: samples)
    }

    /// The cached recording of `bucket`, or a new one (evicting the least recently used).
    private func recording(for bucket: (frames: Int, smallest: Int)) throws -> CommandStream {
        if let index = recordings.firstIndex(where: { $0.frames == bucket.frames }) {
            let cached = recordings.remove(at: index)
            recordings.append(cached)
            recordingsReused += 1
            lastRecordingSeconds = 0
            return cached.stream
        }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let b = bucket.frames
        let valid = RuntimeLength(buffer: callParameters, minimumFrames: bucket.smallest)
        let stream = try CommandStream(device: device, reusable: true)
        let style = textSide.styleBuffer
        try decoder(stream, asr: asr, f0Curve: f0, nCurve: n, frames: b, valid: valid, style: style, styleOffset: 0,
                    scratch: decoderActivations, output: features)
        try generator(stream, features: features, f0Curve: f0, frames: b, valid: valid, style: style, styleOffset: 0,
                      noiseScale: 0, seed: 0, scratch: generatorActivations, audio: audio)
        try stream.finish()
        if recordings.count >= Self.cachedRecordings { recordings.removeFirst() }
        recordings.append((b, stream))
        recordingsMade += 1
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        lastRecordingSeconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
        return stream
    }

    /// Grows the decoder and generator buffers; the recordings refer to the old ones and go.
    private func reserve(frames: Int) throws {
        if frames <= frameCapacity { return }
        let capacity = max(frames, frameCapacity * 3 / 2)
        recordings.removeAll()
        decoderActivations = try Decoder.Activations(device: device, frames: capacity)
        generatorActivations = try Generator.Activations(device: device, frames: capacity)
        features = try DeviceBuffer(device: device, byteCount: Decoder.outChannels * 2 * capacity * 4)
        audio = try DeviceBuffer(device: device, byteCount: Self.samplesPerFrame * capacity * 4)
        asr = try DeviceBuffer(device: device, byteCount: Decoder.asrChannels * capacity * 4)
        f0 = try DeviceBuffer(device: device, byteCount: 2 * capacity * 4)
        n = try DeviceBuffer(device: device, byteCount: 2 * capacity * 4)
        frameCapacity = capacity
    }
}
