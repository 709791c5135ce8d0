// Validation of a safetensors file's framing and header, separate from how the bytes were obtained
// (mmap or memory). After `parse` succeeds, every TensorInfo's byte range lies inside the data
// section and no two non-empty ranges overlap, so readers may index the bytes without re-checking.
//
// File layout:
//   [0, 8)            UInt64 little-endian N: header length
//   [8, 8+N)          UTF-8 JSON object, possibly padded with spaces:
//                     { "<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
//                       ..., "__metadata__": {"<key>": "<string>", ...} }
//   [8+N, file end)   data section; offsets above are relative to its start
import KokoroJSON

/// The validated contents of a safetensors header.
struct SafeTensorsLayout {
    /// Largest header accepted, as in the reference Rust implementation: bounds the JSON work.
    static let maxHeaderLength = 100_000_000

    /// The `__metadata__` object's entries (empty when absent).
    var metadata: [String: String] = [:]
    /// Every tensor, sorted by data offset (the order of the bytes in the file).
    var tensors: [TensorInfo] = []
    /// Offset of the data section from the start of the file: 8 + header length.
    var dataStart = 0

    /// Validates `bytes` (the whole file) and returns its layout. `path` only labels errors.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> SafeTensorsLayout {
        guard bytes.count >= 8 else {
            throw ModelFileError.malformedFile(
                path: path, reason: "file is \(bytes.count) bytes, too short for the 8-byte header length")
        }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        // Compare as UInt64 before converting: a hostile length such as 2^63 does not fit in Int.
        guard headerLength <= UInt64(maxHeaderLength) else {
            throw ModelFileError.malformedFile(
                path: path, reason: "header length \(headerLength) exceeds the \(maxHeaderLength)-byte limit")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw ModelFileError.malformedFile(
                path: path,
                reason: "header length \(headerLength) is larger than the \(bytes.count - 8) bytes that follow it (truncated file?)")
        }
        var layout = SafeTensorsLayout()
        layout.dataStart = 8 + Int(headerLength)
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<layout.dataStart])
        let dataSize = bytes.count - layout.dataStart

        let header: JSONValue
        do {
            header = try JSONParser().parse(headerBytes)
        } catch let error as JSONError {
            throw ModelFileError.malformedHeader(path: path, reason: "invalid JSON: \(error.message) at header byte \(error.offset)")
        }
        guard case .object(let entries) = header else {
            throw ModelFileError.malformedHeader(path: path, reason: "header is \(header.kindName), expected an object")
        }

        for (name, entry) in entries.orderedMembers {
            if name == "__metadata__" {
                layout.metadata = try parseMetadata(entry, path: path)
            } else {
                layout.tensors.append(try parseTensor(name: name, entry: entry, dataSize: dataSize, path: path))
            }
        }
        // By offset; empty tensors can share an offset, so the name breaks ties deterministically.
        layout.tensors.sort {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name)
                < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        try checkNoOverlap(layout.tensors, path: path)
        return layout
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws -> [String: String] {
        guard case .object(let object) = value else {
            throw ModelFileError.invalidMetadata(
                path: path, key: "__metadata__", reason: "is \(value.kindName), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, value) in object.orderedMembers {
            guard case .string(let text) = value else {
                throw ModelFileError.invalidMetadata(path: path, key: key, reason: "value is \(value.kindName), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseTensor(name: String, entry: JSONValue, dataSize: Int, path: String) throws -> TensorInfo {
        func invalid(_ reason: String) -> ModelFileError {
            .invalidTensor(path: path, tensor: name, reason: reason)
        }
        guard !name.isEmpty else { throw invalid("empty tensor name") }
        guard case .object(let fields) = entry else {
            throw invalid("entry is \(entry.kindName), expected an object with dtype, shape and data_offsets")
        }

        guard let dtypeValue = fields["dtype"] else { throw invalid("missing \"dtype\"") }
        guard case .string(let dtypeName) = dtypeValue else {
            throw invalid("dtype is \(dtypeValue.kindName), expected a string")
        }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            let known = TensorDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("unsupported dtype \(quoted(dtypeName)) (supported: \(known))")
        }

        guard let shapeValue = fields["shape"] else { throw invalid("missing \"shape\"") }
        let shape = try nonNegativeIntegers(shapeValue, field: "shape", invalid)

        guard let offsetsValue = fields["data_offsets"] else { throw invalid("missing \"data_offsets\"") }
        let offsets = try nonNegativeIntegers(offsetsValue, field: "data_offsets", invalid)
        guard offsets.count == 2 else {
            throw invalid("data_offsets has \(offsets.count) elements, expected [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw invalid("data_offsets [\(begin), \(end)] end before they begin") }
        guard end <= dataSize else {
            throw invalid("data_offsets [\(begin), \(end)] extend past the end of the \(dataSize)-byte data section (truncated file?)")
        }

        // elements * byteSize must equal end - begin; every product is checked for overflow,
        // because a shape like [2^40, 2^40] would otherwise wrap to a small, plausible size.
        var byteCount = dtype.byteSize
        for dimension in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw invalid("shape \(formatShape(shape)) has too many elements (size overflows 64 bits)") }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw invalid("shape \(formatShape(shape)) of \(dtype.rawValue) needs \(byteCount) bytes, but data_offsets [\(begin), \(end)] span \(end - begin)")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    private static func nonNegativeIntegers(
        _ value: JSONValue, field: String, _ invalid: (String) -> ModelFileError
    ) throws -> [Int] {
        guard case .array(let elements) = value else {
            throw invalid("\(field) is \(value.kindName), expected an array of non-negative integers")
        }
        return try elements.enumerated().map { position, element in
            guard case .integer(let number) = element, number >= 0 else {
                let found: String
                if case .integer(let number) = element { found = "\(number)" } else { found = element.kindName }
                throw invalid("\(field) element \(position) is \(found), expected a non-negative integer")
            }
            return Int(number)
        }
    }

    /// `tensors` must be sorted by offset. Empty tensors occupy no bytes and never overlap.
    private static func checkNoOverlap(_ tensors: [TensorInfo], path: String) throws {
        var previous: TensorInfo?
        for tensor in tensors where !tensor.dataOffsets.isEmpty {
            if let previous, tensor.dataOffsets.lowerBound < previous.dataOffsets.upperBound {
                throw ModelFileError.invalidTensor(
                    path: path, tensor: tensor.name,
                    reason: "data_offsets [\(tensor.dataOffsets.lowerBound), \(tensor.dataOffsets.upperBound)] overlap tensor \(quoted(previous.name)) [\(previous.dataOffsets.lowerBound), \(previous.dataOffsets.upperBound)]")
            }
            // No overlap and non-empty: this range ends after every earlier one.
            previous = tensor
        }
    }
}
