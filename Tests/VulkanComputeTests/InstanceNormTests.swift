import XCTest
@testable import VulkanCompute

/// InstanceNorm + AdaIN (one workgroup per channel) against a float64 reference, including
/// lengths beyond lavapipe's 65535 loop iterations per invocation (the generator normalises
/// 120 F + 1 positions per channel).
///
/// Tolerance: |device - reference| ≤ 2e-6 · max(1, |reference|). The normalised values are O(1);
/// float32 sums of 70,000 values in 256 strided partial sums plus a tree carry a relative error of
/// ~1e-7 in mean and variance (measured worst: 3e-7), so 2e-6 is above rounding yet far below any
/// indexing error (which is of order 1).
final class InstanceNormTests: XCTestCase {
    func reference(_ x: [Float], channels: Int, positions: Int, weight: [Float], bias: [Float], style: [Float],
                   slope: Double?) -> [Double] {
        var y = [Double](repeating: 0, count: x.count)
        for c in 0..<channels {
            let row = (0..<positions).map { Double(x[c * positions + $0]) }
            let mean = row.reduce(0, +) / Double(positions)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(positions)
            let invStd = 1 / (variance + 1e-5).squareRoot()
            for l in 0..<positions {
                let n = (row[l] - mean) * invStd * Double(weight[c]) + Double(bias[c])
                let v = (1 + Double(style[c])) * n + Double(style[channels + c])
                y[c * positions + l] = slope.map { v >= 0 ? v : $0 * v } ?? v
            }
        }
        return y
    }

    func worstError(_ actual: [Float], _ expected: [Double]) -> Double {
        var worst = 0.0
        for (a, e) in zip(actual, expected) {
            let error = abs(Double(a) - e) / max(1, abs(e))
            if !(error <= worst) { worst = error }
        }
        return worst
    }

    func run(channels: Int, positions: Int, offset: Float = 0.5, inPlace: Bool = false, slope: Float? = 0.2, seed: UInt64) throws {
        let device = try SharedDevice.get()
        let x = randomFloats(channels * positions, seed: seed, range: -2...3).map { $0 + offset }
        let weight = randomFloats(channels, seed: seed + 1, range: 0.5...1.5), bias = randomFloats(channels, seed: seed + 2)
        let style = randomFloats(2 * channels, seed: seed + 3)
        let input = try DeviceBuffer(device: device, floats: x)
        let output = inPlace ? input : try DeviceBuffer(device: device, byteCount: x.count * 4)
        _ = try record(device) { s in
            try s.instanceNormAdaIN(input: input, normWeight: try DeviceBuffer(device: device, floats: weight),
                                    normBias: try DeviceBuffer(device: device, floats: bias),
                                    styleAffine: try DeviceBuffer(device: device, floats: style), output: output,
                                    channels: channels, positions: positions,
                                    activation: slope.map { .leakyReLU(negativeSlope: $0) } ?? .none)
        }
        let expected = reference(x, channels: channels, positions: positions, weight: weight, bias: bias, style: style,
                                 slope: slope.map(Double.init))
        let error = worstError(try output.downloadFloats(count: x.count), expected)
        XCTAssert(error <= 2e-6, "instance norm \(channels) x \(positions): worst error \(error)")
        print("instance norm \(channels) x \(positions)\(inPlace ? " in place" : ""): worst error \(error)")
    }

    func testOddLengths() throws {
        try run(channels: 3, positions: 1, seed: 100)      // variance 0: y = (1 + gamma) bias + beta
        try run(channels: 13, positions: 13, seed: 110)
        try run(channels: 5, positions: 127, slope: nil, seed: 120)
        try run(channels: 11, positions: 1000, seed: 125)
    }

    /// 70,000 positions: beyond what one invocation may loop over on lavapipe.
    func testLengthBeyondLavapipeLoopLimit() throws {
        try run(channels: 7, positions: 70_000, seed: 130)
    }

    /// A million positions (F = 8,333 frames, about 3.5 minutes of audio): each loop of the kernel
    /// runs length / 1024 ≈ 980 times per invocation (3M positions would still be < 3,000).
    func testMillionPositions() throws {
        try run(channels: 1, positions: 1_000_001, seed: 135)
    }

    /// The two-pass variance stays accurate when |mean| >> std (a one-pass E[x²] - E[x]² would not).
    func testLargeMeanInPlace() throws {
        try run(channels: 4, positions: 4099, offset: 300, inPlace: true, seed: 140)
    }

    /// Bucketed recordings: rows `stride` apart, valid = 7 F + 3 read from a buffer at run time.
    /// The tail holds NaN and huge values; statistics must ignore it and the output tail be zeros.
    func testValidLengthReadAtRunTime() throws {
        let device = try SharedDevice.get()
        for (channels, stride, frames, inPlace) in [(5, 300, 37, false), (3, 1300, 13, true), (2, 80, 9, false)] {
            let valid = 7 * frames + 3
            let compact = randomFloats(channels * valid, seed: UInt64(150 + stride), range: -2...3)
            var padded = [Float](repeating: .nan, count: channels * stride)
            for c in 0..<channels {
                for l in 0..<valid { padded[c * stride + l] = compact[c * valid + l] }
                if valid < stride { padded[c * stride + valid] = 1e30 }
            }
            let weight = randomFloats(channels, seed: 161, range: 0.5...1.5), bias = randomFloats(channels, seed: 162)
            let style = randomFloats(2 * channels, seed: 163)
            let input = try DeviceBuffer(device: device, floats: padded)
            let output = inPlace ? input : try DeviceBuffer(device: device, floats: [Float](repeating: 5, count: padded.count))
            let lengths = try DeviceBuffer(device: device, uints: [UInt32(frames)])
            _ = try record(device) { s in
                try s.instanceNormAdaIN(input: input, normWeight: try DeviceBuffer(device: device, floats: weight),
                                        normBias: try DeviceBuffer(device: device, floats: bias),
                                        styleAffine: try DeviceBuffer(device: device, floats: style), output: output,
                                        channels: channels, positions: stride,
                                        valid: RuntimeLength(buffer: lengths, scale: 7, offset: 3, minimumFrames: 1),
                                        activation: .leakyReLU(negativeSlope: 0.2))
            }
            let expected = reference(compact, channels: channels, positions: valid, weight: weight, bias: bias, style: style, slope: 0.2)
            let y = try output.downloadFloats(count: padded.count)
            let head = (0..<channels).flatMap { c in y[(c * stride)..<(c * stride + valid)] }
            let error = worstError(head, expected)
            XCTAssert(error <= 2e-6, "instance norm \(channels) x \(valid) of \(stride): worst error \(error)")
            let tail = (0..<channels).flatMap { c in y[(c * stride + valid)..<((c + 1) * stride)] }
            XCTAssert(tail.allSatisfy { $0 == 0 }, "the tail past the valid length must be zeros")
            print("instance norm \(channels) x \(valid) valid of \(stride)\(inPlace ? " in place" : ""): worst error \(error)")
        }
    }

    func testRejectsEmptyAndShortBuffers() throws {
        let device = try SharedDevice.get()
        let small = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 8))
        let stream = try CommandStream(device: device)
        XCTAssertThrowsError(try stream.instanceNormAdaIN(input: small, normWeight: small, normBias: small, styleAffine: small,
                                                          output: small, channels: 2, positions: 0))
        XCTAssertThrowsError(try stream.instanceNormAdaIN(input: small, normWeight: small, normBias: small, styleAffine: small,
                                                          output: small, channels: 3, positions: 3))
    }
}
