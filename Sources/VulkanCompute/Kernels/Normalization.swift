/// How LayerNorm's normalised value is scaled and shifted.
public enum LayerNormAffine {
    /// No affine: y = n.
    case none
    /// nn.LayerNorm: y = n · gamma + beta.
    case plain(gamma: DeviceBuffer, beta: DeviceBuffer)
    /// AdaLayerNorm: y = n · (1 + gamma) + beta, gamma and beta computed from the style vector.
    /// `styleAffine` holds [gamma | beta] (2 · channels values).
    case style(styleAffine: DeviceBuffer)
}

/// Memory layout of the tensor a norm reduces over.
public enum ChannelLayout: Sendable {
    /// [rows, channels]: each row's channels are contiguous (linear layers, ALBERT).
    case rowsOfChannels
    /// [channels, rows]: channel-major, the normalised channels of one position are `rows` apart
    /// (convolution outputs; Kokoro's TextEncoder LayerNorm over channels).
    case channelsOfRows
}

struct LayerNormPushConstants {
    var rows, channels, rowStride, channelStride, hasResidual, affine, activation: UInt32
    var activationParameter: Float
    var eps: Float
    var betaOffset: UInt32
}

struct InstanceNormPushConstants {
    var channels, positions, activation: UInt32
    var activationParameter: Float
    var eps: Float
    var valid: ValidLengthConstants
}

extension CommandStream {
    /// Records y = activation(affine(LayerNorm(x (+ residual)))) over `channels` values per row.
    /// `output` may be `input`. With `.rowsOfChannels`, rows may be `rowStride` apart (> channels:
    /// the normalised channels are the first ones of a wider row, other columns untouched).
    public func layerNorm(input: DeviceBuffer, residual: DeviceBuffer? = nil, output: DeviceBuffer,
                          rows: Int, channels: Int, layout: ChannelLayout = .rowsOfChannels, rowStride: Int? = nil,
                          affine: LayerNormAffine, eps: Float, activation: Activation = .none, label: String? = nil) throws {
        guard rows >= 0, channels > 0, rows <= Int(Int32.max) / max(channels, 1) else {
            throw VulkanError.invalidArgument("layerNorm over \(rows) x \(channels)")
        }
        let (defaultRowStride, channelStride) = layout == .rowsOfChannels ? (channels, 1) : (1, rows)
        let stride = rowStride ?? defaultRowStride
        guard layout == .channelsOfRows ? rowStride == nil : stride >= channels else {
            throw VulkanError.invalidArgument("layerNorm row stride \(stride) with \(channels) channels in \(layout)")
        }
        // Floats spanned by the tensor: the last row's last channel, plus one.
        let count = rows == 0 ? 0 : (layout == .rowsOfChannels ? (rows - 1) * stride + channels : rows * channels)
        try requireFloats(input, count, "layerNorm input")
        try requireFloats(output, count, "layerNorm output")
        if let residual { try requireFloats(residual, count, "layerNorm residual") }
        var gamma = input, beta = input, affineCode: UInt32 = 0
        switch affine {
        case .none: break
        case .plain(let g, let b):
            try requireFloats(g, channels, "layerNorm gamma"); try requireFloats(b, channels, "layerNorm beta")
            gamma = g; beta = b; affineCode = 1
        case .style(let styleAffine):
            try requireFloats(styleAffine, 2 * channels, "AdaLayerNorm gamma|beta")
            gamma = styleAffine; beta = styleAffine; affineCode = 2
        }
        if rows == 0 { return }
        let width = 16
        let kernel = try device.kernel("layer_norm", bindings: 5, pushConstantBytes: MemoryLayout<LayerNormPushConstants>.size,
                                       specialization: [UInt32(width)])
        let constants = LayerNormPushConstants(
            rows: UInt32(rows), channels: UInt32(channels), rowStride: UInt32(stride), channelStride: UInt32(channelStride),
            hasResidual: residual == nil ? 0 : 1, affine: affineCode, activation: activation.code,
            activationParameter: activation.parameter, eps: eps, betaOffset: affineCode == 2 ? UInt32(channels) : 0)
        let inPlace = input === output
        try dispatch(kernel, bindings: [inPlace ? .readWrite(input) : .read(input), .read(residual ?? input), .read(gamma), .read(beta),
                                        inPlace ? .readWrite(output) : .write(output)],
                     pushConstants: constants, groups: (try workgroupCount(ceilDiv(rows, width), "layerNorm"), 1, 1), label: label)
    }

    /// Records AdaIN over a channel-major [channels, positions] tensor (see instance_norm.comp):
    /// y = activation((1 + gamma) · (InstanceNorm(x) · normWeight + normBias) + beta).
    /// `styleAffine` holds fc(style) = [gamma | beta]. `output` may be `input`.
    /// With `valid`, rows are `positions` apart but only the first `valid` (read at run time) are
    /// normalised; the rest of each output row is set to zero.
    public func instanceNormAdaIN(input: DeviceBuffer, normWeight: DeviceBuffer, normBias: DeviceBuffer, styleAffine: DeviceBuffer,
                                  output: DeviceBuffer, channels: Int, positions: Int, valid: RuntimeLength? = nil, eps: Float = 1e-5,
                                  activation: Activation = .none, label: String? = nil) throws {
        guard channels > 0, positions > 0, channels <= Int(Int32.max) / positions else {
            throw VulkanError.invalidArgument("instance norm over \(channels) x \(positions)")
        }
        try requireFloats(input, channels * positions, "instance norm input")
        try requireFloats(output, channels * positions, "instance norm output")
        try requireFloats(normWeight, channels, "instance norm weight")
        try requireFloats(normBias, channels, "instance norm bias")
        try requireFloats(styleAffine, 2 * channels, "AdaIN gamma|beta")
        // One workgroup per channel; its size must be a power of two (tree reduction).
        let width = Self.reductionWorkgroupWidth(device)
        let kernel = try device.kernel("instance_norm", bindings: 6, pushConstantBytes: MemoryLayout<InstanceNormPushConstants>.size,
                                       specialization: [UInt32(width)])
        let inPlace = input === output
        try dispatch(kernel, bindings: [inPlace ? .readWrite(input) : .read(input), .read(normWeight), .read(normBias), .read(styleAffine),
                                        inPlace ? .readWrite(output) : .write(output), .read(valid?.buffer ?? normWeight)],
                     pushConstants: InstanceNormPushConstants(channels: UInt32(channels), positions: UInt32(positions),
                                                              activation: activation.code, activationParameter: activation.parameter, eps: eps,
                                                              valid: ValidLengthConstants(valid, static: positions)),
                     groups: (try workgroupCount(channels, "instance norm"), 1, 1), label: label)
    }

    /// Workgroup size of the per-channel reductions: 256 invocations (each loop then runs at most
    /// length / 1024 times, so lavapipe's 65535-iteration limit allows ~67M positions), or the
    /// largest power of two the device allows when that is less.
    static func reductionWorkgroupWidth(_ device: ComputeDevice) -> Int {
        var width = 256
        while width > 1 && width > Int(device.capabilities.maxWorkgroupInvocations) { width /= 2 }
        return width
    }

    /// Records an in-place row softmax of `scores` [rows, columns] after scaling by `scale`;
    /// columns at or beyond `validColumns` (padding keys) get weight 0.
    public func softmax(_ scores: DeviceBuffer, rows: Int, columns: Int, validColumns: Int? = nil, scale: Float = 1,
                        label: String? = nil) throws {
        guard rows >= 0, columns > 0, rows <= Int(Int32.max) / columns else { throw VulkanError.invalidArgument("softmax \(rows) x \(columns)") }
        try requireFloats(scores, rows * columns, "softmax scores")
        if rows == 0 { return }
        struct Constants { var rows, columns, validColumns: UInt32; var scale: Float }
        let width = 16
        let kernel = try device.kernel("softmax", bindings: 1, pushConstantBytes: MemoryLayout<Constants>.size, specialization: [UInt32(width)])
        try dispatch(kernel, bindings: [.readWrite(scores)],
                     pushConstants: Constants(rows: UInt32(rows), columns: UInt32(columns),
                                              validColumns: UInt32(min(validColumns ?? columns, columns)), scale: scale),
                     groups: (try workgroupCount(ceilDiv(rows, width), "softmax"), 1, 1), label: label)
    }
}
