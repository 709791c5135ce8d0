// The explicit list of what a Kokoro v1.0 bundle must contain, in the manner of whisper.cpp's
// whisper-arch.h: loading needs no guesswork, and a converter bug (a missed weight-norm fold, a
// transposed LSTM matrix, a stray tensor) is reported by name at open time instead of as garbled
// audio later. The entries live in KokoroTensorTableEntries.swift, generated from the reference
// state dict by tools/gen_tensor_table.py as a string (an array literal of 597 structs would add
// ~8 s to every release build).

/// One tensor a Kokoro bundle must contain: its PyTorch state-dict name and shape.
public struct KokoroTensorSpec: Equatable, Sendable {
    /// State-dict key, e.g. `decoder.generator.conv_post.weight`.
    public let name: String
    /// PyTorch shape, outermost first: Linear [out, in], Conv1d [out, in, kernel],
    /// ConvTranspose1d [in, out, kernel], LSTM weight_ih [4 * hidden, in].
    public let shape: [Int]

    /// A spec for tensor `name` of shape `shape`.
    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// The tensors of Kokoro v1.0's KModel as stored in a bundle: the PyTorch state dict with each
/// weight-norm pair (`weight_g`, `weight_v`) folded into one `weight` of weight_v's shape, and
/// without `bert.pooler.*`, which the model never uses.
public enum KokoroTensorTable {
    /// The 597 tensors, in state-dict order.
    public static let tensors: [KokoroTensorSpec] = parse(source)

    /// Position of each name in `tensors`.
    private static let indexByName: [String: Int] =
        Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })

    /// The spec of tensor `name`, or nil if a Kokoro bundle has no such tensor.
    public static func spec(named name: String) -> KokoroTensorSpec? {
        indexByName[name].map { tensors[$0] }
    }

    /// Reads the generated `source` table: "name d0 d1 ..." per line, `#` lines are comments.
    /// The input is a compile-time constant checked by the tests, so a malformed line is a
    /// programming error.
    static func parse(_ text: String) -> [KokoroTensorSpec] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard let name = fields.first, name != "#" else { return nil }
            let shape = fields.dropFirst().map { field -> Int in
                guard let dimension = Int(field) else { preconditionFailure("bad tensor table line: \(line)") }
                return dimension
            }
            return KokoroTensorSpec(String(name), shape)
        }
    }
}
