// espeak-ng, opened at run time with dlopen so libkokoro.so never links GPL code, and misaki's
// mapping of its IPA into Kokoro's phoneme set.
// STUB: being written (issue 6); the API below is final.

/// One loaded libespeak-ng. espeak-ng keeps global state, so every use goes through one lock.
public final class EspeakLibrary {
    /// Opens libespeak-ng.so.1 (or `KOKORO_ESPEAK_LIBRARY`, a path; "none" disables espeak-ng)
    /// and initialises it with its default data directory. Throws `TextError.espeakUnavailable`
    /// with the reason (not installed, symbol missing, init failed) and how to install it.
    public static func shared() throws -> EspeakLibrary { throw TextError.espeakUnavailable("espeak-ng support is not built yet") }

    /// espeak-ng's IPA for `text` in `voice` ("en-us", "fr-fr", ...), as phonemizer's
    /// EspeakBackend(language, preserve_punctuation=True, with_stress=True, tie='^') returns it.
    public func ipa(_ text: String, voice: String) throws -> String { "" }
}

/// misaki's EspeakFallback: one English word -> Kokoro phonemes through espeak-ng.
struct EspeakEnglishFallback {
    let library: EspeakLibrary
    let british: Bool
    func phonemes(_ word: String) -> String? { nil }
}

/// misaki's EspeakG2P: text in another language -> Kokoro phonemes through espeak-ng.
struct EspeakG2P {
    let library: EspeakLibrary
    /// espeak-ng voice: "es", "fr-fr", "hi", "it", "pt-br".
    let voice: String
    func phonemize(_ text: String) throws -> String { "" }
}
