/// Elementwise operations; numbering matches OP_* in elementwise.comp.
public enum ElementwiseOperation: Equatable, Sendable {
    case add                                  // a + b
    case multiply                             // a * b
    case leakyReLU(negativeSlope: Float)      // a >= 0 ? a : slope a
    case geluTanh                             // tanh-approximated GELU (ALBERT's gelu_new)
    case sigmoid
    case tanh
    /// Snake: a + sin²(alpha[c] a) / alpha[c], with `a` viewed as [channels, inner] and alpha = b [channels].
    case snake(channels: Int, inner: Int)
    /// (a + b) * scale
    case addScaled(scale: Float)

    var code: UInt32 {
        switch self {
        case .add: return 0
        case .multiply: return 1
        case .leakyReLU: return 2
        case .geluTanh: return 3
        case .sigmoid: return 4
        case .tanh: return 5
        case .snake: return 6
        case .addScaled: return 7
        }
    }

    /// Whether operand b is read, and how many floats it must hold for `count` values of a.
    func operandBCount(_ count: Int) -> Int? {
        switch self {
        case .add, .multiply, .addScaled: return count
        case .snake(let channels, _): return channels
        default: return nil
        }
    }
}

/// Mirrors `ElementwiseParams` in elementwise.comp.
struct ElementwisePushConstants {
    var count, inner, channels: UInt32
    var parameter: Float
}

extension CommandStream {
    /// Records result[i] = op(a[i], b[...]) for i in 0..<count. `b` is needed by add, multiply
    /// (same size as a) and snake (alpha per channel); `result` may be `a` itself.
    public func elementwise(_ operation: ElementwiseOperation, a: DeviceBuffer, b: DeviceBuffer? = nil,
                            result: DeviceBuffer, count: Int, variant: KernelVariant? = nil, label: String? = nil) throws {
        guard count >= 0, count <= Int(UInt32.max) else { throw VulkanError.invalidArgument("elementwise count \(count)") }
        try requireFloats(a, count, "elementwise operand a")
        try requireFloats(result, count, "elementwise result")
        var inner = 1, channels = 1
        if case .snake(let c, let i) = operation {
            guard c > 0, i > 0, c * i == count else {
                throw VulkanError.invalidArgument("snake over [\(c), \(i)] does not cover \(count) values")
            }
            channels = c; inner = i
        }
        var bBinding: BufferBinding = .read(a)
        if let needed = operation.operandBCount(count) {
            guard let b else { throw VulkanError.invalidArgument("elementwise \(operation) needs operand b") }
            try requireFloats(b, needed, "elementwise operand b")
            bBinding = .read(b)
        }
        if count == 0 { return }
        var parameter: Float = 0
        if case .leakyReLU(let slope) = operation { parameter = slope }
        if case .addScaled(let scale) = operation { parameter = scale }

        // GPUs: one value per invocation keeps loads coalesced. CPU drivers: several values per
        // invocation amortise the per-invocation cost of the JIT-compiled loop.
        let (width, items) = (variant ?? device.kernelVariant) == .tiled ? (256, 1) : (64, 8)
        let kernel = try device.kernel("elementwise", bindings: 3, pushConstantBytes: MemoryLayout<ElementwisePushConstants>.size,
                                       specialization: [UInt32(width), operation.code, UInt32(items)])
        let aliasing = a === result
        try dispatch(kernel, bindings: [aliasing ? .readWrite(a) : .read(a), bBinding, .write(result)],
                     pushConstants: ElementwisePushConstants(count: UInt32(count), inner: UInt32(inner),
                                                             channels: UInt32(channels), parameter: parameter),
                     groups: (try workgroupCount(ceilDiv(count, width * items), "elementwise"), 1, 1), label: label)
    }
}
