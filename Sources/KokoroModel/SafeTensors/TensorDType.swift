// The element types the loader accepts. safetensors defines more (I8, I64, F64, ...), but a
// Kokoro bundle only ever holds floating-point weights, and the golden reference files add 32-bit
// integers (token ids, durations); anything else is rejected at open time rather than
// half-supported. Model and voice files accept the floating-point types only.

/// Element type of a tensor, spelled as in the safetensors header.
public enum TensorDType: String, CaseIterable, Sendable {
    /// IEEE 754 binary32, little-endian.
    case f32 = "F32"
    /// IEEE 754 binary16, little-endian.
    case f16 = "F16"
    /// bfloat16 (the upper half of a binary32), little-endian.
    case bf16 = "BF16"
    /// Two's-complement 32-bit integer, little-endian (golden files: ids and durations).
    case i32 = "I32"

    /// Whether the type holds floating-point values (what weights must be).
    public var isFloatingPoint: Bool { self != .i32 }

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16, .bf16: return 2
        }
    }
}
