import Foundation
@testable import KokoroModel

/// Writes a full-size Kokoro bundle without writing 330 MB: the header is real, and the data
/// section is a hole made by extending the file (sparse on every common filesystem), which
/// reads back as zeros.
func writeSparseBundle(
    in directory: TemporaryDirectory, name: String = "bundle.safetensors",
    tensors: [(name: String, dtype: String, shape: [Int])] = KokoroTensorTable.tensors.map { ($0.name, "F32", $0.shape) },
    metadata: [String: String]? = ["format": "kokoro-bundle", "format_version": "1", "config": kokoroConfigJSON(),
                                   "source": "test", "precision": "fp32"]
) -> String {
    var entries: [String] = []
    if let metadata {
        let members = metadata.sorted { $0.key < $1.key }
            .map { SafeTensorsWriter.jsonString($0.key) + ":" + SafeTensorsWriter.jsonString($0.value) }
        entries.append("\"__metadata__\":{\(members.joined(separator: ","))}")
    }
    var offset = 0
    for tensor in tensors {
        let size = tensor.shape.reduce(tensor.dtype == "F32" ? 4 : 2, *)
        let shape = tensor.shape.map(String.init).joined(separator: ",")
        entries.append("\(SafeTensorsWriter.jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
        offset += size
    }
    let prefix = SafeTensorsWriter.file(header: "{" + entries.joined(separator: ",") + "}")
    let path = directory.write(prefix, name: name)
    let handle = FileHandle(forWritingAtPath: path)!
    try! handle.truncate(atOffset: UInt64(prefix.count + offset))
    try! handle.close()
    return path
}

/// The table's tensors with `change` applied (for building broken bundles).
func kokoroTensors(_ change: (inout [(name: String, dtype: String, shape: [Int])]) -> Void) -> [(name: String, dtype: String, shape: [Int])] {
    var tensors = KokoroTensorTable.tensors.map { (name: $0.name, dtype: "F32", shape: $0.shape) }
    change(&tensors)
    return tensors
}
