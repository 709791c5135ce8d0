import CKokoroABI
import KokoroModel
import VulkanCompute

/// Failures of the engine layer. Each case says who is at fault and carries a message for the
/// person reading the log; `kokoroStatus(for:)` turns any error into a C status code.
public enum KokoroError: Error, CustomStringConvertible {
    /// The caller passed something unusable (NULL, bad struct_size, an out-of-range field).
    case invalidArgument(String)
    /// The model or voices file is missing, unreadable or not a model bundle.
    case model(String)
    /// Opening the Vulkan device failed; the underlying error says how.
    case openingDevice(VulkanError)
    /// The requested voice (or one in a blend) is not in the voices file.
    case unknownVoice(String)
    /// The input cannot be turned into phonemes (nothing left to speak, a word that cannot be
    /// pronounced, a language whose G2P is unavailable).
    case phonemize(String)
    /// The caller's audio callback asked to stop.
    case cancelled(String)
    /// A caller's buffer cannot hold the result (kokoro_phonemize).
    case bufferTooSmall(String)
    /// A bug in libkokoro.
    case internalError(String)

    public var description: String {
        switch self {
        case .invalidArgument(let why): return "invalid argument: \(why)"
        case .model(let why), .unknownVoice(let why), .phonemize(let why), .cancelled(let why), .bufferTooSmall(let why): return why
        case .openingDevice(let error): return error.description
        case .internalError(let why): return "internal error: \(why)"
        }
    }
}

/// The one place where errors become `kokoro_status` codes. Every C entry point reports failures
/// through this function, so a status always means the same thing whichever call returned it.
func kokoroStatus(for error: Error) -> (status: kokoro_status, message: String) {
    switch error {
    case let error as KokoroError:
        switch error {
        case .invalidArgument: return (KOKORO_ERR_INVALID_ARGUMENT, error.description)
        case .model: return (KOKORO_ERR_MODEL, error.description)
        case .unknownVoice: return (KOKORO_ERR_UNKNOWN_VOICE, error.description)
        case .phonemize: return (KOKORO_ERR_PHONEMIZE, error.description)
        case .cancelled: return (KOKORO_ERR_CANCELLED, error.description)
        case .bufferTooSmall: return (KOKORO_ERR_BUFFER_TOO_SMALL, error.description)
        case .internalError: return (KOKORO_ERR_INTERNAL, error.description)
        case .openingDevice(let vulkan):
            switch vulkan {
            // While a device is being chosen, the only caller-supplied input the runtime rejects is
            // KOKORO_VULKAN_DEVICE; anywhere else VulkanError.invalidArgument is an internal bug.
            case .invalidArgument: return (KOKORO_ERR_INVALID_ARGUMENT, vulkan.description)
            // A failing call while setting up a device means this device cannot be used.
            case .callFailed: return (KOKORO_ERR_NO_DEVICE, "cannot open the Vulkan device: \(vulkan.description)")
            default: return kokoroStatus(for: vulkan)
            }
        }
    case let error as ModelFileError:
        // The engine turns file problems at create into `.model`; one reaching here came later.
        if case .unknownVoice = error { return (KOKORO_ERR_UNKNOWN_VOICE, error.description) }
        return (KOKORO_ERR_MODEL, error.description)
    case let error as VulkanError:
        switch error {
        case .loaderUnavailable, .noDevice, .deviceIndexOutOfRange, .missingCapability:
            return (KOKORO_ERR_NO_DEVICE, error.description)
        case .outOfMemory: return (KOKORO_ERR_OUT_OF_MEMORY, error.description)
        case .deviceLost: return (KOKORO_ERR_DEVICE_LOST, error.description)
        case .invalidArgument, .callFailed: return (KOKORO_ERR_INTERNAL, "internal error: \(error.description)")
        }
    default:
        return (KOKORO_ERR_INTERNAL, "internal error: \(error)")
    }
}
