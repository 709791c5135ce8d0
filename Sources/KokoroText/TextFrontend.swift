import Glibc

/// A language libkokoro speaks, and how: English through misaki's lexicons and rules (espeak-ng
/// for words they lack), the others through espeak-ng alone, as Kokoro's own pipeline does.
public enum TextLanguage: String, CaseIterable, Sendable {
    case americanEnglish = "en-us"
    case britishEnglish = "en-gb"
    case spanish = "es"
    case french = "fr"
    case hindi = "hi"
    case italian = "it"
    case brazilianPortuguese = "pt-br"
    /// Kokoro speaks these with G2Ps libkokoro does not have (misaki's pyopenjtalk / jieba
    /// pipelines): phonemize(_:language:) refuses them with a clear error.
    case japanese = "ja"
    case chinese = "zh"

    /// The language a code names: "en-us", "EN_GB", "fr-fr", "pt" ... (case and "_" vs "-" are
    /// free; "en" is American English); nil for a code libkokoro does not know at all.
    public init?(code: String) {
        let normalized = String(code.lowercased().map { $0 == "_" ? "-" : $0 })
        switch normalized {
        case "en", "en-us", "a": self = .americanEnglish
        case "en-gb", "b": self = .britishEnglish
        case "es", "es-es", "e": self = .spanish
        case "fr", "fr-fr", "f": self = .french
        case "hi", "hi-in", "h": self = .hindi
        case "it", "it-it", "i": self = .italian
        case "pt", "pt-br", "p": self = .brazilianPortuguese
        case "ja", "ja-jp", "j": self = .japanese
        case "zh", "zh-cn", "cmn", "z": self = .chinese
        default: return nil
        }
    }

    /// The codes `init(code:)` documents, for error messages.
    public static let supportedCodes = "en-us (default), en-gb, es, fr, hi, it, pt-br"

    /// The espeak-ng voice misaki uses for this language (kokoro's pipeline: 'e' -> es, 'f' -> fr-fr,
    /// 'h' -> hi, 'i' -> it, 'p' -> pt-br); English uses en-us / en-gb for unknown words only.
    var espeakVoice: String? {
        switch self {
        case .americanEnglish: return "en-us"
        case .britishEnglish: return "en-gb"
        case .spanish: return "es"
        case .french: return "fr-fr"
        case .hindi: return "hi"
        case .italian: return "it"
        case .brazilianPortuguese: return "pt-br"
        case .japanese, .chinese: return nil
        }
    }
}

/// Text -> Kokoro phonemes for every language libkokoro speaks. Lexicons and espeak-ng are loaded
/// on first use (and kept), so an engine that only ever gets phonemes never reads them.
/// Not thread-safe: one engine, one thread at a time (espeak-ng itself is serialised inside).
public final class TextFrontend {
    /// Directory holding misaki's lexicons ({us,gb}_{gold,silver}.json).
    public let lexiconDirectory: String
    private var englishG2Ps: [Bool: EnglishG2P] = [:]
    private var espeakResult: Result<EspeakLibrary, TextError>? = nil

    public init(lexiconDirectory: String) {
        self.lexiconDirectory = lexiconDirectory
    }

    /// The phonemes of `text`, one string per paragraph (lines separated by one or more line
    /// breaks, as Kokoro's pipeline splits them; blank paragraphs are dropped). Throws TextError:
    /// `.unsupportedLanguage` for Japanese and Chinese, `.espeakUnavailable` for a language that
    /// needs espeak-ng when it is not installed, `.lexicon`, `.unpronounceable`.
    public func phonemize(_ text: String, language: TextLanguage) throws -> [String] {
        let paragraphs = Self.paragraphs(of: text)
        switch language {
        case .japanese, .chinese:
            throw TextError.unsupportedLanguage(
                "\(language == .japanese ? "Japanese" : "Chinese") text needs a G2P libkokoro does not have yet (Kokoro uses "
                + "misaki's \(language == .japanese ? "pyopenjtalk" : "jieba/pypinyin") pipeline for it); pass phonemes with "
                + "KOKORO_INPUT_PHONEMES, or one of: \(TextLanguage.supportedCodes)")
        case .americanEnglish, .britishEnglish:
            let g2p = try english(british: language == .britishEnglish)
            return try paragraphs.map { try g2p.phonemize($0) }.filter(Self.hasPhonemes)
        case .spanish, .french, .hindi, .italian, .brazilianPortuguese:
            let library: EspeakLibrary
            do {
                library = try espeak()
            } catch let error as TextError {
                throw TextError.espeakUnavailable("language \"\(language.rawValue)\" is spoken through espeak-ng, which is not available: \(error)")
            }
            let g2p = EspeakG2P(library: library, voice: language.espeakVoice!)
            return try paragraphs.map { try g2p.phonemize($0) }.filter(Self.hasPhonemes)
        }
    }

    /// Loads what `language` needs now (lexicons, espeak-ng) so the first real call does not pay
    /// for it. Errors are those phonemize would throw.
    public func prepare(_ language: TextLanguage) throws {
        _ = try phonemize("a", language: language)
    }

    /// Whether espeak-ng could be loaded (it serves English words outside the lexicons and the
    /// non-English languages).
    public var hasEspeak: Bool { (try? espeak()) != nil }

    private func english(british: Bool) throws -> EnglishG2P {
        if let g2p = englishG2Ps[british] { return g2p }
        let lexicon = try EnglishLexicon(directory: lexiconDirectory, british: british)
        var fallback: EnglishG2P.Fallback? = nil
        if let library = try? espeak() {
            let espeakFallback = EspeakEnglishFallback(library: library, british: british)
            fallback = { espeakFallback.phonemes($0) }
        }
        let g2p = EnglishG2P(lexicon: lexicon, fallback: fallback)
        englishG2Ps[british] = g2p
        return g2p
    }

    /// espeak-ng, loaded once; a failure is remembered (and reported the same way each time).
    private func espeak() throws -> EspeakLibrary {
        if espeakResult == nil {
            do {
                espeakResult = .success(try EspeakLibrary.shared())
            } catch let error as TextError {
                espeakResult = .failure(error)
            } catch {
                espeakResult = .failure(.espeakUnavailable("\(error)"))
            }
        }
        return try espeakResult!.get()
    }

    /// Whether a paragraph's phonemes hold more than spaces (zero-width characters become nothing).
    private static func hasPhonemes(_ phonemes: String) -> Bool { phonemes.contains { !$0.isWhitespace } }

    /// Non-empty lines: Kokoro's pipeline splits text at runs of line breaks ("\n+") and phonemizes
    /// each piece separately. "\r\n", "\r" and the Unicode line/paragraph separators count too.
    static func paragraphs(of text: String) -> [String] {
        text.split(whereSeparator: { $0.isNewline }).map(String.init)
            .filter { line in line.contains { !$0.isWhitespace } }
    }
}
