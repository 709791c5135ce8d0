// The one error type of the loader. Every case names the file and, where there is one, the tensor,
// metadata key or voice, because the user who sees it usually has several bundles on disk and needs
// to know which one to rebuild (`make model`) and why.
import KokoroJSON

/// Why a model or voices file could not be opened or used.
///
/// `description` is a complete, human-readable sentence such as
/// `models/kokoro-v1_0.safetensors: tensor "decoder.generator.conv_post.weight": shape [22, 128, 5]
/// does not match the expected [22, 128, 7]`.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, inspected or mapped (`reason` is the system's message).
    case cannotOpen(path: String, reason: String)
    /// The file is too short or its 8-byte header length is impossible.
    case malformedFile(path: String, reason: String)
    /// The JSON header is not well-formed, or is not an object of tensor entries.
    case malformedHeader(path: String, reason: String)
    /// A tensor's entry is invalid: unknown dtype, bad shape, bad or overlapping data offsets.
    case invalidTensor(path: String, tensor: String, reason: String)
    /// A `__metadata__` entry is invalid, or a metadata key the bundle needs is missing or wrong.
    case invalidMetadata(path: String, key: String, reason: String)
    /// The Kokoro config (the `config` metadata entry) is not valid JSON or misses or breaks a field.
    case invalidConfig(path: String, reason: String)
    /// A tensor that was asked for, or that the model needs, is not in the file.
    case missingTensor(path: String, tensor: String)
    /// A tensor exists but does not have the shape the model needs.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// The file holds a tensor that the model does not have (a sign of a wrong or stale converter).
    case unexpectedTensor(path: String, tensor: String)
    /// A voice name is not in the voices file; `available` lists the names that are.
    case unknownVoice(path: String, voice: String, available: [String])

    /// The file the error is about.
    public var path: String {
        switch self {
        case .cannotOpen(let path, _), .malformedFile(let path, _), .malformedHeader(let path, _),
             .invalidTensor(let path, _, _), .invalidMetadata(let path, _, _),
             .invalidConfig(let path, _), .missingTensor(let path, _),
             .shapeMismatch(let path, _, _, _), .unexpectedTensor(let path, _),
             .unknownVoice(let path, _, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open: \(reason)"
        case .malformedFile(let path, let reason):
            return "\(path): not a safetensors file: \(reason)"
        case .malformedHeader(let path, let reason):
            return "\(path): malformed safetensors header: \(reason)"
        case .invalidTensor(let path, let tensor, let reason):
            return "\(path): tensor \(quoted(tensor)): \(reason)"
        case .invalidMetadata(let path, let key, let reason):
            return "\(path): metadata \(quoted(key)): \(reason)"
        case .invalidConfig(let path, let reason):
            return "\(path): invalid Kokoro config: \(reason)"
        case .missingTensor(let path, let tensor):
            return "\(path): no tensor named \(quoted(tensor))"
        case .shapeMismatch(let path, let tensor, let expected, let found):
            return "\(path): tensor \(quoted(tensor)): shape \(formatShape(found)) does not match the expected \(formatShape(expected))"
        case .unexpectedTensor(let path, let tensor):
            return "\(path): unexpected tensor \(quoted(tensor)) (not part of the Kokoro v1.0 model)"
        case .unknownVoice(let path, let voice, let available):
            return "\(path): unknown voice \(quoted(voice)); available voices: \(formatNameList(available))"
        }
    }
}
