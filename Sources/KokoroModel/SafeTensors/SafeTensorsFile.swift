// Typed, bounds-checked access to a validated safetensors file. All validation happens in init
// (SafeTensorsLayout.parse); the accessors only look tensors up and convert.

/// A safetensors file, mapped read-only and validated when opened.
///
/// Opening checks the whole header (see `SafeTensorsLayout`): afterwards every tensor's bytes are
/// known to lie inside the file, so reading can neither crash nor read out of bounds. The mapping
/// is released when the object is deallocated.
///
/// Immutable after init, so it may be shared between threads.
public final class SafeTensorsFile: @unchecked Sendable {
    /// The path the file was opened from (used in every error message).
    public let path: String
    /// The `__metadata__` entries; empty when the header has none.
    public let metadata: [String: String]
    /// Every tensor, in the order of their data in the file.
    public let tensors: [TensorInfo]

    private let bytes: FileBytes
    private let dataStart: Int
    private let indexByName: [String: Int]

    /// Opens and validates the safetensors file at `path`.
    /// - Throws: `ModelFileError` describing the first problem found.
    public convenience init(path: String) throws {
        try self.init(bytes: FileBytes(mapping: path), path: path)
    }

    /// Validates `bytes` as a safetensors file; `path` only labels errors. Used by tests.
    init(bytes: FileBytes, path: String) throws {
        let layout = try SafeTensorsLayout.parse(bytes.buffer, path: path)
        self.path = path
        self.bytes = bytes
        self.dataStart = layout.dataStart
        self.metadata = layout.metadata
        self.tensors = layout.tensors
        // Names are unique: the JSON parser rejects duplicate keys.
        self.indexByName = Dictionary(uniqueKeysWithValues: layout.tensors.enumerated().map { ($1.name, $0) })
    }

    /// Tensor names, in the order of their data in the file.
    public var names: [String] { tensors.map(\.name) }

    /// Whether the file has a tensor called `name`.
    public func contains(_ name: String) -> Bool { indexByName[name] != nil }

    /// The header entry of tensor `name`.
    /// - Throws: `ModelFileError.missingTensor` if there is none.
    public func info(_ name: String) throws -> TensorInfo {
        guard let index = indexByName[name] else {
            throw ModelFileError.missingTensor(path: path, tensor: name)
        }
        return tensors[index]
    }

    /// All elements of tensor `name` as Float, in row-major order. F16 and BF16 are widened exactly.
    public func floats(_ name: String) throws -> [Float] {
        let tensor = try info(name)
        return convert(tensor, elements: 0..<tensor.elementCount)
    }

    /// Elements `elements` (flat, row-major indices) of tensor `name` as Float, e.g. one row of a
    /// [510, 256] voice is `row * 256 ..< (row + 1) * 256`.
    /// - Throws: `ModelFileError.missingTensor`, or `.invalidTensor` if the range is out of bounds.
    public func floats(_ name: String, elements: Range<Int>) throws -> [Float] {
        let tensor = try info(name)
        guard elements.lowerBound >= 0, elements.upperBound <= tensor.elementCount else {
            throw ModelFileError.invalidTensor(
                path: path, tensor: name,
                reason: "elements \(elements.lowerBound)..<\(elements.upperBound) requested, but it has \(tensor.elementCount)")
        }
        return convert(tensor, elements: elements)
    }

    /// Calls `body` with the tensor's bytes exactly as stored (little-endian, `info.dtype`),
    /// without copying: for uploading F32 weights straight from the mapping to the GPU.
    ///
    /// The buffer is valid only during `body`; it may not be aligned to the element size
    /// (safetensors writers usually align the data section to 8 bytes, but nothing guarantees it).
    public func withUnsafeBytes<Result>(
        of name: String, _ body: (TensorInfo, UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        let tensor = try info(name)
        return try withExtendedLifetime(bytes) {
            try body(tensor, rawBytes(of: tensor, elements: 0..<tensor.elementCount))
        }
    }

    // Bounds were validated at open (tensor) and by the callers (elements).
    private func rawBytes(of tensor: TensorInfo, elements: Range<Int>) -> UnsafeRawBufferPointer {
        let size = tensor.dtype.byteSize
        let begin = dataStart + tensor.dataOffsets.lowerBound + elements.lowerBound * size
        return UnsafeRawBufferPointer(rebasing: bytes.buffer[begin..<(begin + elements.count * size)])
    }

    private func convert(_ tensor: TensorInfo, elements: Range<Int>) -> [Float] {
        let count = elements.count
        guard count > 0 else { return [] }
        return withExtendedLifetime(bytes) {
            let source = rawBytes(of: tensor, elements: elements)
            return [Float](unsafeUninitializedCapacity: count) { destination, initialized in
                switch tensor.dtype {
                case .f32:
                    // Little-endian host (checked at compile time in FileBytes.swift): a plain copy.
                    UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
                case .f16:
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        destination[i] = Float(float16Bits: bits)
                    }
                case .bf16:
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        destination[i] = Float(bfloat16Bits: bits)
                    }
                case .i32:
                    // Exact for |value| < 2^24, which covers ids and frame counts.
                    for i in 0..<count {
                        destination[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    }
                }
                initialized = count
            }
        }
    }
}
