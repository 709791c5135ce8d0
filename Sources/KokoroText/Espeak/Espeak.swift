// espeak-ng, opened at run time with dlopen so libkokoro.so never links GPL code. Everything here
// reproduces what misaki 0.9.4 gets from phonemizer's EspeakBackend(language,
// preserve_punctuation=True, with_stress=True, tie='^'); misaki's mapping of that IPA into
// Kokoro's phoneme set lives in EspeakEnglishFallback.swift and EspeakG2P.swift.

#if canImport(Glibc)
import Glibc
#endif

/// One loaded libespeak-ng. espeak-ng keeps global state, so every use goes through one lock.
public final class EspeakLibrary: @unchecked Sendable {
    /// espeak-ng's version string ("1.51").
    public let version: String
    /// What was passed to dlopen.
    public let libraryPath: String

    private let entryPoints: EspeakEntryPoints
    /// phonemizer's voice table: language code -> identifier of the first voice (in
    /// espeak_ListVoices order) whose first language it is, as EspeakWrapper.set_voice builds it.
    private let voiceIdentifiers: [String: String]
    /// The voice espeak-ng has selected now; switched only when a call asks for another one.
    private var selectedVoice: String?

    private init(libraryPath: String, version: String, entryPoints: EspeakEntryPoints, voiceIdentifiers: [String: String]) {
        self.libraryPath = libraryPath
        self.version = version
        self.entryPoints = entryPoints
        self.voiceIdentifiers = voiceIdentifiers
    }

    /// Opens libespeak-ng.so.1 (or `KOKORO_ESPEAK_LIBRARY`, a path; "none" disables espeak-ng)
    /// and initialises it with its default data directory. Throws `TextError.espeakUnavailable`
    /// with the reason (not installed, symbol missing, init failed) and how to install it.
    public static func shared() throws -> EspeakLibrary {
        let library = environment("KOKORO_ESPEAK_LIBRARY")
        if library == "none" {
            throw TextError.espeakUnavailable("espeak-ng is turned off (KOKORO_ESPEAK_LIBRARY=none); to use it, unset that and \(installHint)")
        }
        return try load(libraryPath: library ?? defaultLibraryName, dataPath: environment("KOKORO_ESPEAK_DATA"))
    }

    /// espeak-ng's IPA for `text` in `voice` ("en-us", "fr-fr", ...), as phonemizer's
    /// EspeakBackend(language, preserve_punctuation=True, with_stress=True, tie='^') returns it.
    /// Throws `TextError.espeakFailed` for a voice espeak-ng does not have.
    public func ipa(_ text: String, voice: String) throws -> String {
        try phonemize(text, voice: voice, removeLanguageFlags: false) ?? ""
    }

    /// `EspeakBackend(voice, ..., language_switch=...).phonemize([text])`: nil where phonemizer
    /// returns an empty list (text that is empty once split at punctuation), else its one line.
    /// `removeLanguageFlags` is language_switch='remove-flags' (drops espeak-ng's "(en)" marks).
    func phonemize(_ text: String, voice: String, removeLanguageFlags: Bool) throws -> String? {
        let (pieces, marks) = PhonemizerText.splitAtPunctuation(Array(text.unicodeScalars))
        let phonemized: [[Unicode.Scalar]] = try Self.withLock {
            // phonemizer selects the voice when the backend is made, so a bad one fails even
            // for empty text.
            try selectVoice(voice)
            return try pieces.map { piece in
                PhonemizerText.postprocess(try clausePhonemes(CodePointText(piece).string), removeLanguageFlags: removeLanguageFlags, tie: "^")
            }
        }
        return PhonemizerText.restore(phonemized, marks).first.map { CodePointText($0).string }
    }

    // MARK: - espeak-ng calls (all under the lock)

    private func selectVoice(_ voice: String) throws {
        if selectedVoice == voice { return }
        guard let identifier = voiceIdentifiers[voice] else {
            let known = ["en-us", "en-gb", "es", "fr-fr", "hi", "it", "pt-br"].filter { voiceIdentifiers[$0] != nil }
            throw TextError.espeakFailed("espeak-ng \(version) has no voice \"\(voice)\" (it has \(voiceIdentifiers.count) voices, among them \(known.joined(separator: ", ")))")
        }
        selectedVoice = nil
        let status = identifier.withCString { entryPoints.setVoiceByName($0) }
        guard status == 0 else {
            throw TextError.espeakFailed("espeak-ng could not load voice \"\(voice)\" (\(identifier)): espeak_SetVoiceByName returned \(status)")
        }
        selectedVoice = voice
    }

    /// espeak_TextToPhonemes over the whole text: it translates one clause per call and moves the
    /// text pointer on, setting it to NULL at the end. Outputs are joined by spaces, empty ones
    /// skipped, as phonemizer's EspeakWrapper.text_to_phonemes does.
    private func clausePhonemes(_ text: String) throws -> [Unicode.Scalar] {
        // UTF-8 input; IPA output with U+0361 tying the letters of one phoneme (phonemizer's
        // mode for tie=True; postprocess swaps in '^').
        let utf8TextMode: Int32 = 1
        let ipaWithTieMode: Int32 = 0x02 | 0x80 | (0x361 << 8)
        // A C string: espeak-ng stops at the first NUL, as it does for phonemizer.
        let bytes = Array(text.utf8CString)
        return try bytes.withUnsafeBufferPointer { buffer -> [Unicode.Scalar] in
            let start = UnsafeRawPointer(buffer.baseAddress!)
            let end = start + buffer.count
            var cursor: UnsafeRawPointer? = start
            var clauses: [Unicode.Scalar] = []
            // Each call consumes at least one byte, so this bounds the loop even if a broken
            // library stopped advancing the pointer without the check below noticing.
            var callsLeft = buffer.count + 1
            while let position = cursor {
                guard callsLeft > 0, position >= start, position < end else {
                    throw TextError.espeakFailed("espeak_TextToPhonemes did not finish the text (stopped at byte \(position - start) of \(buffer.count - 1))")
                }
                callsLeft -= 1
                let output = entryPoints.textToPhonemes(&cursor, utf8TextMode, ipaWithTieMode)
                if let output, output.pointee != 0 {
                    if !clauses.isEmpty { clauses.append(" ") }
                    clauses.append(contentsOf: String(cString: output).unicodeScalars)
                }
                if let next = cursor, next == position {
                    throw TextError.espeakFailed("espeak_TextToPhonemes made no progress at byte \(position - start) of \(buffer.count - 1)")
                }
            }
            return clauses
        }
    }

    // MARK: - Loading

    private static let defaultLibraryName = "libespeak-ng.so.1"
    private static let installHint = "install espeak-ng's library (Debian/Ubuntu: apt install libespeak-ng1; Fedora: dnf install espeak-ng; `make deps` does it) or set KOKORO_ESPEAK_LIBRARY to its path"

    /// One lock for every espeak-ng call and for loading: the library's state is process-wide.
    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()

    private static func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body()
    }

    /// Loaded libraries by dlopen handle: two paths to the same file give the same handle, and
    /// so the same (already initialised) library state. Guarded by `lock`.
    nonisolated(unsafe) private static var loaded: [UnsafeMutableRawPointer: EspeakLibrary] = [:]

    /// Loads and initialises `libraryPath` (a file name for the dynamic loader's search, or a
    /// path) with espeak-ng-data from `dataPath` (nil: espeak-ng's default). A library that is
    /// already loaded keeps the data it was initialised with: espeak-ng has one set per process.
    static func load(libraryPath: String, dataPath: String?) throws -> EspeakLibrary {
        if let dataPath {
            // espeak-ng quietly falls back to its default data when the path is not a directory;
            // a path someone set on purpose should fail loudly instead.
            guard let directory = opendir(dataPath) else {
                throw TextError.espeakUnavailable("KOKORO_ESPEAK_DATA=\(dataPath) is not a readable directory (it should be espeak-ng-data or the folder holding it)")
            }
            closedir(directory)
        }
        return try withLock {
            guard let handle = dlopen(libraryPath, RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
                throw TextError.espeakUnavailable("espeak-ng could not be loaded (\(reason)); \(installHint)")
            }
            if let library = loaded[handle] {
                dlclose(handle)
                return library
            }
            do {
                let library = try initialize(handle: handle, libraryPath: libraryPath, dataPath: dataPath)
                loaded[handle] = library
                return library
            } catch {
                dlclose(handle)
                throw error
            }
        }
    }

    private static func initialize(handle: UnsafeMutableRawPointer, libraryPath: String, dataPath: String?) throws -> EspeakLibrary {
        let entryPoints = try EspeakEntryPoints(handle: handle, libraryPath: libraryPath)
        // espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path, 0) as phonemizer calls it, made
        // of its parts: on a data error espeak_Initialize calls exit(1) (or, told not to, returns
        // as if it had worked), while espeak_ng_Initialize reports the error to us.
        if let dataPath { dataPath.withCString { entryPoints.initializePath($0) } } else { entryPoints.initializePath(nil) }
        var context: OpaquePointer? = nil
        let status = entryPoints.initialize(&context)
        if context != nil { entryPoints.clearErrorContext(&context) }
        guard status == 0 else {
            throw TextError.espeakUnavailable("espeak-ng (\(libraryPath)) failed to initialise: \(entryPoints.statusMessage(status)) (is espeak-ng-data installed? the Debian package is espeak-ng-data; KOKORO_ESPEAK_DATA overrides its location)")
        }
        let synchronousOutput: Int32 = 1
        let outputStatus = entryPoints.initializeOutput(synchronousOutput, 0, nil)
        guard outputStatus == 0 else {
            throw TextError.espeakUnavailable("espeak-ng (\(libraryPath)) failed to set up its output: \(entryPoints.statusMessage(outputStatus))")
        }

        var dataDirectory: UnsafePointer<CChar>? = nil
        let version = entryPoints.info(&dataDirectory).map { String(cString: $0) } ?? "unknown"
        let voices = entryPoints.voiceIdentifiersByLanguage()
        guard !voices.isEmpty else {
            let directory = dataDirectory.map { String(cString: $0) } ?? "its data directory"
            throw TextError.espeakUnavailable("espeak-ng \(version) (\(libraryPath)) lists no voices in \(directory); install espeak-ng-data")
        }
        return EspeakLibrary(libraryPath: libraryPath, version: version, entryPoints: entryPoints, voiceIdentifiers: voices)
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
