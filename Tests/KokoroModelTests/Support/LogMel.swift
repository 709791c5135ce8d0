import Foundation

/// Log-mel spectrogram for comparing audio spectrally (final audio cannot match sample by sample:
/// the reference's own harmonic source moves by 1e-2 between thread counts, see Tests/Golden).
/// 24 kHz, n_fft 1024 (periodic Hann), hop 256, 80 triangular bands on the HTK mel scale from 0 to
/// 12 kHz, power in dB with a floor 80 dB below the loudest band of the reference.
enum LogMel {
    static let nFFT = 1024, hop = 256, bands = 80, sampleRate = 24_000.0

    /// Mean |dB difference| over all bands and frames.
    static func meanAbsoluteDifference(_ a: [Float], _ reference: [Float]) -> Double {
        let ma = powerMel(a), mr = powerMel(reference)
        let floor = (mr.flatMap { $0 }.max() ?? 1) * 1e-8
        var total = 0.0, count = 0
        for (fa, fr) in zip(ma, mr) {
            for (x, y) in zip(fa, fr) {
                total += abs(10 * log10(max(x, floor)) - 10 * log10(max(y, floor)))
                count += 1
            }
        }
        return count == 0 ? .nan : total / Double(count)
    }

    static func powerMel(_ signal: [Float]) -> [[Double]] {
        let window = (0..<nFFT).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(nFFT)) }
        let filters = melFilters()
        var frames: [[Double]] = []
        var start = 0
        while start + nFFT <= signal.count {
            var re = (0..<nFFT).map { Double(signal[start + $0]) * window[$0] }
            var im = [Double](repeating: 0, count: nFFT)
            fft(&re, &im)
            let power = (0...nFFT / 2).map { re[$0] * re[$0] + im[$0] * im[$0] }
            frames.append(filters.map { filter in zip(filter, power).reduce(0) { $0 + $1.0 * $1.1 } })
            start += hop
        }
        return frames
    }

    static func melFilters() -> [[Double]] {
        func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
        func hz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }
        let top = mel(sampleRate / 2)
        let edges = (0...(bands + 1)).map { hz(top * Double($0) / Double(bands + 1)) }
        let binHz = (0...nFFT / 2).map { Double($0) * sampleRate / Double(nFFT) }
        return (0..<bands).map { b in
            binHz.map { f in
                let rising = (f - edges[b]) / (edges[b + 1] - edges[b]), falling = (edges[b + 2] - f) / (edges[b + 2] - edges[b + 1])
                return max(0, min(rising, falling))
            }
        }
    }

    /// In-place iterative radix-2 FFT (count a power of two).
    static func fft(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: n, by: length) {
                for k in 0..<(length / 2) {
                    let wr = cos(angle * Double(k)), wi = sin(angle * Double(k))
                    let a = start + k, b = a + length / 2
                    let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
            }
            length <<= 1
        }
    }
}
