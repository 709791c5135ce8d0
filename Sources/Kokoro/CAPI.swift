// The C ABI of libkokoro: every function declared in include/kokoro.h, and the only @_cdecl
// functions in the project.
//
// Rules for every entry point:
// - NULL pointers and bad fields from the caller are reported as KOKORO_ERR_INVALID_ARGUMENT,
//   never dereferenced, never trapped on.
// - No Swift error crosses the boundary: failures go through `kokoroStatus(for:)` (KokoroError.swift),
//   the single error -> status mapping, and leave their message where the header says it lives.
// - Strings handed to C are owned here: static ones for the process's lifetime, engine ones by the
//   engine's handle, create errors by the calling thread.
import CKokoroABI
import KokoroJSON
import KokoroText
import Glibc
import KokoroModel

// MARK: - Version

let libraryVersion = (major: UInt32(0), minor: UInt32(2), patch: UInt32(0))

/// Returns the library version as MAJOR * 10000 + MINOR * 100 + PATCH.
@_cdecl("kokoro_version")
public func kokoroVersion() -> UInt32 {
    libraryVersion.major * 10000 + libraryVersion.minor * 100 + libraryVersion.patch
}

private let versionString = permanentCString("\(libraryVersion.major).\(libraryVersion.minor).\(libraryVersion.patch)")

/// Returns "MAJOR.MINOR.PATCH" (static storage).
@_cdecl("kokoro_version_string")
public func kokoroVersionString() -> UnsafePointer<CChar> { versionString }

// MARK: - Status

private let statusStrings: [Int32: UnsafePointer<CChar>] = {
    let texts: [(kokoro_status, String)] = [
        (KOKORO_OK, "ok"),
        (KOKORO_ERR_INVALID_ARGUMENT, "invalid argument"),
        (KOKORO_ERR_NO_DEVICE, "no usable Vulkan device"),
        (KOKORO_ERR_MODEL, "bad model file"),
        (KOKORO_ERR_UNKNOWN_VOICE, "unknown voice"),
        (KOKORO_ERR_PHONEMIZE, "text cannot be phonemised"),
        (KOKORO_ERR_OUT_OF_MEMORY, "out of memory"),
        (KOKORO_ERR_DEVICE_LOST, "Vulkan device lost"),
        (KOKORO_ERR_CANCELLED, "cancelled"),
        (KOKORO_ERR_BUFFER_TOO_SMALL, "buffer too small"),
        (KOKORO_ERR_INTERNAL, "internal error"),
    ]
    return Dictionary(uniqueKeysWithValues: texts.map { ($0.0.rawValue, permanentCString($0.1)) })
}()
private let unknownStatusString = permanentCString("unknown status")

/// Returns a constant description of `status`; "unknown status" for codes this version lacks.
@_cdecl("kokoro_status_string")
public func kokoroStatusString(_ status: kokoro_status) -> UnsafePointer<CChar> {
    statusStrings[status.rawValue] ?? unknownStatusString
}

// MARK: - Logging

/// Routes log messages to `callback` (NULL = stderr). The callback and user data are captured
/// together, so a message never pairs one callback with another's user data.
@_cdecl("kokoro_set_log_callback")
public func kokoroSetLogCallback(_ callback: kokoro_log_callback?, _ userData: UnsafeMutableRawPointer?) {
    guard let callback else {
        Log.setHandler(nil)
        return
    }
    Log.setHandler { level, message in
        message.withCString { callback(kokoro_log_level(rawValue: UInt32(level.rawValue)), $0, userData) }
    }
}

// MARK: - Configuration

/// The end of the last field of kokoro_config's first version: the smallest struct_size accepted.
/// (Equal to sizeof(kokoro_config) until fields are added; keep it pointing at cache_dir then.)
let configFirstVersionSize = MemoryLayout<kokoro_config>.offset(of: \kokoro_config.cache_dir)!
    + MemoryLayout<UnsafePointer<CChar>?>.size
/// Anything larger is not a kokoro_config (an uninitialised struct, or a pointer to something else).
let configMaximumSize = 4096

@_cdecl("kokoro_config_default")
public func kokoroConfigDefault() -> kokoro_config {
    var config = kokoro_config()
    config.struct_size = UInt32(MemoryLayout<kokoro_config>.size)
    config.model_path = nil
    config.voices_path = nil
    config.device_index = -1
    config.cache_dir = nil
    return config
}

@_cdecl("kokoro_config_default_by_ref")
public func kokoroConfigDefaultByRef(_ config: UnsafeMutablePointer<kokoro_config>?) -> kokoro_status {
    guard let config else { return KOKORO_ERR_INVALID_ARGUMENT }
    config.pointee = kokoroConfigDefault()
    return KOKORO_OK
}

/// Reads a caller's kokoro_config: only the bytes its struct_size covers, the rest from defaults.
func engineConfiguration(from pointer: UnsafePointer<kokoro_config>) throws -> EngineConfiguration {
    let size = Int(UnsafeRawPointer(pointer).loadUnaligned(as: UInt32.self))
    guard size >= configFirstVersionSize && size <= configMaximumSize else {
        throw KokoroError.invalidArgument(
            "config.struct_size is \(size); expected sizeof(kokoro_config) (\(MemoryLayout<kokoro_config>.size)) "
            + "- start from kokoro_config_default()")
    }
    var config = kokoroConfigDefault()
    withUnsafeMutableBytes(of: &config) { destination in
        destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: min(size, destination.count)))
    }
    func string(_ field: UnsafePointer<CChar>?, _ name: String) throws -> String? {
        guard let field else { return nil }
        guard let value = String(validatingCString: field) else {
            throw KokoroError.invalidArgument("config.\(name) is not valid UTF-8")
        }
        return value
    }
    guard let modelPath = try string(config.model_path, "model_path") else {
        throw KokoroError.invalidArgument("config.model_path is NULL; set it to the bundle's model .safetensors file")
    }
    guard config.device_index >= -1 else {
        throw KokoroError.invalidArgument("config.device_index is \(config.device_index); use -1 to choose, or a device index")
    }
    return EngineConfiguration(modelPath: modelPath,
                               voicesPath: try string(config.voices_path, "voices_path"),
                               deviceIndex: config.device_index == -1 ? nil : Int(config.device_index),
                               cacheDirectory: try string(config.cache_dir, "cache_dir"))
}

// MARK: - Engine

/// What a kokoro_engine pointer points at: the engine plus the C strings the API hands out for it.
final class EngineHandle {
    let engine: Engine
    let deviceName: OwnedCString
    var lastError: OwnedCString? = nil
    /// True while a call on this engine runs (see `run`).
    private var busy = false

    init(_ engine: Engine) {
        self.engine = engine
        deviceName = OwnedCString(engine.deviceName)
    }

    /// Records the outcome of a fallible call on this engine and returns its status.
    func finish(_ error: Error?) -> kokoro_status {
        guard let error else {
            lastError = nil
            return KOKORO_OK
        }
        let (status, message) = kokoroStatus(for: error)
        lastError = OwnedCString(message)
        // Asking for the size with a too-small (or no) buffer is the documented idiom, not a failure.
        if status != KOKORO_ERR_BUFFER_TOO_SMALL { Log.error(message) }
        return status
    }

    /// Runs one fallible call on the engine and records its outcome. A call made on the same engine
    /// while another is in progress (from inside an audio callback) is refused, not run.
    func run(_ body: () throws -> Void) -> kokoro_status {
        if busy {
            return finish(KokoroError.invalidArgument(
                "the engine is busy: an audio callback must not call libkokoro functions on its own engine"))
        }
        busy = true
        defer { busy = false }
        do {
            try body()
            return finish(nil)
        } catch {
            return finish(error)
        }
    }

    static func from(_ pointer: OpaquePointer) -> EngineHandle {
        Unmanaged<EngineHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

@_cdecl("kokoro_create")
public func kokoroCreate(_ config: UnsafePointer<kokoro_config>?,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> kokoro_status {
    out?.pointee = nil
    do {
        guard let out else { throw KokoroError.invalidArgument("out is NULL; pass the address of a kokoro_engine *") }
        guard let config else { throw KokoroError.invalidArgument("config is NULL; start from kokoro_config_default()") }
        let engine = try Engine(try engineConfiguration(from: config))
        out.pointee = OpaquePointer(Unmanaged.passRetained(EngineHandle(engine)).toOpaque())
        CreateError.set(nil)
        return KOKORO_OK
    } catch {
        let (status, message) = kokoroStatus(for: error)
        CreateError.set(message)
        Log.error(message)
        return status
    }
}

@_cdecl("kokoro_last_create_error")
public func kokoroLastCreateError() -> UnsafePointer<CChar> { CreateError.get() }

@_cdecl("kokoro_free")
public func kokoroFree(_ engine: OpaquePointer?) {
    guard let engine else { return }
    Unmanaged<EngineHandle>.fromOpaque(UnsafeRawPointer(engine)).release()
}

private let nullEngineMessage = permanentCString("engine is NULL; for a failed kokoro_create see kokoro_last_create_error()")

@_cdecl("kokoro_last_error")
public func kokoroLastError(_ engine: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let engine else { return nullEngineMessage }
    return EngineHandle.from(engine).lastError?.pointer ?? emptyCString
}

@_cdecl("kokoro_device_name")
public func kokoroDeviceName(_ engine: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let engine else { return emptyCString }
    return EngineHandle.from(engine).deviceName.pointer
}

// MARK: - Synthesis options

/// The end of user_data, the last field of kokoro_synthesis_options' first version (0.1): the
/// smallest struct_size accepted. `language` came in 0.2.
let synthesisOptionsFirstVersionSize = MemoryLayout<kokoro_synthesis_options>.offset(of: \kokoro_synthesis_options.user_data)!
    + MemoryLayout<UnsafeMutableRawPointer?>.size
/// Bits of kokoro_synthesis_options.flags this version knows.
let knownSynthesisFlags = UInt32(KOKORO_INPUT_PHONEMES)

@_cdecl("kokoro_synthesis_options_default")
public func kokoroSynthesisOptionsDefault() -> kokoro_synthesis_options {
    var options = kokoro_synthesis_options()
    options.struct_size = UInt32(MemoryLayout<kokoro_synthesis_options>.size)
    options.voice = nil
    options.speed = 1
    options.flags = 0
    options.seed = 0
    options.noise_scale = 1
    options.on_audio = nil
    options.user_data = nil
    options.language = nil
    return options
}

@_cdecl("kokoro_synthesis_options_default_by_ref")
public func kokoroSynthesisOptionsDefaultByRef(_ options: UnsafeMutablePointer<kokoro_synthesis_options>?) -> kokoro_status {
    guard let options else { return KOKORO_ERR_INVALID_ARGUMENT }
    options.pointee = kokoroSynthesisOptionsDefault()
    return KOKORO_OK
}

/// Reads a caller's kokoro_synthesis_options (NULL = defaults): only the bytes its struct_size
/// covers, the rest from defaults. Returns the Swift options and the callback.
func synthesisOptions(from pointer: UnsafePointer<kokoro_synthesis_options>?) throws
    -> (options: SynthesisOptions, callback: kokoro_audio_callback?, userData: UnsafeMutableRawPointer?) {
    var raw = kokoroSynthesisOptionsDefault()
    if let pointer {
        let size = Int(UnsafeRawPointer(pointer).loadUnaligned(as: UInt32.self))
        guard size >= synthesisOptionsFirstVersionSize && size <= configMaximumSize else {
            throw KokoroError.invalidArgument(
                "options->struct_size is \(size); expected sizeof(kokoro_synthesis_options) "
                + "(\(MemoryLayout<kokoro_synthesis_options>.size)) - start from kokoro_synthesis_options_default()")
        }
        withUnsafeMutableBytes(of: &raw) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: min(size, destination.count)))
        }
    }
    let unknownFlags = raw.flags & ~knownSynthesisFlags
    guard unknownFlags == 0 else {
        throw KokoroError.invalidArgument("options->flags has unknown bits 0x\(String(unknownFlags, radix: 16)); "
                                          + "this version knows KOKORO_INPUT_PHONEMES (0x1)")
    }
    var voice: String? = nil
    if let pointer = raw.voice {
        guard let name = String(validatingCString: pointer) else {
            throw KokoroError.invalidArgument("options->voice is not valid UTF-8")
        }
        guard !name.isEmpty else { throw KokoroError.invalidArgument("options->voice is empty; use NULL for the default voice") }
        voice = name
    }
    var language = TextLanguage.americanEnglish
    if let pointer = raw.language {
        guard let code = String(validatingCString: pointer) else {
            throw KokoroError.invalidArgument("options->language is not valid UTF-8")
        }
        guard let known = TextLanguage(code: code) else {
            throw KokoroError.invalidArgument("options->language \(quoted(code)) is not a language libkokoro knows; "
                                              + "use one of \(TextLanguage.supportedCodes), or NULL for en-us")
        }
        language = known
    }
    let options = SynthesisOptions(voice: voice, speed: raw.speed,
                                   input: raw.flags & UInt32(KOKORO_INPUT_PHONEMES) != 0 ? .phonemes : .text,
                                   seed: raw.seed, noiseScale: raw.noise_scale, language: language)
    try options.validate()
    return (options, raw.on_audio, raw.user_data)
}

// MARK: - Warm-up and synthesis

@_cdecl("kokoro_warm")
public func kokoroWarm(_ engine: OpaquePointer?) -> kokoro_status {
    guard let engine else { return KOKORO_ERR_INVALID_ARGUMENT }
    let handle = EngineHandle.from(engine)
    return handle.run { try handle.engine.warm() }
}

@_cdecl("kokoro_synthesize")
public func kokoroSynthesize(_ engine: OpaquePointer?, _ text: UnsafePointer<CChar>?,
                             _ options: UnsafePointer<kokoro_synthesis_options>?,
                             _ out: UnsafeMutablePointer<kokoro_audio>?) -> kokoro_status {
    out?.pointee = kokoro_audio(samples: nil, sample_count: 0, sample_rate: 0)
    guard let engine else { return KOKORO_ERR_INVALID_ARGUMENT }
    let handle = EngineHandle.from(engine)
    return handle.run {
        guard let text else { throw KokoroError.invalidArgument("text is NULL") }
        let (options, callback, userData) = try synthesisOptions(from: options)
        guard callback != nil || out != nil else {
            throw KokoroError.invalidArgument("out is NULL and options->on_audio is NULL; pass a kokoro_audio to receive the audio, or a callback")
        }
        guard let string = String(validatingCString: text) else {
            throw KokoroError.invalidArgument("text is not valid UTF-8")
        }
        if let callback {
            _ = try handle.engine.synthesize(string, options: options) { chunk in
                callback(chunk.baseAddress, chunk.count, userData) == 0
            }
            return
        }
        let samples = try handle.engine.synthesize(string, options: options)
        guard let out else { return }
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(samples.count, 1))
        samples.withUnsafeBufferPointer { buffer.initialize(from: $0.baseAddress!, count: samples.count) }
        out.pointee = kokoro_audio(samples: buffer, sample_count: samples.count, sample_rate: UInt32(Synthesizer.sampleRate))
    }
}

@_cdecl("kokoro_phonemize")
public func kokoroPhonemize(_ engine: OpaquePointer?, _ text: UnsafePointer<CChar>?,
                            _ options: UnsafePointer<kokoro_synthesis_options>?,
                            _ buffer: UnsafeMutablePointer<CChar>?, _ bufferSize: Int,
                            _ outSize: UnsafeMutablePointer<Int>?) -> kokoro_status {
    outSize?.pointee = 0
    guard let engine else { return KOKORO_ERR_INVALID_ARGUMENT }
    let handle = EngineHandle.from(engine)
    return handle.run {
        guard let text else { throw KokoroError.invalidArgument("text is NULL") }
        guard let outSize else { throw KokoroError.invalidArgument("out_size is NULL; it receives the size the phonemes need") }
        guard buffer != nil || bufferSize == 0 else {
            throw KokoroError.invalidArgument("buffer is NULL but buffer_size is \(bufferSize); pass 0 to ask for the size alone")
        }
        let (options, _, _) = try synthesisOptions(from: options)
        guard let string = String(validatingCString: text) else {
            throw KokoroError.invalidArgument("text is not valid UTF-8")
        }
        let utf8 = Array(try handle.engine.phonemize(string, options: options).joined(separator: "\n").utf8)
        outSize.pointee = utf8.count + 1
        guard let buffer, bufferSize >= utf8.count + 1 else {
            throw KokoroError.bufferTooSmall("the phonemes need \(utf8.count + 1) bytes (with the NUL) and buffer_size is "
                                             + "\(bufferSize); call again with a buffer that large")
        }
        utf8.withUnsafeBufferPointer { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        buffer[utf8.count] = 0
    }
}

@_cdecl("kokoro_audio_free")
public func kokoroAudioFree(_ audio: UnsafeMutablePointer<kokoro_audio>?) {
    guard let audio else { return }
    audio.pointee.samples?.deallocate()
    audio.pointee = kokoro_audio(samples: nil, sample_count: 0, sample_rate: 0)
}

// MARK: - C strings

/// A NUL-terminated copy of a Swift string, freed with its owner.
final class OwnedCString {
    let pointer: UnsafePointer<CChar>

    init(_ text: String) { pointer = UnsafePointer(copyCString(text)) }
    deinit { UnsafeMutablePointer(mutating: pointer).deallocate() }
}

private func copyCString(_ text: String) -> UnsafeMutablePointer<CChar> {
    let utf8 = Array(text.utf8)
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
    for (i, byte) in utf8.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    buffer[utf8.count] = 0
    return buffer
}

/// A C string that lives as long as the process (static answers such as status names).
private func permanentCString(_ text: String) -> UnsafePointer<CChar> { UnsafePointer(copyCString(text)) }

private let emptyCString = permanentCString("")

/// The per-thread message of the latest failed kokoro_create, in thread-specific storage that is
/// freed when the thread exits.
private enum CreateError {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { $0?.deallocate() }
        return key
    }()

    static func set(_ message: String?) {
        let old = pthread_getspecific(key)
        pthread_setspecific(key, message.map { UnsafeRawPointer(copyCString($0)) })
        old?.deallocate()
    }

    static func get() -> UnsafePointer<CChar> {
        pthread_getspecific(key).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } ?? emptyCString
    }
}
