extension CommandStream {
    /// Records the recurrence of a bidirectional LSTM layer (PyTorch semantics, gates i, f, g, o)
    /// as one persistent workgroup per direction:
    ///   inputGates [steps, 2, 4·hidden]: x_t·W_ihᵀ + b_ih + b_hh for both directions (one GEMM),
    ///   recurrentWeights [2, 4·hidden, hidden]: W_hh of the forward then the reverse direction,
    ///   output [steps, outRowStride]: [h_forward | h_reverse] per step, starting at column 0.
    public func lstmRecurrence(inputGates: DeviceBuffer, recurrentWeights: DeviceBuffer, output: DeviceBuffer,
                               steps: Int, hidden: Int, outRowStride: Int? = nil, label: String? = nil) throws {
        let stride = outRowStride ?? 2 * hidden
        let width = min(256, Int(device.capabilities.maxWorkgroupInvocations))
        guard steps >= 0, hidden > 0, hidden <= 1024, hidden <= 4 * width, stride >= 2 * hidden,
              steps <= Int(Int32.max) / max(8 * hidden, stride) else {
            throw VulkanError.invalidArgument("LSTM of \(steps) steps x \(hidden) hidden (at most 1024, row stride \(stride))")
        }
        try requireFloats(inputGates, steps * 8 * hidden, "LSTM input gates")
        try requireFloats(recurrentWeights, 2 * 4 * hidden * hidden, "LSTM recurrent weights")
        if steps == 0 { return }
        try requireFloats(output, (steps - 1) * stride + 2 * hidden, "LSTM output")
        struct Constants { var steps, hidden, outRowStride: UInt32 }
        let kernel = try device.kernel("lstm_recurrence", bindings: 3, pushConstantBytes: MemoryLayout<Constants>.size,
                                       specialization: [UInt32(min(width, hidden))])
        try dispatch(kernel, bindings: [.read(inputGates), .read(recurrentWeights), .write(output)],
                     pushConstants: Constants(steps: UInt32(steps), hidden: UInt32(hidden), outRowStride: UInt32(stride)),
                     groups: (2, 1, 1), label: label)
    }
}
