// Voices: one [510, 256] style table per voice, in a safetensors file with `format` = `kokoro-voices`
// metadata. Row i is the style for an utterance of i + 1 phonemes; of each 256-wide row, the first
// 128 values condition the decoder and the last 128 the prosody predictor.
import KokoroJSON

/// The voices of a `voices.safetensors` file, validated when opened.
public final class VoiceBank: @unchecked Sendable {
    /// Value of the `format` metadata key.
    public static let format = "kokoro-voices"
    /// Rows per voice: one per phoneme count 1...510 (a chunk holds at most 510 phonemes).
    public static let rowCount = 510
    /// Values per row: 128 decoder style + 128 predictor style.
    public static let rowWidth = 256

    /// The underlying file.
    public let file: SafeTensorsFile
    /// Voice names, sorted.
    public let names: [String]

    /// Opens the voices file at `path` and checks every voice's shape.
    /// - Throws: `ModelFileError` naming the file and the first problem.
    public convenience init(path: String) throws {
        try self.init(file: SafeTensorsFile(path: path))
    }

    /// Validates an already opened file as a voices file. Each tensor must be [510, 256]; the
    /// [510, 1, 256] layout of the original `voices/*.pt` files is accepted too (same bytes).
    public init(file: SafeTensorsFile) throws {
        guard let format = file.metadata["format"] else {
            throw ModelFileError.invalidMetadata(path: file.path, key: "format", reason: "is missing (expected \(quoted(Self.format)))")
        }
        guard format == Self.format else {
            throw ModelFileError.invalidMetadata(path: file.path, key: "format", reason: "is \(quoted(format)), expected \(quoted(Self.format))")
        }
        let accepted = [[Self.rowCount, Self.rowWidth], [Self.rowCount, 1, Self.rowWidth]]
        for tensor in file.tensors where !accepted.contains(tensor.shape) {
            throw ModelFileError.shapeMismatch(path: file.path, tensor: tensor.name, expected: accepted[0], found: tensor.shape)
        }
        for tensor in file.tensors where !tensor.dtype.isFloatingPoint {
            throw ModelFileError.invalidTensor(path: file.path, tensor: tensor.name, reason: "has dtype \(tensor.dtype.rawValue); voices must be F32, F16 or BF16")
        }
        self.file = file
        self.names = file.names.sorted()
    }

    /// Whether a voice called `name` exists.
    public func contains(_ name: String) -> Bool { file.contains(name) }

    /// The whole style table of voice `name`: 510 x 256 floats, row-major.
    /// - Throws: `ModelFileError.unknownVoice` listing the available names.
    public func voice(_ name: String) throws -> [Float] {
        try checkKnown(name)
        return try file.floats(name)
    }

    /// The 256-value style row of voice `name` for an utterance of `phonemeCount` phonemes:
    /// row `phonemeCount - 1`, clamped to 0...509 (as the reference indexes `pack[len(ps) - 1]`).
    /// - Throws: `ModelFileError.unknownVoice` listing the available names.
    public func style(_ name: String, phonemeCount: Int) throws -> [Float] {
        try checkKnown(name)
        let row = Self.row(forPhonemeCount: phonemeCount)
        return try file.floats(name, elements: row * Self.rowWidth ..< (row + 1) * Self.rowWidth)
    }

    /// The row used for `phonemeCount` phonemes: `phonemeCount - 1`, clamped to 0...509.
    public static func row(forPhonemeCount phonemeCount: Int) -> Int {
        min(max(phonemeCount, 1), rowCount) - 1
    }

    private func checkKnown(_ name: String) throws {
        guard file.contains(name) else {
            throw ModelFileError.unknownVoice(path: file.path, voice: name, available: names)
        }
    }
}
