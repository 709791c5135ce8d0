// misaki 0.9.4's EspeakFallback (misaki/espeak.py): an English word the lexicons lack, spoken by
// espeak-ng and rewritten into Kokoro's English phoneme set.

/// misaki's EspeakFallback: one English word -> Kokoro phonemes through espeak-ng.
struct EspeakEnglishFallback {
    let library: EspeakLibrary
    let british: Bool

    /// espeak-ng IPA -> Kokoro, longest pattern first (misaki sorts its table by length, ties
    /// in table order; the order matters: 'e^ɪ' must win over 'e', 'ʲo' over 'ʲ').
    private static let ipaToKokoro: [(String, String)] = [
        ("ʔˌn\u{329}", "ʔn"), ("ʔn\u{329}", "ʔn"),
        ("a^ɪ", "I"), ("a^ʊ", "W"), ("d^ʒ", "ʤ"), ("e^ɪ", "A"), ("t^ʃ", "ʧ"), ("ɔ^ɪ", "Y"), ("ə^l", "ᵊl"),
        ("ʲo", "jo"), ("ʲə", "jə"),
        ("e", "A"), ("ʲ", ""), ("ɚ", "əɹ"), ("r", "ɹ"), ("x", "k"), ("ç", "k"), ("ɐ", "ə"), ("ɬ", "l"),
        ("\u{303}", ""),
    ]

    /// Kokoro phonemes for `word`, or nil where misaki's fallback returns None (phonemizer gave
    /// nothing back, e.g. for empty text) or espeak-ng failed.
    func phonemes(_ word: String) -> String? {
        guard let ipa = try? library.phonemize(word, voice: british ? "en-gb" : "en-us", removeLanguageFlags: false) else {
            return nil
        }
        var phonemes = CodePointText(ipa).strippingWhitespace()
        for (espeak, kokoro) in Self.ipaToKokoro { phonemes = phonemes.replacing(espeak, with: kokoro) }
        phonemes = Self.syllabicToSchwa(phonemes)
        if british {
            phonemes = phonemes.replacing("e^ə", with: "ɛː")
                .replacing("iə", with: "ɪə")
                .replacing("ə^ʊ", with: "Q")
        } else {
            phonemes = phonemes.replacing("o^ʊ", with: "O")
                .replacing("ɜːɹ", with: "ɜɹ")
                .replacing("ɜː", with: "ɜɹ")
                .replacing("ɪə", with: "iə")
                .replacing("ː", with: "")
        }
        // espeak-ng before 1.52 writes 'o' where Kokoro has 'ɔ'; misaki maps it for every version.
        phonemes = phonemes.replacing("o", with: "ɔ")
        // misaki's version-1.0 phoneme set (the one Kokoro-82M v1.0 uses) has T for the flap and
        // no glottal stop.
        phonemes = phonemes.replacing("ɾ", with: "T").replacing("ʔ", with: "t")
        return phonemes.replacing("^", with: "").string
    }

    /// `re.sub(r'(\S)\u0329', r'ᵊ\1', ps).replace('\u0329', '')`: a syllabic consonant (marked by
    /// a combining vertical line below) becomes schwa + consonant.
    static func syllabicToSchwa(_ phonemes: CodePointText) -> CodePointText {
        let syllabic: Unicode.Scalar = "\u{329}"
        let scalars = phonemes.scalars
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count + 4)
        var index = 0
        while index < scalars.count {
            if index + 1 < scalars.count, scalars[index + 1] == syllabic, !CodePointText.isWhitespace(scalars[index]) {
                result.append("ᵊ")
                result.append(scalars[index])
                index += 2
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return CodePointText(result.filter { $0 != syllabic })
    }
}
