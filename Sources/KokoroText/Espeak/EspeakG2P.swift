// misaki 0.9.4's EspeakG2P (misaki/espeak.py, version None as Kokoro-82M v1.0 uses it): text in
// Spanish, French, Hindi, Italian or Brazilian Portuguese, spoken by espeak-ng and rewritten into
// Kokoro's phoneme set.

/// misaki's EspeakG2P: text in another language -> Kokoro phonemes through espeak-ng.
struct EspeakG2P {
    let library: EspeakLibrary
    /// espeak-ng voice: "es", "fr-fr", "hi", "it", "pt-br".
    let voice: String

    /// espeak-ng's tied phonemes -> Kokoro's single letters, in misaki's (sorted) order.
    private static let ipaToKokoro: [(String, String)] = [
        ("a^ɪ", "I"), ("a^ʊ", "W"), ("d^z", "ʣ"), ("d^ʒ", "ʤ"), ("e^ɪ", "A"), ("o^ʊ", "O"),
        ("s^s", "S"), ("t^s", "ʦ"), ("t^ʃ", "ʧ"), ("ɔ^ɪ", "Y"), ("ə^ʊ", "Q"),
    ]

    /// Throws `TextError.espeakFailed` when espeak-ng lacks the voice or fails on the text.
    func phonemize(_ text: String) throws -> String {
        // Parentheses become «» on the way in (phonemizer keeps those as punctuation, and they
        // come back as parentheses below); real «» become curly quotes so they are not confused.
        let marked = CodePointText(text)
            .replacing("«", with: "\u{201C}")
            .replacing("»", with: "\u{201D}")
            .replacing("(", with: "«")
            .replacing(")", with: "»")
        guard let ipa = try library.phonemize(marked.string, voice: voice, removeLanguageFlags: true) else { return "" }
        var phonemes = CodePointText(ipa).strippingWhitespace()
        for (espeak, kokoro) in Self.ipaToKokoro { phonemes = phonemes.replacing(espeak, with: kokoro) }
        // Leftover ties and espeak-ng's hyphens (between parts of compounds) have no Kokoro phoneme.
        return phonemes.replacing("^", with: "")
            .replacing("-", with: "")
            .replacing("«", with: "(")
            .replacing("»", with: ")")
            .string
    }
}
