import Glibc
import KokoroModel
import KokoroText
import VulkanCompute

/// What an engine is created from; the Swift form of kokoro_config.
public struct EngineConfiguration {
    /// The bundle's model .safetensors file.
    public var modelPath: String
    /// The voices .safetensors file; nil = voices.safetensors in the model's directory.
    public var voicesPath: String?
    /// Index into `availableDevices()`; nil = KOKORO_VULKAN_DEVICE if set, else the best device.
    public var deviceIndex: Int?
    /// Where the Vulkan pipeline cache lives (created if missing); nil = no cache.
    public var cacheDirectory: String?

    public init(modelPath: String, voicesPath: String? = nil, deviceIndex: Int? = nil, cacheDirectory: String? = nil) {
        self.modelPath = modelPath
        self.voicesPath = voicesPath
        self.deviceIndex = deviceIndex
        self.cacheDirectory = cacheDirectory
    }
}

/// One Vulkan device plus one model: the object behind a kokoro_engine handle.
/// Use from one thread at a time; separate engines are independent.
public final class Engine {
    public let configuration: EngineConfiguration
    let device: ComputeDevice
    let bundle: ModelBundle
    let voiceBank: VoiceBank
    let synthesizer: Synthesizer
    /// Plain text -> phonemes; lexicons (the bundle's lexicons/ folder) load on first use.
    let textFrontend: TextFrontend
    /// Every voice of the voices file, sorted by name.
    public let voices: [String]
    /// The voice used when the options name none: jf_alpha when present, else the first by name.
    public let defaultVoice: String
    /// Set when the device was lost: every later call fails with the same error.
    private var lostDevice: VulkanError? = nil

    /// Samples per second of all audio (float32 mono).
    public static let sampleRate = Synthesizer.sampleRate
    /// Samples per frame of the model: every chunk's audio is a multiple of this.
    public static let samplesPerFrame = Synthesizer.samplesPerFrame

    /// The voice preferred as the default when the voices file has it.
    public static let preferredDefaultVoice = "jf_alpha"

    /// Validates the configuration, opens the Vulkan device, then opens and validates the model
    /// bundle and the voices file and uploads every weight.
    /// Throws `KokoroError` (`.model` for any file problem) or `VulkanError`.
    public init(_ configuration: EngineConfiguration) throws {
        if configuration.modelPath.isEmpty {
            throw KokoroError.invalidArgument("model_path is empty; set it to the bundle's model .safetensors file")
        }
        if let index = configuration.deviceIndex, index < 0 {
            throw KokoroError.invalidArgument("device_index \(index) is negative (use -1 to let libkokoro choose)")
        }
        if configuration.voicesPath?.isEmpty == true {
            throw KokoroError.invalidArgument("voices_path is empty (use NULL for voices.safetensors beside the model)")
        }
        if let directory = configuration.cacheDirectory {
            try makeDirectory(directory)
        }
        self.configuration = configuration
        do {
            device = try ComputeDevice(deviceIndex: configuration.deviceIndex,
                                       pipelineCacheDirectory: configuration.cacheDirectory)
        } catch let error as VulkanError {
            throw KokoroError.openingDevice(error)
        }
        let voicesPath = configuration.voicesPath ?? siblingPath(of: configuration.modelPath, named: "voices.safetensors")
        textFrontend = TextFrontend(lexiconDirectory: siblingPath(of: configuration.modelPath, named: "lexicons"))
        do {
            try rejectDirectory(configuration.modelPath, role: "model")
            bundle = try ModelBundle(path: configuration.modelPath)
            try rejectDirectory(voicesPath, role: "voices")
            voiceBank = try VoiceBank(path: voicesPath)
            guard let first = voiceBank.names.first else {
                throw KokoroError.model("\(voicesPath): the voices file holds no voices")
            }
            voices = voiceBank.names
            defaultVoice = voiceBank.contains(Self.preferredDefaultVoice) ? Self.preferredDefaultVoice : first
            let weights = try WeightStore(device: device, bundle: bundle)
            synthesizer = try Synthesizer(weights: weights, bucketing: try Self.frameBucketingOverride())
        } catch let error as ModelFileError {
            throw KokoroError.model(error.description)
        }
        Log.info("engine created on \(device.capabilities.description); model \(configuration.modelPath), "
                 + "voices \(voicesPath) (\(voices.count): \(voices.joined(separator: ", ")))")
    }

    /// KOKORO_FRAME_BUCKETS=on|off overrides the device's default (on for GPUs, off for CPU
    /// drivers, where padding costs more compute than reusing recordings saves).
    static func frameBucketingOverride() throws -> Bool? {
        guard let raw = getenv("KOKORO_FRAME_BUCKETS") else { return nil }
        switch String(cString: raw).lowercased() {
        case "", "default": return nil
        case "on", "1", "yes": return true
        case "off", "0", "no": return false
        case let other: throw KokoroError.invalidArgument("KOKORO_FRAME_BUCKETS is \"\(other)\"; use on or off")
        }
    }

    /// The Vulkan device's name, as the driver reports it.
    public var deviceName: String { device.capabilities.name }

    /// The device's name, type and the features kernels choose variants by.
    public var deviceDescription: String { device.capabilities.description }

    /// The model's phoneme vocabulary (symbol -> token id).
    public var vocabulary: [String: Int] { bundle.config.vocab }

    // MARK: - Synthesis

    /// Speaks `text` and returns the audio (float32 mono, 24 kHz). With `onChunk`, each chunk's
    /// audio goes to it as soon as it is ready instead, and the result is empty; `onChunk` returns
    /// false to stop, which throws `KokoroError.cancelled`.
    /// Throws `KokoroError` (invalid argument, unknown voice, phonemize, cancelled) or `VulkanError`.
    public func synthesize(_ text: String, options: SynthesisOptions = SynthesisOptions(),
                           onChunk: ((UnsafeBufferPointer<Float>) -> Bool)? = nil) throws -> [Float] {
        try checkDevice()
        let chunks = try plan(text, options: options)
        var audio: [Float] = []
        for (index, chunk) in chunks.enumerated() {
            let samples = try guardDevice {
                try synthesizer.synthesize(tokens: chunk.tokens, style: chunk.style, speed: options.speed,
                                           noiseScale: options.noiseScale, seed: chunk.seed)
            }
            Log.debug("chunk \(index + 1)/\(chunks.count): \(chunk.phonemeCount) phonemes -> \(samples.count) samples")
            if let onChunk {
                let proceed = samples.withUnsafeBufferPointer { onChunk($0) }
                if !proceed {
                    throw KokoroError.cancelled("cancelled by the audio callback after chunk \(index + 1) of \(chunks.count)")
                }
            } else {
                audio += samples
            }
        }
        return audio
    }

    /// Runs the network once on representative inputs so every pipeline exists and has been
    /// dispatched before the first real call.
    public func warm() throws {
        try checkDevice()
        // The English lexicons (and espeak-ng) load here rather than in the first call; an engine
        // used for phonemes only does not need them, so their absence is only logged.
        do {
            try textFrontend.prepare(.americanEnglish)
        } catch {
            Log.warn("warm: plain English text will not work: \(error)")
        }
        for phonemes in Self.warmUpInputs {
            _ = try synthesize(phonemes, options: SynthesisOptions(input: .phonemes, seed: 0, noiseScale: 1))
        }
    }

    /// A short and a sentence-long input: every kernel, and the size-dependent variants of both.
    static let warmUpInputs = ["hˈI", "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ."]

    /// The token ids of each chunk that phoneme input becomes, boundary zeros included
    /// ([0, ids..., 0]): what the network receives, for tools that feed other runtimes the same.
    public func phonemeChunks(_ phonemes: String) throws -> [[Int]] {
        try plan(phonemes, options: SynthesisOptions(input: .phonemes)).map(\.tokens)
    }

    /// One chunk ready for the network.
    struct PlannedChunk {
        /// Token ids with the boundary zeros: [0, ids..., 0].
        let tokens: [Int]
        /// The voice's style row for this chunk's length (256 values).
        let style: [Float]
        /// The generator's seed for this chunk (options.seed + chunk index).
        let seed: UInt64
        var phonemeCount: Int { tokens.count - 2 }
    }

    /// Checks the options and the input and turns them into chunks: no GPU work.
    func plan(_ text: String, options: SynthesisOptions) throws -> [PlannedChunk] {
        try options.validate()
        if text.isEmpty { throw KokoroError.invalidArgument("text is empty") }
        let blend = try VoiceBlend(parsing: options.voice ?? defaultVoice)
        let unknown = blend.unknownNames(in: voiceBank)
        if !unknown.isEmpty {
            let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
            throw KokoroError.unknownVoice("unknown voice\(unknown.count > 1 ? "s" : "") \(names); "
                                           + "available voices: \(voices.joined(separator: ", "))")
        }
        return try phonemeChunks(text, options: options).enumerated().map { index, chunk in
            PlannedChunk(tokens: [0] + chunk.map { bundle.config.tokenID(for: $0)! } + [0],
                         style: try blend.style(from: voiceBank, phonemeCount: chunk.count),
                         seed: options.seed &+ UInt64(index))
        }
    }

    /// The phonemes of each chunk `text` becomes (what `synthesize` would speak, chunk by chunk),
    /// for kokoro_phonemize. Throws `.invalidArgument` for empty text, `.phonemize` when nothing
    /// is left to speak or the text cannot be phonemised.
    public func phonemize(_ text: String, options: SynthesisOptions = SynthesisOptions()) throws -> [String] {
        try options.validate()
        if text.isEmpty { throw KokoroError.invalidArgument("text is empty") }
        return try phonemeChunks(text, options: options).map { String(String.UnicodeScalarView($0)) }
    }

    /// Text (through the G2P) or phonemes -> chunks of at most 510 vocabulary symbols. A paragraph
    /// (text between line breaks) never shares a chunk with the next, as in Kokoro's pipeline.
    private func phonemeChunks(_ text: String, options: SynthesisOptions) throws -> [[Unicode.Scalar]] {
        let pieces: [String]
        switch options.input {
        case .phonemes:
            pieces = [text]
        case .text:
            do {
                pieces = try textFrontend.phonemize(text, language: options.language)
            } catch let error as TextError {
                throw KokoroError.phonemize(error.description)
            }
        }
        let chunks = pieces.flatMap { PhonemeChunker.split(vocabularyScalars(of: $0)) }
        if chunks.isEmpty {
            if options.input == .text {
                throw KokoroError.phonemize("the text has nothing to speak (\(text.unicodeScalars.count) code points: no word, "
                                            + "number or punctuation Kokoro pronounces)")
            }
            throw KokoroError.phonemize("no phoneme of the input is in the model's vocabulary (\(text.unicodeScalars.count) "
                                        + "code points, none usable); pass Kokoro phonemes such as \"həlˈO wˈɜɹld.\"")
        }
        return chunks
    }

    /// The scalars of `text` that are in the vocabulary, in order; other whitespace counts as a
    /// space, anything else unknown is dropped (as the reference's tokenizer drops it).
    func vocabularyScalars(of text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.compactMap { scalar in
            let symbol: Unicode.Scalar = scalar.properties.isWhitespace ? " " : scalar
            return bundle.config.tokenID(for: symbol) == nil ? nil : symbol
        }
    }

    private func checkDevice() throws {
        if let lostDevice { throw lostDevice }
    }

    /// Runs `body`; a lost device is remembered so later calls fail fast with the same error.
    private func guardDevice<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VulkanError {
            if case .deviceLost = error { lostDevice = error }
            throw error
        }
    }
}

/// The voices an engine made from this model (and voices file) would offer, and its default
/// voice, without opening a device or loading the weights.
public func voiceList(modelPath: String, voicesPath: String? = nil) throws -> (names: [String], defaultVoice: String) {
    let path = voicesPath ?? siblingPath(of: modelPath, named: "voices.safetensors")
    do {
        try rejectDirectory(path, role: "voices")
        let bank = try VoiceBank(path: path)
        guard let first = bank.names.first else { throw KokoroError.model("\(path): the voices file holds no voices") }
        return (bank.names, bank.contains(Engine.preferredDefaultVoice) ? Engine.preferredDefaultVoice : first)
    } catch let error as ModelFileError {
        throw KokoroError.model(error.description)
    }
}

/// `name` in the directory of `path` ("voices.safetensors" beside "models/kokoro.safetensors").
public func siblingPath(of path: String, named name: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return name }
    return String(path[...slash]) + name
}

/// A directory where a file is expected is a common slip (`models/` for the model file); say so
/// plainly instead of the loader's "not a regular file".
private func rejectDirectory(_ path: String, role: String) throws {
    var info = stat()
    if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        throw KokoroError.model("\(path): is a directory; expected the bundle's \(role) .safetensors file "
                                + "(e.g. models/\(role == "model" ? "kokoro-v1_0" : "voices").safetensors)")
    }
}

/// A Vulkan device as listed by the loader.
public struct VulkanDeviceInfo: CustomStringConvertible {
    public let index: Int
    public let name: String
    /// "discrete GPU", "integrated GPU", "virtual GPU", "CPU" or "other".
    public let type: String
    /// "MAJOR.MINOR" of the Vulkan version the driver supports.
    public let apiVersion: String

    public var description: String { "#\(index) \(name) (\(type), Vulkan \(apiVersion))" }
}

/// Every Vulkan device the loader sees, without opening one.
public func availableDevices() throws -> [VulkanDeviceInfo] {
    do {
        return try ComputeDevice.availableDevices().map {
            VulkanDeviceInfo(index: $0.index, name: $0.name, type: $0.type.description,
                             apiVersion: "\($0.apiVersion >> 22).\(($0.apiVersion >> 12) & 0x3ff)")
        }
    } catch let error as VulkanError {
        throw KokoroError.openingDevice(error)
    }
}

/// Opens the device an engine with this index would use and describes it (name, type, features).
public func describeDevice(index: Int? = nil) throws -> String {
    do {
        return try ComputeDevice(deviceIndex: index).capabilities.description
    } catch let error as VulkanError {
        throw KokoroError.openingDevice(error)
    }
}

/// `mkdir -p`: creates `path` and missing parents; an existing directory is fine.
func makeDirectory(_ path: String) throws {
    if path.isEmpty { throw KokoroError.invalidArgument("cache_dir is empty (use NULL for no cache)") }
    var info = stat()
    if stat(path, &info) == 0 {
        if (info.st_mode & S_IFMT) == S_IFDIR { return }
        throw KokoroError.invalidArgument("cache_dir \"\(path)\" exists and is not a directory")
    }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
        try makeDirectory(String(path[..<slash]))
    }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw KokoroError.invalidArgument("cannot create cache_dir \"\(path)\": \(String(cString: strerror(errno)))")
    }
}
