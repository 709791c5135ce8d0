/// What the safetensors header says about one tensor, after validation.
public struct TensorInfo: Equatable, Sendable {
    /// The tensor's name (a PyTorch state-dict key in a Kokoro bundle).
    public let name: String
    /// Element type as stored in the file.
    public let dtype: TensorDType
    /// Dimensions, outermost first (row-major, as PyTorch stores them). `[]` is a scalar.
    public let shape: [Int]
    /// Byte range of the data, relative to the start of the data section. Its length is
    /// `elementCount * dtype.byteSize`, checked when the file was opened.
    public let dataOffsets: Range<Int>

    /// Number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { dataOffsets.count / dtype.byteSize }

    /// Number of bytes of data.
    public var byteCount: Int { dataOffsets.count }
}
