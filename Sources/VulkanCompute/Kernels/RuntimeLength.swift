/// A valid length that is known only when a pre-recorded command buffer runs:
///   value = scale · buffer[0] + offset   (uint32 words)
/// `buffer[0]` is the frame count F, written per call; the affine map gives the length at a stage
/// (2F after the decoder's upsampling block, 600F samples, 120F + 1 STFT frames ...). A command
/// buffer recorded once for a bucket of frame counts (tensors laid out with the bucket's strides)
/// then serves every F in the bucket: kernels whose result depends on where the sequence ends
/// (norm statistics, the STFT's reflection, the iSTFT's last frames, zero padding past the end)
/// read the value at run time, as push constants are frozen when recorded.
public struct RuntimeLength {
    public let buffer: DeviceBuffer
    public let scale: Int
    public let offset: Int
    /// The smallest value the recording serves (sizes the grid of `zeroTail`).
    public let minimum: Int

    /// `minimumFrames`: the smallest buffer[0] the recording serves.
    public init(buffer: DeviceBuffer, scale: Int = 1, offset: Int = 0, minimumFrames: Int) {
        precondition(scale > 0 && offset >= 0 && minimumFrames >= 1, "a runtime length is scale · F + offset with scale > 0")
        self.buffer = buffer
        self.scale = scale
        self.offset = offset
        minimum = scale * minimumFrames + offset
    }

    private init(buffer: DeviceBuffer, scale: Int, offset: Int, minimum: Int) {
        self.buffer = buffer; self.scale = scale; self.offset = offset; self.minimum = minimum
    }

    /// factor · value + plus: the length after a stage that scales and extends it.
    public func scaled(by factor: Int, plus: Int = 0) -> RuntimeLength {
        RuntimeLength(buffer: buffer, scale: scale * factor, offset: offset * factor + plus, minimum: minimum * factor + plus)
    }

    /// The value for frame count `frames`.
    public func value(frames: Int) -> Int { scale * frames + offset }
}

/// Push-constant pair of the kernels that take a valid length: (scale, offset), with scale 0
/// meaning "offset is the length" (no runtime buffer, the kernel never reads it).
struct ValidLengthConstants {
    var scale: UInt32, offset: UInt32

    init(_ valid: RuntimeLength?, static length: Int) {
        scale = UInt32(valid?.scale ?? 0)
        offset = UInt32(valid?.offset ?? length)
    }
}

extension CommandStream {
    /// Records zeroing columns [valid, stride) of a channel-major [rows, stride] tensor, valid read
    /// at run time (see zero_tail.comp). Needed where a convolution reads past the valid end of a
    /// tensor whose tail holds leftovers (a bias, a residual sum).
    public func zeroTail(_ buffer: DeviceBuffer, rows: Int, stride: Int, valid: RuntimeLength, label: String? = nil) throws {
        guard rows > 0, stride > 0, rows <= Int(Int32.max) / stride else {
            throw VulkanError.invalidArgument("zeroTail of \(rows) x \(stride)")
        }
        try requireFloats(buffer, rows * stride, "zeroTail tensor")
        let columns = stride - min(valid.minimum, stride)
        if columns == 0 { return }
        struct Constants { var rows, stride, validScale, validOffset, minValid: UInt32 }
        let kernel = try device.kernel("zero_tail", bindings: 2, pushConstantBytes: MemoryLayout<Constants>.size)
        try dispatch(kernel, bindings: [.readWrite(buffer), .read(valid.buffer)],
                     pushConstants: Constants(rows: UInt32(rows), stride: UInt32(stride), validScale: UInt32(valid.scale),
                                              validOffset: UInt32(valid.offset), minValid: UInt32(min(valid.minimum, stride))),
                     groups: (try workgroupCount(ceilDiv(columns, 64), "zeroTail"), try workgroupCount(rows, "zeroTail"), 1), label: label)
    }
}
