// A minimal safetensors writer for building test files, including deliberately broken ones: the
// header can be given as raw bytes and the length prefix overridden.

import Foundation
@testable import KokoroModel

/// One tensor to write: the header fields plus its raw little-endian bytes.
struct TestTensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var data: [UInt8]

    init(_ name: String, dtype: String = "F32", shape: [Int], data: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// An F32 tensor holding `values`.
    init(_ name: String, shape: [Int], floats values: [Float]) {
        self.init(name, dtype: "F32", shape: shape, data: littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An F16 or BF16 tensor holding the given 16-bit patterns.
    init(_ name: String, dtype: String, shape: [Int], bits: [UInt16]) {
        self.init(name, dtype: dtype, shape: shape, data: littleEndianBytes(bits))
    }
}

func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    // One bulk copy of the little-endian representations (a per-byte map is slow in debug builds).
    values.map(\.littleEndian).withUnsafeBytes { Array($0) }
}

enum SafeTensorsWriter {
    /// JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The header JSON for `tensors` laid out back to back, plus `metadata` if given.
    static func header(_ tensors: [TestTensor], metadata: [String: String]? = nil) -> String {
        var entries: [String] = []
        if let metadata {
            let members = metadata.sorted { $0.key < $1.key }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{\(members.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(tensor.name)):{\"dtype\":\(jsonString(tensor.dtype)),\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.data.count)]}")
            offset += tensor.data.count
        }
        return "{" + entries.joined(separator: ",") + "}"
    }

    /// A complete file: length prefix, header padded with spaces to a multiple of 8, data.
    static func file(_ tensors: [TestTensor], metadata: [String: String]? = nil) -> [UInt8] {
        file(header: Array(header(tensors, metadata: metadata).utf8), data: tensors.flatMap(\.data))
    }

    /// A file with an arbitrary header; `headerLength` overrides the length prefix.
    static func file(header: [UInt8], data: [UInt8] = [], headerLength: UInt64? = nil, pad: Bool = true) -> [UInt8] {
        var header = header
        if pad {
            while header.count % 8 != 0 { header.append(0x20) }
        }
        return littleEndianBytes([headerLength ?? UInt64(header.count)]) + header + data
    }

    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        file(header: Array(header.utf8), data: data)
    }
}

/// A temporary directory removed when the object goes away.
final class TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("KokoroModelTests-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to a file called `name` and returns its path.
    func write(_ bytes: [UInt8], name: String = "test.safetensors") -> String {
        let fileURL = url.appendingPathComponent(name)
        try! Data(bytes).write(to: fileURL)
        return fileURL.path
    }
}

/// Opens `bytes` in memory, the way the file would be opened from disk.
func openInMemory(_ bytes: [UInt8], path: String = "memory.safetensors") throws -> SafeTensorsFile {
    try SafeTensorsFile(bytes: FileBytes(copying: bytes), path: path)
}
