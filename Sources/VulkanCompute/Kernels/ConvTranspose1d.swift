/// 1-D transposed convolution over one sequence, PyTorch's ConvTranspose1d semantics with groups 1,
/// dilation 1 and output_padding 0:
///   input [inChannels, inLength], weight (see `ConvTranspose1dWeightLayout`), bias [outChannels],
///   output [outChannels, outLength].
/// Kokoro's generator: ups.0 512 -> 256, kernel 20, stride 10, padding 5 (2F -> 20F positions);
/// ups.1 256 -> 128, kernel 12, stride 6, padding 3 (20F -> 120F).
public struct ConvTranspose1dShape: Equatable, Sendable {
    public var inChannels: Int, outChannels: Int, inLength: Int
    public var kernelSize: Int, stride: Int, padding: Int

    public init(inChannels: Int, outChannels: Int, inLength: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0) {
        self.inChannels = inChannels; self.outChannels = outChannels; self.inLength = inLength
        self.kernelSize = kernelSize; self.stride = stride; self.padding = padding
    }

    /// (inLength - 1) stride - 2 padding + kernelSize, or 0 when that is negative or inLength is 0.
    public var outLength: Int {
        guard inLength > 0 else { return 0 }
        return max(0, (inLength - 1) * stride - 2 * padding + kernelSize)
    }

    public var weightCount: Int { inChannels * outChannels * kernelSize }
    /// Taps that reach one output: ceil(kernelSize / stride) at most.
    public var tapsPerOutput: Int { (kernelSize + stride - 1) / stride }
    public var flops: Double { 2 * Double(outChannels) * Double(outLength) * Double(inChannels) * Double(kernelSize) / Double(stride) }

    func validate() throws {
        let values = [inChannels, outChannels, inLength, kernelSize, stride, padding]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) / 4 }), inChannels > 0, outChannels > 0, kernelSize > 0, stride > 0,
              inLength <= Int(Int32.max) / 4 / stride, Double(outChannels) * Double(outLength) <= Double(Int32.max),
              Double(inChannels) * Double(inLength) <= Double(Int32.max), Double(weightCount) <= Double(Int32.max) else {
            throw VulkanError.invalidArgument("convTranspose1d shape \(self) is inconsistent")
        }
        // lavapipe ends a loop nest after 65535 iterations (see common.glsl): each invocation loops
        // over inChannels x taps.
        guard inChannels * tapsPerOutput <= 65_535 else {
            throw VulkanError.invalidArgument("convTranspose1d: \(inChannels) input channels x \(tapsPerOutput) taps exceed 65535 loop iterations")
        }
    }
}

/// How a ConvTranspose1d weight is stored.
public enum ConvTranspose1dWeightLayout: Sendable {
    /// PyTorch's own [inChannels, outChannels, kernelSize]: usable as loaded.
    case pytorch
    /// [kernelSize, outChannels, inChannels], made once on the host by `kernelMajor(fromPyTorch:...)`:
    /// each invocation then reads its weights contiguously. Measured only slightly faster on
    /// lavapipe for Kokoro's ups.0 / ups.1 (3-10%); may matter more where caches are small.
    case kernelMajor

    /// Rearranges a PyTorch ConvTranspose1d weight [inChannels, outChannels, kernelSize] into
    /// `.kernelMajor` [kernelSize, outChannels, inChannels].
    /// - Throws: `VulkanError.invalidArgument` when `weight` does not hold exactly that many values.
    public static func kernelMajor(fromPyTorch weight: [Float], inChannels: Int, outChannels: Int, kernelSize: Int) throws -> [Float] {
        guard inChannels >= 0, outChannels >= 0, kernelSize >= 0, weight.count == inChannels * outChannels * kernelSize else {
            throw VulkanError.invalidArgument("ConvTranspose1d weight of \(weight.count) values is not [\(inChannels), \(outChannels), \(kernelSize)]")
        }
        var result = [Float](repeating: 0, count: weight.count)
        for c in 0..<inChannels {
            for o in 0..<outChannels {
                for k in 0..<kernelSize { result[(k * outChannels + o) * inChannels + c] = weight[(c * outChannels + o) * kernelSize + k] }
            }
        }
        return result
    }

    /// Element strides of w[c, o, k]: (input channel, output channel, tap).
    func strides(_ s: ConvTranspose1dShape) -> (inChannel: Int, outChannel: Int, tap: Int) {
        switch self {
        case .pytorch: return (s.outChannels * s.kernelSize, s.kernelSize, 1)
        case .kernelMajor: return (1, s.inChannels, s.outChannels * s.inChannels)
        }
    }
}

/// Mirrors `ConvTranspose1dParams` in conv_transpose1d.comp (15 x 4 bytes).
struct ConvTranspose1dPushConstants {
    var inChannels, inLength, weightStrideIn, weightStrideOut, weightStrideTap: UInt32
    var outChannels, outLength, kernelSize, stride, padding, qStart, qCount, hasBias, inputActivation: UInt32
    var inputActivationParameter: Float
}

extension CommandStream {
    /// Records output = ConvTranspose1d(inputActivation(input), weight) (+ bias). `inputActivation`
    /// is applied to each input value as it is read (the generator's leaky_relu(x, 0.1) before each
    /// `ups`); `input` itself is left unchanged. `output` must not alias `input`.
    public func convTranspose1d(input: DeviceBuffer, weight: DeviceBuffer, weightLayout: ConvTranspose1dWeightLayout = .pytorch,
                                bias: DeviceBuffer? = nil, output: DeviceBuffer, shape s: ConvTranspose1dShape,
                                inputActivation: Activation = .none, label: String? = nil) throws {
        try s.validate()
        guard input !== output else { throw VulkanError.invalidArgument("convTranspose1d output must not alias its input") }
        let outLength = s.outLength
        try requireFloats(input, s.inChannels * s.inLength, "convTranspose1d input")
        try requireFloats(weight, s.weightCount, "convTranspose1d weight")
        try requireFloats(output, s.outChannels * outLength, "convTranspose1d output")
        if let bias { try requireFloats(bias, s.outChannels, "convTranspose1d bias") }
        if outLength == 0 { return }

        // Outputs are l = q stride + r - padding; the kernel walks q in [qStart, qStart + qCount)
        // for every phase r < stride and skips l outside [0, outLength).
        let qStart = s.padding / s.stride
        let qCount = (s.padding + outLength - 1) / s.stride - qStart + 1
        let strides = weightLayout.strides(s)
        let constants = ConvTranspose1dPushConstants(
            inChannels: UInt32(s.inChannels), inLength: UInt32(s.inLength), weightStrideIn: UInt32(strides.inChannel),
            weightStrideOut: UInt32(strides.outChannel), weightStrideTap: UInt32(strides.tap), outChannels: UInt32(s.outChannels),
            outLength: UInt32(outLength), kernelSize: UInt32(s.kernelSize), stride: UInt32(s.stride), padding: UInt32(s.padding),
            qStart: UInt32(qStart), qCount: UInt32(qCount), hasBias: bias == nil ? 0 : 1,
            inputActivation: inputActivation.code, inputActivationParameter: inputActivation.parameter)
        let (rows, columns) = (16, 8)   // ROWS, COLS in the shader
        // One SIMD batch of lavapipe (8 lanes of 256 bits) per workgroup: Kokoro's ups.0 has only
        // 18 column blocks per phase, and 8-wide groups waste fewer lanes than 16 (also measured faster).
        let width = 8
        let kernel = try device.kernel("conv_transpose1d", bindings: 4, pushConstantBytes: MemoryLayout<ConvTranspose1dPushConstants>.size,
                                       specialization: [UInt32(width)])
        try dispatch(kernel, bindings: [.read(input), .read(weight), .write(output), bias.map { .read($0) } ?? .write(output)],
                     pushConstants: constants,
                     groups: (try workgroupCount(ceilDiv(ceilDiv(qCount, columns), width), "convTranspose1d"),
                              try workgroupCount(s.stride * ceilDiv(s.outChannels, rows), "convTranspose1d"), 1),
                     label: label)
    }
}
