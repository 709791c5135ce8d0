// misaki's English G2P driver (misaki/en.py class G2P) without spaCy: tokenise, guess tags, merge
// and split tokens as misaki does, resolve each word right to left with the lexicon, then the
// fallback for words the lexicon lacks.
// STUB: being written (issue 6); the API below is final.

/// English text -> Kokoro phonemes, as misaki 0.9.4's `en.G2P` (version 1.0 output: ɾ -> T, ʔ -> t).
final class EnglishG2P {
    /// Pronounces one out-of-vocabulary word (the token's text, e.g. "Zyzzyva"); returns Kokoro
    /// phonemes or nil. misaki's EspeakFallback plays this role; see EspeakEnglishFallback.
    typealias Fallback = (String) -> String?

    let lexicon: EnglishLexicon
    let fallback: Fallback?

    init(lexicon: EnglishLexicon, fallback: Fallback?) {
        self.lexicon = lexicon
        self.fallback = fallback
    }

    /// The phonemes of `text`: misaki's `G2P(text)[0]`. Words neither the lexicon nor the fallback
    /// can pronounce are spelled letter by letter (Latin letters, accents stripped); a word with
    /// letters that still has no pronunciation throws `TextError.unpronounceable` naming it.
    /// Symbols and emoji that are not words are dropped, as misaki drops them.
    func phonemize(_ text: String) throws -> String { "" }
}
