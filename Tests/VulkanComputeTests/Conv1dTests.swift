import XCTest
@testable import VulkanCompute

/// conv1d against a float64 CPU reference with PyTorch's Conv1d semantics.
final class Conv1dTests: XCTestCase {
    static func reference(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ s: Conv1dShape,
                          channel o: Int, position l: Int) -> (value: Double, scale: Double) {
        let inPerGroup = s.inChannels / s.groups, outPerGroup = s.outChannels / s.groups
        let group = o / outPerGroup
        var sum = 0.0, scale = 0.0
        for c in 0..<inPerGroup {
            let channel = group * inPerGroup + c
            for k in 0..<s.kernelSize {
                let position = l * s.stride - s.padding + k * s.dilation
                guard position >= 0 && position < s.inLength else { continue }
                let term = Double(w[(o * inPerGroup + c) * s.kernelSize + k]) * Double(x[channel * s.inLength + position])
                sum += term; scale += abs(term)
            }
        }
        if let bias { sum += Double(bias[o]); scale += abs(Double(bias[o])) }
        return (sum, max(scale, 1e-6))
    }

    func check(_ s: Conv1dShape, bias useBias: Bool = true, activation: Activation = .none, variant: KernelVariant,
               samples: Int? = nil, seed: UInt64 = 11, line: UInt = #line) throws {
        let device = try SharedDevice.get()
        let xValues = randomFloats(s.inChannels * s.inLength, seed: seed)
        let wValues = randomFloats(s.weightCount, seed: seed + 1)
        let biasValues = useBias ? randomFloats(s.outChannels, seed: seed + 2) : nil
        let x = try DeviceBuffer(device: device, floats: xValues)
        let w = try DeviceBuffer(device: device, floats: wValues)
        let bias = try biasValues.map { try DeviceBuffer(device: device, floats: $0) }
        let outLength = s.outLength
        let y = try DeviceBuffer(device: device, floats: [Float](repeating: .nan, count: s.outChannels * outLength + 5))
        _ = try record(device) { try $0.conv1d(input: x, weight: w, bias: bias, output: y, shape: s, activation: activation, variant: variant) }
        let result = try y.downloadFloats()
        XCTAssert(result.suffix(5).allSatisfy(\.isNaN), "conv1d wrote past its output", line: line)

        var generator = SeededGenerator(seed: seed + 3)
        let points: [(Int, Int)] = samples.map { n in
            (0..<n).map { _ in (Int.random(in: 0..<s.outChannels, using: &generator), Int.random(in: 0..<outLength, using: &generator)) }
        } ?? (0..<s.outChannels).flatMap { o in (0..<outLength).map { (o, $0) } }
        var actual: [Float] = [], expected: [Double] = [], scale: [Double] = []
        for (o, l) in points {
            let r = Self.reference(xValues, wValues, biasValues, s, channel: o, position: l)
            actual.append(result[o * outLength + l])
            expected.append(GemmTests.applyReference(activation, r.value)); scale.append(r.scale)
        }
        assertClose(actual, expected, scale: scale, "conv1d \(variant) \(s)", line: line)
    }

    func testOddSizesStridePaddingDilationGroups() throws {
        for variant in KernelVariant.allCases {
            try check(Conv1dShape(inChannels: 13, outChannels: 7, inLength: 127, kernelSize: 3, padding: 1), variant: variant)
            try check(Conv1dShape(inChannels: 5, outChannels: 9, inLength: 50, kernelSize: 7, padding: 9, dilation: 3), variant: variant)
            try check(Conv1dShape(inChannels: 6, outChannels: 10, inLength: 33, kernelSize: 4, stride: 2, padding: 1, groups: 2),
                      activation: .leakyReLU(negativeSlope: 0.2), variant: variant)
            try check(Conv1dShape(inChannels: 3, outChannels: 4, inLength: 515, kernelSize: 12, stride: 6, padding: 3), bias: false,
                      variant: variant)
            try check(Conv1dShape(inChannels: 70, outChannels: 66, inLength: 20, kernelSize: 1), variant: variant)
            // Kernel wider than the input plus padding on one side: most taps read padding.
            try check(Conv1dShape(inChannels: 2, outChannels: 3, inLength: 3, kernelSize: 5, padding: 2), variant: variant)
        }
    }

    func testDepthwise() throws {
        // Kokoro's `pool` is a depthwise ConvTranspose; its strided depthwise convs and this are the
        // Cin/groups == 1 path.
        for variant in KernelVariant.allCases {
            try check(Conv1dShape(inChannels: 13, outChannels: 13, inLength: 127, kernelSize: 3, padding: 1, groups: 13), variant: variant)
            try check(Conv1dShape(inChannels: 4, outChannels: 8, inLength: 40, kernelSize: 5, stride: 2, padding: 2, dilation: 2, groups: 4),
                      variant: variant)
        }
    }

    /// The generator's resblocks: 256 channels, kernel 11, dilation 5 over 1400 positions; 128
    /// channels, kernel 7, dilation 3 over 8401; noise_convs.0 (22 -> 256, k 12, stride 6).
    func testKokoroShapes() throws {
        for variant in KernelVariant.allCases {
            try check(Conv1dShape(inChannels: 256, outChannels: 256, inLength: 1400, kernelSize: 11, padding: 25, dilation: 5),
                      variant: variant, samples: 2000)
            try check(Conv1dShape(inChannels: 128, outChannels: 128, inLength: 8401, kernelSize: 7, padding: 9, dilation: 3),
                      variant: variant, samples: 2000)
            try check(Conv1dShape(inChannels: 22, outChannels: 256, inLength: 8401, kernelSize: 12, stride: 6, padding: 3),
                      variant: variant, samples: 2000)
        }
    }

    func testInvalidShapesAreRejected() throws {
        let device = try SharedDevice.get()
        let buffer = try DeviceBuffer(device: device, byteCount: 4096)
        let stream = try CommandStream(device: device)
        for bad in [Conv1dShape(inChannels: 3, outChannels: 4, inLength: 8, kernelSize: 3, groups: 2),   // 3 % 2
                    Conv1dShape(inChannels: 4, outChannels: 4, inLength: 8, kernelSize: 0),
                    Conv1dShape(inChannels: 4, outChannels: 4, inLength: 8, kernelSize: 3, stride: 0),
                    Conv1dShape(inChannels: 64, outChannels: 64, inLength: 64, kernelSize: 3)] {              // buffers too small
            XCTAssertThrowsError(try stream.conv1d(input: buffer, weight: buffer, output: buffer, shape: bad), "\(bad)")
        }
        XCTAssertEqual(stream.dispatchCount, 0)
    }
}
