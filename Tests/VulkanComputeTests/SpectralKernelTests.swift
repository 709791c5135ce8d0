import Foundation
import XCTest
@testable import VulkanCompute

/// Reflection pad, STFT and inverse STFT (Kokoro's generator front and back) against float64
/// references written from torch's definitions.
///
/// Tolerances: the STFT sums n_fft windowed samples and the inverse sums n_fft / 2 + 1 bins over
/// ≤ ceil(n_fft / hop) frames, in float32 with driver cos / sin / exp (a few ulps), so errors are
/// ~1e-7 of the magnitude scale (Σ of |terms|); we allow 1e-5 of that scale. A phase is checked
/// through the complex value: |X| · |Δphase| (the error perpendicular to X) ≤ 1e-5 of the scale,
/// which skips nothing yet asks little of near-zero bins, whose phase is arbitrary.
final class SpectralKernelTests: XCTestCase {
    func hann(_ n: Int, _ size: Int) -> Double { 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(size)) }

    func reflect(_ i: Int, _ count: Int) -> Int { i < 0 ? -i : (i >= count ? 2 * (count - 1) - i : i) }

    // MARK: reflection pad

    func testReflectionPadMatchesTorch() throws {
        let device = try SharedDevice.get()
        for (channels, length, left, right) in [(3, 7, 1, 0), (5, 13, 3, 2), (2, 5, 0, 4), (1, 2, 1, 1), (128, 1001, 1, 0)] {
            let x = randomFloats(channels * length, seed: UInt64(400 + length))
            let out = try DeviceBuffer(device: device, byteCount: channels * (left + length + right) * 4)
            _ = try record(device) {
                try $0.reflectionPad(input: try DeviceBuffer(device: device, floats: x), output: out, channels: channels, length: length,
                                     left: left, right: right)
            }
            let expected = (0..<channels).flatMap { c in (0..<(left + length + right)).map { x[c * length + reflect($0 - left, length)] } }
            XCTAssertEqual(try out.downloadFloats(count: expected.count), expected, "pad \(channels) x \(length) by (\(left), \(right))")
        }
        // Kokoro's case spelled out: ReflectionPad1d((1, 0)) gives [x1, x0, x1, x2, ...].
        let out = try DeviceBuffer(device: device, byteCount: 5 * 4)
        _ = try record(device) { try $0.reflectionPad(input: try DeviceBuffer(device: device, floats: [10, 11, 12, 13]), output: out,
                                                      channels: 1, length: 4, left: 1) }
        XCTAssertEqual(try out.downloadFloats(), [11, 10, 11, 12, 13])
    }

    func testReflectionPadRejectsPaddingNotBelowLength() throws {
        let device = try SharedDevice.get()
        let a = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 64))
        let b = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 64))
        let stream = try CommandStream(device: device)
        XCTAssertThrowsError(try stream.reflectionPad(input: a, output: b, channels: 1, length: 3, left: 3, right: 0))
        XCTAssertThrowsError(try stream.reflectionPad(input: a, output: b, channels: 1, length: 3, left: 0, right: 3))
        XCTAssertThrowsError(try stream.reflectionPad(input: a, output: a, channels: 1, length: 3, left: 1, right: 0), "aliasing")
        XCTAssertThrowsError(try stream.reflectionPad(input: a, output: b, channels: 2, length: 40, left: 1, right: 0), "beyond the buffer")
    }

    // MARK: STFT

    /// torch.stft(center=True, pad_mode='reflect', periodic Hann) in float64: X[k, f] and the
    /// magnitude scale Σ|w x| of each frame.
    func stftReference(_ x: [Float], nFFT: Int, hop: Int) -> (re: [[Double]], im: [[Double]], scale: [Double]) {
        let frames = x.count / hop + 1, bins = nFFT / 2 + 1
        var re = [[Double]](repeating: [Double](repeating: 0, count: frames), count: bins), im = re
        var scale = [Double](repeating: 0, count: frames)
        for f in 0..<frames {
            let windowed = (0..<nFFT).map { n in hann(n, nFFT) * Double(x[reflect(f * hop + n - nFFT / 2, x.count)]) }
            scale[f] = windowed.map(abs).reduce(0, +)
            for k in 0..<bins {
                for n in 0..<nFFT {
                    let angle = -2 * Double.pi * Double(k * n) / Double(nFFT)
                    re[k][f] += windowed[n] * cos(angle); im[k][f] += windowed[n] * sin(angle)
                }
            }
        }
        return (re, im, scale)
    }

    func runSTFT(_ x: [Float], nFFT: Int, hop: Int, line: UInt = #line) throws -> [Float] {
        let device = try SharedDevice.get()
        let frames = STFTLayout.frames(samples: x.count, hop: hop), bins = STFTLayout.bins(nFFT: nFFT)
        let out = try DeviceBuffer(device: device, byteCount: 2 * bins * frames * 4)
        _ = try record(device) { try $0.stft(signal: try DeviceBuffer(device: device, floats: x), samples: x.count, nFFT: nFFT, hop: hop, output: out) }
        return try out.downloadFloats(count: 2 * bins * frames)
    }

    func testSTFTMatchesTorchDefinition() throws {
        for (samples, nFFT, hop) in [(42_000, 20, 5), (11, 20, 5), (13, 20, 5), (127, 20, 5), (1000, 16, 4), (37, 7, 3), (64, 8, 8)] {
            let x = randomFloats(samples, seed: UInt64(500 + samples + nFFT))
            let frames = samples / hop + 1, bins = nFFT / 2 + 1
            let y = try runSTFT(x, nFFT: nFFT, hop: hop)
            let (re, im, scale) = stftReference(x, nFFT: nFFT, hop: hop)
            var worstMagnitude = 0.0, worstPhase = 0.0
            for k in 0..<bins {
                for f in 0..<frames {
                    let magnitude = (re[k][f] * re[k][f] + im[k][f] * im[k][f]).squareRoot()
                    worstMagnitude = max(worstMagnitude, abs(Double(y[k * frames + f]) - magnitude) / scale[f])
                    var delta = abs(Double(y[(bins + k) * frames + f]) - atan2(im[k][f], re[k][f]))
                    delta = min(delta, 2 * Double.pi - delta)   // angles modulo 2π
                    worstPhase = max(worstPhase, delta * magnitude / scale[f])
                }
            }
            XCTAssert(worstMagnitude <= 1e-5 && worstPhase <= 1e-5,
                      "stft \(samples) samples, n_fft \(nFFT), hop \(hop): magnitude error \(worstMagnitude), phase error \(worstPhase) (of scale)")
            print("stft \(samples) samples n_fft \(nFFT) hop \(hop): magnitude \(worstMagnitude), |X| x phase \(worstPhase) of scale")
        }
    }

    /// PyTorch's angle on the negative real axis is +pi; DC and Nyquist have exactly zero imaginary parts.
    func testSTFTPhaseConventions() throws {
        let constant = try runSTFT([Float](repeating: -1, count: 40), nFFT: 20, hop: 5)    // 9 frames, 11 bins
        for f in 0..<9 {
            XCTAssertEqual(constant[f], 10, accuracy: 1e-5, "DC magnitude of frame \(f)")
            // Float(Double.pi) = 3.1415927 (nearest, as atan2f gives); Swift's Float.pi rounds down.
            XCTAssertEqual(constant[11 * 9 + f], Float(Double.pi), "DC phase of a negative constant is +pi")
        }
        // Alternating signs: all energy in the Nyquist bin, a real number.
        let alternating = try runSTFT((0..<40).map { $0 % 2 == 0 ? 1 : -1 }, nFFT: 20, hop: 5)
        for f in 0..<9 {
            XCTAssertEqual(alternating[10 * 9 + f], 10, accuracy: 1e-5, "Nyquist magnitude of frame \(f)")
            let phase = alternating[21 * 9 + f]
            XCTAssert(phase == 0 || phase == Float(Double.pi), "Nyquist phase \(phase) of frame \(f) must be exactly 0 or pi")
        }
    }

    /// Bucketed recordings: the buffer holds 600 B samples, only 600 F (read at run time) are the
    /// signal; the rest is NaN. The result must be the STFT of the 600 F samples (its right-edge
    /// reflection included), frames past 120 F + 1 zeros.
    func testSTFTValidSamplesReadAtRunTime() throws {
        let device = try SharedDevice.get()
        let bucket = 8, frames = 5, nFFT = 20, hop = 5
        let samples = 600 * bucket, valid = 600 * frames
        let x = randomFloats(valid, seed: 540)
        let bins = STFTLayout.bins(nFFT: nFFT), outFrames = STFTLayout.frames(samples: samples, hop: hop)
        let validFrames = valid / hop + 1
        let out = try DeviceBuffer(device: device, floats: [Float](repeating: 7, count: 2 * bins * outFrames))
        let lengths = try DeviceBuffer(device: device, uints: [UInt32(frames)])
        _ = try record(device) {
            try $0.stft(signal: try DeviceBuffer(device: device, floats: x + [Float](repeating: .nan, count: samples - valid)), samples: samples,
                        validSamples: RuntimeLength(buffer: lengths, scale: 600, minimumFrames: 1), nFFT: nFFT, hop: hop, output: out)
        }
        let y = try out.downloadFloats(count: 2 * bins * outFrames)
        let (re, im, scale) = stftReference(x, nFFT: nFFT, hop: hop)
        var worst = 0.0
        for k in 0..<bins {
            for f in 0..<validFrames {
                let magnitude = (re[k][f] * re[k][f] + im[k][f] * im[k][f]).squareRoot()
                var delta = abs(Double(y[(bins + k) * outFrames + f]) - atan2(im[k][f], re[k][f]))
                delta = min(delta, 2 * Double.pi - delta)
                let error = max(abs(Double(y[k * outFrames + f]) - magnitude), delta * magnitude) / scale[f]
                if !(error <= worst) { worst = error }
            }
            for f in validFrames..<outFrames {
                XCTAssert(y[k * outFrames + f] == 0 && y[(bins + k) * outFrames + f] == 0, "frame \(f) past the valid end must be zero")
            }
        }
        XCTAssert(worst <= 1e-5, "stft of \(valid) valid samples in \(samples): worst error \(worst) of scale")
        print("stft \(valid) valid samples of \(samples): worst error \(worst) of scale")
    }

    func testSTFTRejectsBadArguments() throws {
        let device = try SharedDevice.get()
        let a = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 64))
        let b = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 1024))
        let stream = try CommandStream(device: device)
        XCTAssertThrowsError(try stream.stft(signal: a, samples: 10, output: b), "reflection pad needs more than n_fft / 2 samples")
        XCTAssertThrowsError(try stream.stft(signal: a, samples: 65, output: b), "signal beyond the buffer")
        XCTAssertThrowsError(try stream.stft(signal: a, samples: 64, nFFT: 20, hop: 0, output: b))
        XCTAssertThrowsError(try stream.stft(signal: a, samples: 64, nFFT: 20, hop: 1, output: a), "output too small")
        XCTAssertThrowsError(try stream.istft(logMagnitudeAndPhase: b, frames: 5, nFFT: 20, hop: 20, output: b),
                             "periodic Hann with hop = n_fft leaves zeros in the window envelope (NOLA)")
        XCTAssertThrowsError(try stream.istft(logMagnitudeAndPhase: a, frames: 5, output: b), "input beyond the buffer")
        XCTAssertThrowsError(try stream.istft(logMagnitudeAndPhase: b, frames: 1, nFFT: 1024, hop: 1, output: b),
                             "1024 frames x 511 bins per sample exceed lavapipe's loop limit")
    }

    // MARK: inverse STFT

    /// torch.istft(center=True, periodic Hann) of exp(a) e^{i sin(b)}: a full-length inverse DFT of
    /// the Hermitian-extended spectrum (imaginary parts of DC and Nyquist dropped, as C2R does),
    /// windowed overlap-add, division by the overlap-added squared window, n_fft / 2 trimmed at each
    /// end. Returns the samples and a magnitude scale for each.
    func istftReference(_ x: [Float], frames: Int, nFFT: Int, hop: Int) -> (samples: [Double], scale: [Double]) {
        let bins = nFFT / 2 + 1
        let padded = nFFT + hop * (frames - 1)
        var sum = [Double](repeating: 0, count: padded), envelope = sum, scale = sum
        for f in 0..<frames {
            var spectrum = [(re: Double, im: Double)](repeating: (0, 0), count: nFFT)
            for k in 0..<bins {
                let magnitude = exp(Double(x[k * frames + f])), phase = sin(Double(x[(bins + k) * frames + f]))
                spectrum[k] = (magnitude * cos(phase), magnitude * sin(phase))
            }
            spectrum[0].im = 0
            if nFFT % 2 == 0 { spectrum[nFFT / 2].im = 0 }
            for k in 1..<((nFFT + 1) / 2) { spectrum[nFFT - k] = (spectrum[k].re, -spectrum[k].im) }
            let absolute = spectrum.map { ($0.re * $0.re + $0.im * $0.im).squareRoot() }.reduce(0, +) / Double(nFFT)
            for n in 0..<nFFT {
                var value = 0.0
                for k in 0..<nFFT {
                    let angle = 2 * Double.pi * Double(k * n) / Double(nFFT)
                    value += spectrum[k].re * cos(angle) - spectrum[k].im * sin(angle)
                }
                let w = hann(n, nFFT)
                sum[f * hop + n] += w * value / Double(nFFT)
                envelope[f * hop + n] += w * w
                scale[f * hop + n] += w * absolute
            }
        }
        let kept = (nFFT / 2)..<(padded - nFFT / 2)
        return (kept.map { sum[$0] / envelope[$0] }, kept.map { scale[$0] / envelope[$0] })
    }

    func testISTFTMatchesTorchDefinition() throws {
        let device = try SharedDevice.get()
        for (frames, nFFT, hop) in [(8401, 20, 5), (2, 20, 5), (13, 20, 5), (37, 16, 4), (29, 7, 3), (11, 9, 2)] {
            let bins = nFFT / 2 + 1
            let logMagnitude = randomFloats(bins * frames, seed: UInt64(600 + frames), range: -3...1)
            let rawPhase = randomFloats(bins * frames, seed: UInt64(700 + frames), range: -4...4)
            let samples = STFTLayout.samples(frames: frames, nFFT: nFFT, hop: hop)
            let out = try DeviceBuffer(device: device, byteCount: samples * 4)
            _ = try record(device) {
                try $0.istft(logMagnitudeAndPhase: try DeviceBuffer(device: device, floats: logMagnitude + rawPhase), frames: frames,
                             nFFT: nFFT, hop: hop, output: out)
            }
            let (expected, scale) = istftReference(logMagnitude + rawPhase, frames: frames, nFFT: nFFT, hop: hop)
            let actual = try out.downloadFloats(count: samples)
            assertClose(actual, expected, scale: scale, "istft \(frames) frames, n_fft \(nFFT), hop \(hop)")
            let worst = zip(actual, zip(expected, scale)).map { abs(Double($0) - $1.0) / $1.1 }.max() ?? 0
            print("istft \(frames) frames n_fft \(nFFT) hop \(hop): worst error \(worst) of scale")
        }
    }

    /// Bucketed recordings: [2 bins, 120 B + 1] columns of which 120 F + 1 (read at run time) are
    /// the spectrum, NaN after; the output must be the iSTFT of those (same last samples and window
    /// envelope as an unpadded run), zeros past 600 F.
    func testISTFTValidFramesReadAtRunTime() throws {
        let device = try SharedDevice.get()
        let bucket = 8, f = 5, nFFT = 20, hop = 5, bins = 11
        let frames = 120 * bucket + 1, valid = 120 * f + 1
        let compact = randomFloats(bins * valid, seed: 910, range: -3...1) + randomFloats(bins * valid, seed: 911, range: -4...4)
        var padded = [Float](repeating: .nan, count: 2 * bins * frames)
        for row in 0..<(2 * bins) { for l in 0..<valid { padded[row * frames + l] = compact[row * valid + l] } }
        let samples = STFTLayout.samples(frames: frames, nFFT: nFFT, hop: hop), validSamples = 600 * f
        let out = try DeviceBuffer(device: device, floats: [Float](repeating: 7, count: samples))
        let lengths = try DeviceBuffer(device: device, uints: [UInt32(f)])
        _ = try record(device) {
            try $0.istft(logMagnitudeAndPhase: try DeviceBuffer(device: device, floats: padded), frames: frames,
                         validFrames: RuntimeLength(buffer: lengths, scale: 120, offset: 1, minimumFrames: 1), output: out)
        }
        let y = try out.downloadFloats(count: samples)
        let (expected, scale) = istftReference(compact, frames: valid, nFFT: nFFT, hop: hop)
        assertClose(Array(y[..<validSamples]), expected, scale: scale, "istft \(valid) valid frames of \(frames)")
        XCTAssert(y[validSamples...].allSatisfy { $0 == 0 }, "samples past the valid end must be zeros")
    }

    /// Past 65535 workgroups along x (over 4M samples) the grid wraps into y; a limit of 5 columns
    /// makes 2,000 frames (157 workgroups) wrap 32 times, with a partly filled last row.
    func testISTFTGridWrapsIntoY() throws {
        let device = try SharedDevice.get()
        let frames = 2000, samples = STFTLayout.samples(frames: frames, nFFT: 20, hop: 5)
        let x = randomFloats(11 * frames, seed: 800, range: -3...1) + randomFloats(11 * frames, seed: 801, range: -4...4)
        let input = try DeviceBuffer(device: device, floats: x)
        let wrapped = try DeviceBuffer(device: device, byteCount: samples * 4), plain = try DeviceBuffer(device: device, byteCount: samples * 4)
        _ = try record(device) { s in
            try s.istft(logMagnitudeAndPhase: input, frames: frames, nFFT: 20, hop: 5, output: wrapped, maxColumns: 5, label: nil)
            try s.istft(logMagnitudeAndPhase: input, frames: frames, output: plain)
        }
        XCTAssertEqual(try wrapped.downloadFloats(count: samples), try plain.downloadFloats(count: samples))
        let (expected, scale) = istftReference(x, frames: frames, nFFT: 20, hop: 5)
        assertClose(try wrapped.downloadFloats(count: samples), expected, scale: scale, "istft with a wrapped grid")
    }

    /// One frame gives no samples (torch returns an empty tensor); nothing is dispatched.
    func testISTFTOfOneFrameIsEmpty() throws {
        let device = try SharedDevice.get()
        let x = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 22))
        _ = try record(device) { try $0.istft(logMagnitudeAndPhase: x, frames: 1, output: x) }
        XCTAssertEqual(STFTLayout.samples(frames: 1, nFFT: 20, hop: 5), 0)
        XCTAssertEqual(STFTLayout.samples(frames: 8401, nFFT: 20, hop: 5), 42_000)
        XCTAssertEqual(STFTLayout.samples(frames: 3, nFFT: 7, hop: 3), 7, "odd n_fft keeps one more sample, as torch.istft")
    }
}
