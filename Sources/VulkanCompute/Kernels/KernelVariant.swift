import Glibc

/// The two shapes every heavy kernel comes in.
public enum KernelVariant: String, CaseIterable, Sendable {
    /// Shared-memory tiles and barriers: fast on GPUs.
    case tiled
    /// Register-blocked, no shared memory and no barriers: fast on CPU drivers such as lavapipe,
    /// where each invocation is one SIMD lane and barriers are costly.
    case register

    static func fromEnvironment() -> KernelVariant? {
        guard let value = getenv("KOKORO_KERNEL_VARIANT") else { return nil }
        return KernelVariant(rawValue: String(cString: value))
    }
}

/// Activation applied in a kernel's epilogue, after the bias. Numbering matches ACT_* in
/// KokoroShaders/glsl/common.glsl.
public enum Activation: Equatable, Sendable {
    case none
    case leakyReLU(negativeSlope: Float)
    case geluTanh
    case sigmoid
    case tanh

    var code: UInt32 {
        switch self {
        case .none: return 0
        case .leakyReLU: return 1
        case .geluTanh: return 2
        case .sigmoid: return 3
        case .tanh: return 4
        }
    }

    var parameter: Float {
        if case .leakyReLU(let slope) = self { return slope }
        return 0
    }
}

@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }

/// Throws unless a buffer holds at least `floats` values: kernels run without robust buffer
/// access, so an out-of-range index would read or write outside the allocation.
func requireFloats(_ buffer: DeviceBuffer, _ floats: Int, _ what: String) throws {
    guard floats >= 0, buffer.byteCount / 4 >= floats else {
        throw VulkanError.invalidArgument("\(what) needs \(floats) floats, the buffer holds \(buffer.byteCount / 4)")
    }
}

func workgroupCount(_ value: Int, _ what: String) throws -> UInt32 {
    guard value >= 0, value <= Int(UInt32.max) else { throw VulkanError.invalidArgument("\(what): \(value) workgroups") }
    return UInt32(value)
}
