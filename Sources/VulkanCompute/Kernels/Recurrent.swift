extension CommandStream {
    /// Records the recurrence of a bidirectional LSTM layer (PyTorch semantics, gates i, f, g, o)
    /// as persistent workgroups, one per direction, each looping over the time steps:
    ///   inputGates [steps, 2, 4·hidden]: x_t·W_ihᵀ + b_ih + b_hh for both directions (one GEMM),
    ///   recurrentWeights [2, 4·hidden, hidden]: W_hh of the forward then the reverse direction,
    ///   output [steps, outRowStride]: [h_forward | h_reverse] per step, starting at column 0,
    ///   state: scratch of 4·hidden floats carrying h and c between chunks (allocated if nil).
    /// On CPU devices the steps run in chunks of a few hundred multiply-add loops (see
    /// lstm_recurrence.comp: lavapipe ends longer loops); GPUs run them in one dispatch.
    public func lstmRecurrence(inputGates: DeviceBuffer, recurrentWeights: DeviceBuffer, output: DeviceBuffer,
                               steps: Int, hidden: Int, outRowStride: Int? = nil, state: DeviceBuffer? = nil,
                               label: String? = nil) throws {
        let stride = outRowStride ?? 2 * hidden
        let width = min(256, Int(device.capabilities.maxWorkgroupInvocations), hidden)
        guard steps >= 0, hidden > 0, hidden <= 1024, hidden <= 4 * width, stride >= 2 * hidden,
              steps <= Int(Int32.max) / max(8 * hidden, stride) else {
            throw VulkanError.invalidArgument("LSTM of \(steps) steps x \(hidden) hidden (at most 1024, row stride \(stride))")
        }
        try requireFloats(inputGates, steps * 8 * hidden, "LSTM input gates")
        try requireFloats(recurrentWeights, 2 * 4 * hidden * hidden, "LSTM recurrent weights")
        if steps == 0 { return }
        try requireFloats(output, (steps - 1) * stride + 2 * hidden, "LSTM output")
        let carried = try state ?? DeviceBuffer(device: device, byteCount: 4 * hidden * 4)
        try requireFloats(carried, 4 * hidden, "LSTM state")
        struct Constants { var steps, hidden, outRowStride, firstStep, stepCount: UInt32 }
        let kernel = try device.kernel("lstm_recurrence", bindings: 4, pushConstantBytes: MemoryLayout<Constants>.size,
                                       specialization: [UInt32(width)])
        // Inner-loop iterations per step per invocation: units per invocation x hidden. Keep a
        // chunk's total under half of lavapipe's 65535 limit.
        let unitsPerInvocation = (hidden + width - 1) / width
        let chunk = device.capabilities.type == .cpu ? max(1, 32_768 / (unitsPerInvocation * hidden + 8)) : steps
        var first = 0
        while first < steps {
            let count = min(chunk, steps - first)
            try dispatch(kernel, bindings: [.read(inputGates), .read(recurrentWeights), .write(output), .readWrite(carried)],
                         pushConstants: Constants(steps: UInt32(steps), hidden: UInt32(hidden), outRowStride: UInt32(stride),
                                                  firstStep: UInt32(first), stepCount: UInt32(count)),
                         groups: (2, 1, 1), label: label)
            first += count
        }
    }
}
