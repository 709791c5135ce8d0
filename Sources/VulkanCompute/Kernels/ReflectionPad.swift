extension CommandStream {
    /// Records torch ReflectionPad1d((left, right)) of a channel-major [channels, length] tensor into
    /// output [channels, left + length + right]: y[c, j] = x[c, reflect(j - left)], the edge value
    /// not repeated. Kokoro's generator pads (1, 0) after ups.1: y[:, 0] = x[:, 1], y[:, 1...] = x.
    /// Like PyTorch, needs left < length and right < length. `output` must not alias `input`.
    public func reflectionPad(input: DeviceBuffer, output: DeviceBuffer, channels: Int, length: Int, left: Int, right: Int = 0,
                              label: String? = nil) throws {
        guard channels > 0, length > 0, left >= 0, right >= 0, left < length, right < length,
              channels <= Int(Int32.max) / (length + left + right) else {
            throw VulkanError.invalidArgument("reflectionPad of \(channels) x \(length) by (\(left), \(right)): padding must be below the length")
        }
        guard input !== output else { throw VulkanError.invalidArgument("reflectionPad output must not alias its input") }
        let outLength = left + length + right
        try requireFloats(input, channels * length, "reflectionPad input")
        try requireFloats(output, channels * outLength, "reflectionPad output")
        struct Constants { var channels, length, left, right: UInt32 }
        let kernel = try device.kernel("reflection_pad", bindings: 2, pushConstantBytes: MemoryLayout<Constants>.size)
        try dispatch(kernel, bindings: [.read(input), .write(output)],
                     pushConstants: Constants(channels: UInt32(channels), length: UInt32(length), left: UInt32(left), right: UInt32(right)),
                     groups: (try workgroupCount(ceilDiv(outLength, 64), "reflectionPad"), try workgroupCount(channels, "reflectionPad"), 1),
                     label: label)
    }
}
