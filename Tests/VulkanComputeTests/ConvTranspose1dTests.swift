import XCTest
@testable import VulkanCompute

/// ConvTranspose1d against a float64 scatter-form reference:
///   y[o, i stride - padding + k] += w[c, o, k] act(x[c, i]).
/// Both weight layouts (PyTorch's and kernel-major) run every case.
/// Tolerance: assertClose's 1e-5 of Σ|terms| per output (see TestSupport): each output sums at
/// most inChannels x ceil(K / stride) ≤ 1024 float32 products.
final class ConvTranspose1dTests: XCTestCase {
    /// Reference output [outChannels, outLength] at the listed (o, l), with its magnitude scale.
    func reference(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ s: ConvTranspose1dShape, slope: Double?,
                   at outputs: [(o: Int, l: Int)]) -> (values: [Double], scales: [Double]) {
        var values: [Double] = [], scales: [Double] = []
        for (o, l) in outputs {
            var sum = bias.map { Double($0[o]) } ?? 0, scale = abs(sum)
            for c in 0..<s.inChannels {
                for k in 0..<s.kernelSize {
                    let t = l + s.padding - k            // = i stride
                    guard t >= 0, t % s.stride == 0, t / s.stride < s.inLength else { continue }
                    var v = Double(x[c * s.inLength + t / s.stride])
                    if let slope, v < 0 { v *= slope }
                    let term = Double(w[(c * s.outChannels + o) * s.kernelSize + k]) * v
                    sum += term; scale += abs(term)
                }
            }
            values.append(sum); scales.append(scale)
        }
        return (values, scales)
    }

    /// Uniform in [-scale, scale): randomFloats' Float.random costs ~0.5 µs per value in a debug
    /// build, seconds for ups.0's 2.6M weights.
    func uniformFloats(_ count: Int, seed: UInt64, scale: Float) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = scale * (Float(generator.next() >> 40) * 0x1p-23 - 1) }
            initialized = count
        }
    }

    func testOddShapesAgainstReference() throws {
        let device = try SharedDevice.get()
        var cases: [(ConvTranspose1dShape, Bool, Float?)] = []
        var seed: UInt64 = 200
        for (kernelSize, stride) in [(4, 1), (4, 2), (12, 6), (20, 10), (4, 10), (3, 2), (5, 1)] {
            for padding in [0, 1, 3, 5] where padding < kernelSize + 2 {
                for inLength in [1, 2, 13, 37] {
                    let outChannels = [7, 9, 13, 1][(padding + inLength) % 4]
                    let shape = ConvTranspose1dShape(inChannels: 5, outChannels: outChannels, inLength: inLength,
                                                     kernelSize: kernelSize, stride: stride, padding: padding)
                    if shape.outLength == 0 { continue }
                    cases.append((shape, inLength % 2 == 1, inLength == 13 ? 0.1 : nil))
                }
            }
        }
        XCTAssertGreaterThan(cases.count, 80)
        var outputs: [(DeviceBuffer, [Double], [Double], String)] = []
        _ = try record(device) { stream in
            for (shape, hasBias, slope) in cases {
                seed += 3
                let x = randomFloats(shape.inChannels * shape.inLength, seed: seed)
                let w = randomFloats(shape.weightCount, seed: seed + 1)
                let bias = hasBias ? randomFloats(shape.outChannels, seed: seed + 2) : nil
                let all = (0..<shape.outChannels).flatMap { o in (0..<shape.outLength).map { (o: o, l: $0) } }
                let (values, scales) = reference(x, w, bias, shape, slope: slope.map(Double.init), at: all)
                let kernelMajor = try ConvTranspose1dWeightLayout.kernelMajor(fromPyTorch: w, inChannels: shape.inChannels,
                                                                          outChannels: shape.outChannels, kernelSize: shape.kernelSize)
                for (layout, weight) in [(ConvTranspose1dWeightLayout.pytorch, w), (.kernelMajor, kernelMajor)] {
                    let out = try DeviceBuffer(device: device, byteCount: shape.outChannels * shape.outLength * 4)
                    try stream.convTranspose1d(input: try DeviceBuffer(device: device, floats: x), weight: try DeviceBuffer(device: device, floats: weight),
                                               weightLayout: layout, bias: try bias.map { try DeviceBuffer(device: device, floats: $0) },
                                               output: out, shape: shape, inputActivation: slope.map { .leakyReLU(negativeSlope: $0) } ?? .none)
                    outputs.append((out, values, scales, "\(shape) \(layout) bias \(hasBias) leaky \(slope.map { "\($0)" } ?? "-")"))
                }
            }
        }
        for (out, values, scales, what) in outputs {
            assertClose(try out.downloadFloats(count: values.count), values, scale: scales.map { max($0, 1e-3) }, what)
        }
    }

    /// [in 2, out 3, kernel 2] -> [kernel 2, out 3, in 2].
    func testKernelMajorRearrangement() throws {
        let pytorch: [Float] = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]   // w[c, o, k] = 10 c + 2 o + k
        XCTAssertEqual(try ConvTranspose1dWeightLayout.kernelMajor(fromPyTorch: pytorch, inChannels: 2, outChannels: 3, kernelSize: 2),
                       [0, 10, 2, 12, 4, 14, 1, 11, 3, 13, 5, 15])
        XCTAssertThrowsError(try ConvTranspose1dWeightLayout.kernelMajor(fromPyTorch: pytorch, inChannels: 2, outChannels: 3, kernelSize: 3))
    }

    /// Kokoro's ups.0 and ups.1 for F = 70 frames, with the generator's leaky_relu(0.1) on the
    /// input, in PyTorch's weight layout (the odd shapes cover both); 250 sampled outputs each (all
    /// edges included), plus the time of each dispatch.
    func testKokoroShapes() throws {
        let device = try SharedDevice.get()
        let shapes = [ConvTranspose1dShape(inChannels: 512, outChannels: 256, inLength: 140, kernelSize: 20, stride: 10, padding: 5),
                      ConvTranspose1dShape(inChannels: 256, outChannels: 128, inLength: 1400, kernelSize: 12, stride: 6, padding: 3)]
        XCTAssertEqual(shapes.map { $0.outLength }, [1400, 8400])
        for (index, shape) in shapes.enumerated() {
            let x = uniformFloats(shape.inChannels * shape.inLength, seed: 300 + UInt64(index), scale: 2)
            let w = uniformFloats(shape.weightCount, seed: 310 + UInt64(index), scale: 0.1)
            let bias = randomFloats(shape.outChannels, seed: 320 + UInt64(index))
            let out = try DeviceBuffer(device: device, byteCount: shape.outChannels * shape.outLength * 4)
            let stream = try record(device, timestamps: true) { stream in
                try stream.convTranspose1d(input: try DeviceBuffer(device: device, floats: x), weight: try DeviceBuffer(device: device, floats: w),
                                           bias: try DeviceBuffer(device: device, floats: bias), output: out, shape: shape,
                                           inputActivation: .leakyReLU(negativeSlope: 0.1))
            }
            var generator = SeededGenerator(seed: 330 + UInt64(index))
            var sampled: [(o: Int, l: Int)] = [(0, 0), (shape.outChannels - 1, shape.outLength - 1), (0, shape.outLength - 1)]
            for l in 0..<25 { sampled += [(o: Int.random(in: 0..<shape.outChannels, using: &generator), l: l),
                                          (o: Int.random(in: 0..<shape.outChannels, using: &generator), l: shape.outLength - 1 - l)] }
            while sampled.count < 250 {
                sampled.append((o: Int.random(in: 0..<shape.outChannels, using: &generator), l: Int.random(in: 0..<shape.outLength, using: &generator)))
            }
            let (values, scales) = reference(x, w, bias, shape, slope: 0.1, at: sampled)
            let all = try out.downloadFloats(count: shape.outChannels * shape.outLength)
            assertClose(sampled.map { all[$0.o * shape.outLength + $0.l] }, values, scale: scales, "Kokoro \(shape)")
            let seconds = stream.timings.first?.seconds ?? .nan
            print("convTranspose1d \(shape.inChannels)->\(shape.outChannels) k\(shape.kernelSize) s\(shape.stride) L\(shape.inLength): "
                + "\(String(format: "%.1f", seconds * 1e3)) ms, \(String(format: "%.2f", shape.flops / seconds / 1e9)) GFLOP/s")
        }
    }

    func testRejectsBadShapesAndBuffers() throws {
        let device = try SharedDevice.get()
        let buffer = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 64))
        let other = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 64))
        let stream = try CommandStream(device: device)
        let good = ConvTranspose1dShape(inChannels: 2, outChannels: 2, inLength: 4, kernelSize: 4, stride: 2, padding: 1)
        XCTAssertEqual(good.outLength, 8)
        XCTAssertNoThrow(try stream.convTranspose1d(input: buffer, weight: buffer, output: other, shape: good))
        XCTAssertThrowsError(try stream.convTranspose1d(input: buffer, weight: buffer, output: buffer, shape: good), "aliasing")
        var zeroStride = good; zeroStride.stride = 0
        XCTAssertThrowsError(try stream.convTranspose1d(input: buffer, weight: buffer, output: other, shape: zeroStride))
        var tooLong = good; tooLong.inLength = 40
        XCTAssertThrowsError(try stream.convTranspose1d(input: buffer, weight: buffer, output: other, shape: tooLong), "input beyond the buffer")
        var tooManyTaps = good; tooManyTaps.inChannels = 40_000; tooManyTaps.inLength = 1
        XCTAssertThrowsError(try stream.convTranspose1d(input: buffer, weight: buffer, output: other, shape: tooManyTaps), "loop limit")
    }
}
