/// 1-D convolution over one sequence, PyTorch's Conv1d semantics (zero padding, cross-correlation):
///   input [inChannels, inLength], weight [outChannels, inChannels / groups, kernelSize],
///   bias [outChannels], output [outChannels, outLength].
public struct Conv1dShape: Equatable, Sendable {
    public var inChannels: Int, outChannels: Int, inLength: Int
    public var kernelSize: Int, stride: Int, padding: Int, dilation: Int, groups: Int

    public init(inChannels: Int, outChannels: Int, inLength: Int, kernelSize: Int,
                stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        self.inChannels = inChannels; self.outChannels = outChannels; self.inLength = inLength
        self.kernelSize = kernelSize; self.stride = stride; self.padding = padding
        self.dilation = dilation; self.groups = groups
    }

    /// (inLength + 2 padding - dilation (kernelSize - 1) - 1) / stride + 1, or 0 when negative.
    public var outLength: Int {
        let span = inLength + 2 * padding - dilation * (kernelSize - 1) - 1
        return span < 0 ? 0 : span / stride + 1
    }

    public var weightCount: Int { outChannels * (inChannels / max(groups, 1)) * kernelSize }
    public var flops: Double { 2 * Double(outChannels) * Double(outLength) * Double(inChannels / max(groups, 1)) * Double(kernelSize) }

    func validate() throws {
        let values = [inChannels, outChannels, inLength, kernelSize, stride, padding, dilation, groups]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) / 2 }), kernelSize > 0, stride > 0, dilation > 0,
              groups > 0, inChannels > 0, outChannels > 0, inChannels % groups == 0, outChannels % groups == 0,
              inLength + 2 * padding <= Int(Int32.max) / 2 else {
            throw VulkanError.invalidArgument("conv1d shape \(self) is inconsistent")
        }
    }
}

/// Mirrors `Conv1dParams` in conv1d_params.glsl (12 x 4 bytes).
struct Conv1dPushConstants {
    var inChannels, inLength, outChannels, outLength, kernelSize, stride, padding, dilation, groups, hasBias, activation: UInt32
    var activationParameter: Float
}

extension CommandStream {
    /// Records output = conv1d(input, weight) (+ bias) (then activation). Groups with a single
    /// input channel (depthwise) use a dedicated kernel on every device.
    public func conv1d(input: DeviceBuffer, weight: DeviceBuffer, bias: DeviceBuffer? = nil, output: DeviceBuffer,
                       shape s: Conv1dShape, activation: Activation = .none, variant: KernelVariant? = nil,
                       label: String? = nil) throws {
        try s.validate()
        let outLength = s.outLength
        try requireFloats(input, s.inChannels * s.inLength, "conv1d input")
        try requireFloats(weight, s.weightCount, "conv1d weight")
        try requireFloats(output, s.outChannels * outLength, "conv1d output")
        if let bias { try requireFloats(bias, s.outChannels, "conv1d bias") }
        if outLength == 0 { return }

        let constants = Conv1dPushConstants(
            inChannels: UInt32(s.inChannels), inLength: UInt32(s.inLength), outChannels: UInt32(s.outChannels),
            outLength: UInt32(outLength), kernelSize: UInt32(s.kernelSize), stride: UInt32(s.stride),
            padding: UInt32(s.padding), dilation: UInt32(s.dilation), groups: UInt32(s.groups),
            hasBias: bias == nil ? 0 : 1, activation: activation.code, activationParameter: activation.parameter)
        let bindings: [BufferBinding] = [.read(input), .read(weight), .write(output), bias.map { .read($0) } ?? .write(output)]
        let bytes = MemoryLayout<Conv1dPushConstants>.size
        let outPerGroup = s.outChannels / s.groups

        if s.inChannels / s.groups == 1 {
            let width = 64
            let kernel = try device.kernel("conv1d_depthwise", bindings: 4, pushConstantBytes: bytes, specialization: [UInt32(width)])
            try dispatch(kernel, bindings: bindings, pushConstants: constants,
                         groups: (try workgroupCount(ceilDiv(outLength, width), "conv1d"), try workgroupCount(s.outChannels, "conv1d"), 1),
                         label: label)
            return
        }
        switch variant ?? device.kernelVariant {
        case .tiled:
            let kernel = try device.kernel("conv1d_tiled", bindings: 4, pushConstantBytes: bytes)
            try dispatch(kernel, bindings: bindings, pushConstants: constants,
                         groups: (try workgroupCount(ceilDiv(outLength, 64), "conv1d"), try workgroupCount(ceilDiv(outPerGroup, 64), "conv1d"),
                                  try workgroupCount(s.groups, "conv1d")),
                         label: label)
        case .register:
            let width = Self.registerWorkgroupWidth
            let kernel = try device.kernel("conv1d_register", bindings: 4, pushConstantBytes: bytes, specialization: [UInt32(width)])
            try dispatch(kernel, bindings: bindings, pushConstants: constants,
                         groups: (try workgroupCount(ceilDiv(ceilDiv(outLength, 8), width), "conv1d"),
                                  try workgroupCount(s.groups * ceilDiv(outPerGroup, 8), "conv1d"), 1),
                         label: label)
        }
    }
}
