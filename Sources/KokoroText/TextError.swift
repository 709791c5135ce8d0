/// Why text could not become phonemes. `Kokoro` maps every case to KOKORO_ERR_PHONEMIZE
/// (or KOKORO_ERR_INVALID_ARGUMENT for `.unsupportedLanguage`), with `description` as the message.
public enum TextError: Error, Equatable, CustomStringConvertible {
    /// The language code is not one libkokoro speaks (or, like "ja" and "zh", not yet).
    case unsupportedLanguage(String)
    /// The language needs espeak-ng and it could not be loaded; the text says why.
    case espeakUnavailable(String)
    /// espeak-ng was loaded but failed on the text.
    case espeakFailed(String)
    /// A lexicon file is missing or malformed.
    case lexicon(String)
    /// A word has letters but no way to pronounce them (no lexicon entry, no espeak-ng, not
    /// spellable); it is named rather than silently dropped.
    case unpronounceable(String)

    public var description: String {
        switch self {
        case .unsupportedLanguage(let message), .espeakUnavailable(let message), .espeakFailed(let message),
             .lexicon(let message), .unpronounceable(let message):
            return message
        }
    }
}
