// Phoneme classes and misaki's stress rules (misaki/en.py apply_stress, stress_weight), shared by
// the lexicon and the G2P driver.

enum EnglishPhonemes {
    static let primaryStress: Character = "ˈ"
    static let secondaryStress: Character = "ˌ"
    static let stresses: Set<Character> = ["ˈ", "ˌ"]
    static let vowels: Set<Character> = Set("AIOQWYaiuæɑɒɔəɛɜɪʊʌᵻ")
    static let consonants: Set<Character> = Set("bdfhjklmnpstvwzðŋɡɹɾʃʒʤʧθ")
    /// Diphthongs and affricates weigh 2 when misaki balances stress inside a compound.
    static let diphthongs: Set<Character> = Set("AIOQWYʤʧ")
    /// Vowels before which American English flaps a "t" (-ed, -ing).
    static let usTaus: Set<Character> = Set("AIOWYiuæɑəɛɪɹʊʌ")
    /// Punctuation misaki passes through as phonemes.
    static let punctuation: Set<Character> = Set(";:,.!?—…\"“”")
    static let nonQuotePunctuation: Set<Character> = Set(";:,.!?—…")
    static let usVocabulary: Set<Character> = Set("AIOWYbdfhijklmnpstuvwzæðŋɑɔəɛɜɡɪɹɾʃʊʌʒʤʧˈˌθᵊᵻʔ")
    static let gbVocabulary: Set<Character> = Set("AIQWYabdfhijklmnpstuvwzðŋɑɒɔəɛɜɡɪɹʃʊʌʒʤʧˈˌːθᵊ")

    /// misaki's stress_weight: phoneme count with diphthongs counted twice.
    static func stressWeight(_ phonemes: String?) -> Int {
        guard let phonemes else { return 0 }
        return phonemes.reduce(0) { $0 + (diphthongs.contains($1) ? 2 : 1) }
    }

    /// misaki's apply_stress. `stress` nil leaves `phonemes` alone; < -1 removes all stress; -1 (or
    /// 0 / -0.5 with a primary present) demotes primary to secondary; 0, 0.5, 1 add a secondary to
    /// an unstressed word; >= 1 promotes a lone secondary; > 1 adds a primary to an unstressed word.
    static func applyStress(_ phonemes: String, _ stress: Double?) -> String {
        guard let stress else { return phonemes }
        let hasPrimary = phonemes.contains(primaryStress)
        let hasSecondary = phonemes.contains(secondaryStress)
        let hasVowel = phonemes.contains { vowels.contains($0) }
        if stress < -1 {
            return String(phonemes.filter { !stresses.contains($0) })
        } else if stress == -1 || ((stress == 0 || stress == -0.5) && hasPrimary) {
            return String(phonemes.filter { $0 != secondaryStress }.map { $0 == primaryStress ? secondaryStress : $0 })
        } else if (stress == 0 || stress == 0.5 || stress == 1) && !hasPrimary && !hasSecondary {
            return hasVowel ? restress(String(secondaryStress) + phonemes) : phonemes
        } else if stress >= 1 && !hasPrimary && hasSecondary {
            return String(phonemes.map { $0 == secondaryStress ? primaryStress : $0 })
        } else if stress > 1 && !hasPrimary && !hasSecondary {
            return hasVowel ? restress(String(primaryStress) + phonemes) : phonemes
        }
        return phonemes
    }

    /// Moves every stress mark to just before the next vowel (misaki's restress).
    static func restress(_ phonemes: String) -> String {
        let characters = Array(phonemes)
        // Each character gets a sort position; a stress mark sorts just before its next vowel.
        var keyed: [(position: Double, character: Character)] = characters.enumerated().map { (Double($0.offset), $0.element) }
        for (index, character) in characters.enumerated() where stresses.contains(character) {
            if let vowel = characters[index...].firstIndex(where: { vowels.contains($0) }) {
                keyed[index].position = Double(vowel) - 0.5
            }
        }
        // Positions never tie: restress runs on unstressed words, so one mark (at j - 0.5) moves.
        let sorted = keyed.enumerated().sorted { a, b in
            a.element.position != b.element.position ? a.element.position < b.element.position : a.offset < b.offset
        }
        return String(sorted.map { $0.element.character })
    }
}
