import Glibc

/// Kokoro's TorchSTFT (istftnet.py): n_fft 20, hop 5, win_length 20, periodic Hann window,
/// center=True. Both kernels take n_fft and hop as parameters; Kokoro's values are the defaults.
///   stft:  signal [samples] -> [2 bins, frames]: |X| rows, then angle(X) rows
///   istft: [2 bins, frames] (the generator's conv_post output) -> samples
/// with bins = nFFT / 2 + 1, frames = samples / hop + 1 and samples = hop (frames - 1) (+ 1 for an
/// odd nFFT, as torch.istft trims nFFT / 2 rounded down at each end).
public enum STFTLayout {
    public static func bins(nFFT: Int) -> Int { nFFT / 2 + 1 }
    /// Frames of a centred STFT of `samples` values: samples / hop + 1.
    public static func frames(samples: Int, hop: Int) -> Int { samples / hop + 1 }
    /// Samples of a centred inverse STFT of `frames` frames (torch.istft without `length`):
    /// nFFT + hop (frames - 1) - 2 (nFFT / 2), i.e. hop (frames - 1) for Kokoro's even nFFT.
    public static func samples(frames: Int, nFFT: Int, hop: Int) -> Int { hop * (frames - 1) + nFFT % 2 }

    /// An invocation's loops run n_fft (stft) or ceil(nFFT / hop) x (nFFT - 1) / 2 (istft) times,
    /// and lavapipe ends a loop nest after 65535 iterations (see common.glsl).
    static let maxFFTSize = 1024

    static func validate(nFFT: Int, hop: Int, _ what: String) throws {
        guard nFFT >= 2, nFFT <= maxFFTSize, hop >= 1, hop <= nFFT, (nFFT + hop - 1) / hop * ((nFFT - 1) / 2) <= 65_535 else {
            throw VulkanError.invalidArgument("\(what): n_fft \(nFFT) and hop \(hop) need 2 <= n_fft <= \(maxFFTSize), 1 <= hop <= n_fft "
                + "and ceil(n_fft / hop) (n_fft - 1) / 2 <= 65535")
        }
    }

    /// torch.istft's NOLA check: the overlap-added squared window must exceed 1e-11 at every kept
    /// sample. Away from the ends the sum is periodic in hop, so the first and last 2 (nFFT + hop)
    /// kept samples cover every distinct value.
    static func smallestWindowEnvelope(nFFT: Int, hop: Int, frames: Int) -> Double {
        let window = (0..<nFFT).map { n -> Double in 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(nFFT)) }
        let start = nFFT / 2, end = nFFT / 2 + samples(frames: frames, nFFT: nFFT, hop: hop)
        let margin = 2 * (nFFT + hop)
        let positions = end - start <= 2 * margin ? Array(start..<end) : Array(start..<(start + margin)) + Array((end - margin)..<end)
        var smallest = Double.infinity
        for t in positions {
            var sum = 0.0
            for f in max(0, (t - nFFT) / hop)...min(t / hop, frames - 1) where t - f * hop < nFFT { sum += window[t - f * hop] * window[t - f * hop] }
            smallest = min(smallest, sum)
        }
        return smallest
    }
}

/// Mirror `StftParams` (stft.comp) and `IstftParams` (istft.comp).
struct StftPushConstants { var samples, nFFT, hop, frames, bins: UInt32; var valid: ValidLengthConstants }
struct IstftPushConstants { var samples, nFFT, hop, frames, bins: UInt32; var valid: ValidLengthConstants }

extension CommandStream {
    /// Records the magnitude and phase of torch.stft(signal, nFFT, hop, window = hann_window(nFFT,
    /// periodic=True), center=True, pad_mode='reflect') (Kokoro's TorchSTFT.transform): `output` is
    /// [2 bins, frames] channel-major, bins magnitude rows then bins phase rows (atan2(im, re), +pi
    /// on the negative real axis as in PyTorch). Needs samples > nFFT / 2 (the reflection pad).
    /// With `validSamples` (read at run time, at most `samples`), `samples` sizes the buffers and
    /// only the first `validSamples` are the signal: the output is the STFT of those, its frames
    /// past validSamples / hop + 1 zeros.
    public func stft(signal: DeviceBuffer, samples: Int, validSamples: RuntimeLength? = nil, nFFT: Int = 20, hop: Int = 5,
                     output: DeviceBuffer, label: String? = nil) throws {
        try STFTLayout.validate(nFFT: nFFT, hop: hop, "stft")
        guard samples > nFFT / 2, samples <= Int(Int32.max) / 4 else {
            throw VulkanError.invalidArgument("stft of \(samples) samples: the reflection pad needs more than n_fft / 2 = \(nFFT / 2)")
        }
        let bins = STFTLayout.bins(nFFT: nFFT), frames = STFTLayout.frames(samples: samples, hop: hop)
        try requireFloats(signal, samples, "stft signal")
        try requireFloats(output, 2 * bins * frames, "stft output")
        if let validSamples, validSamples.minimum <= nFFT / 2 {
            throw VulkanError.invalidArgument("stft of as few as \(validSamples.minimum) valid samples: the reflection pad needs more than \(nFFT / 2)")
        }
        let kernel = try device.kernel("stft", bindings: 3, pushConstantBytes: MemoryLayout<StftPushConstants>.size)
        try dispatch(kernel, bindings: [.read(signal), .write(output), .read(validSamples?.buffer ?? signal)],
                     pushConstants: StftPushConstants(samples: UInt32(samples), nFFT: UInt32(nFFT), hop: UInt32(hop),
                                                      frames: UInt32(frames), bins: UInt32(bins),
                                                      valid: ValidLengthConstants(validSamples, static: samples)),
                     groups: (try workgroupCount(ceilDiv(frames, 64), "stft"), try workgroupCount(bins, "stft"), 1), label: label)
    }

    /// Records Kokoro's generator tail: spec = exp(input[0 ..< bins]) · exp(i · sin(input[bins ..< 2 bins])),
    /// then torch.istft(spec, nFFT, hop, window = hann_window(nFFT, periodic=True), center=True) into
    /// `output` [hop (frames - 1)] (see `STFTLayout.samples`). `input` is the conv_post output [2 bins, frames]. This is
    /// torch.istft, not the kokoro-onnx export's variant (which is 1.5x louder).
    /// With `validFrames` (read at run time, at most `frames`), `frames` sizes the buffers and only
    /// the first `validFrames` columns are used: the output is their inverse STFT, zeros after it.
    public func istft(logMagnitudeAndPhase input: DeviceBuffer, frames: Int, validFrames: RuntimeLength? = nil, nFFT: Int = 20,
                      hop: Int = 5, output: DeviceBuffer, label: String? = nil) throws {
        try istft(logMagnitudeAndPhase: input, frames: frames, validFrames: validFrames, nFFT: nFFT, hop: hop, output: output,
                  maxColumns: 65_535, label: label)
    }

    /// `maxColumns`: workgroups along x before the grid wraps into y (65535, the limit every
    /// device guarantees; tests lower it to exercise the wrap without a 4M-sample signal).
    func istft(logMagnitudeAndPhase input: DeviceBuffer, frames: Int, validFrames: RuntimeLength? = nil, nFFT: Int, hop: Int,
               output: DeviceBuffer, maxColumns: Int, label: String?) throws {
        try STFTLayout.validate(nFFT: nFFT, hop: hop, "istft")
        let bins = STFTLayout.bins(nFFT: nFFT)
        guard frames >= 1, frames <= Int(Int32.max) / (4 * max(bins, hop)) else {
            throw VulkanError.invalidArgument("istft of \(frames) frames")
        }
        let samples = STFTLayout.samples(frames: frames, nFFT: nFFT, hop: hop)
        try requireFloats(input, 2 * bins * frames, "istft input")
        try requireFloats(output, samples, "istft output")
        if samples == 0 { return }
        // NOLA of the shortest valid length checks every valid length: the envelope's edges do not
        // depend on the frame count once it is past a few frames, and its interior is periodic.
        let envelope = STFTLayout.smallestWindowEnvelope(nFFT: nFFT, hop: hop, frames: min(validFrames?.minimum ?? frames, frames))
        guard envelope > 1e-11 else {
            throw VulkanError.invalidArgument("istft: n_fft \(nFFT), hop \(hop): the window overlap-add is \(envelope) somewhere (NOLA fails)")
        }
        let groups = ceilDiv(samples, 64), columns = min(groups, maxColumns)   // 64 samples per workgroup
        let kernel = try device.kernel("istft", bindings: 3, pushConstantBytes: MemoryLayout<IstftPushConstants>.size)
        try dispatch(kernel, bindings: [.read(input), .write(output), .read(validFrames?.buffer ?? input)],
                     pushConstants: IstftPushConstants(samples: UInt32(samples), nFFT: UInt32(nFFT), hop: UInt32(hop),
                                                       frames: UInt32(frames), bins: UInt32(bins),
                                                       valid: ValidLengthConstants(validFrames, static: frames)),
                     groups: (UInt32(columns), try workgroupCount(ceilDiv(groups, columns), "istft"), 1), label: label)
    }
}
