// misaki's suffix rules: a word the lexicon lacks is its known stem plus -s, -ed or -ing
// (Lexicon.stem_s/_s, stem_ed/_ed, stem_ing/_ing), with the suffix pronounced after the stem's
// last phoneme as Wiktionary describes (-s: s / z / ᵻz; -ed: t / d / ᵻd; -ing: ɪŋ). British
// English uses ɪ where American uses ᵻ, never flaps a t, and gives up on -ing after ə or ː.

extension EnglishLexicon {
    /// _s: the -s suffix after `stem`'s phonemes; nil for an empty stem.
    func appendS(_ stem: String) -> String? {
        guard let last = stem.unicodeScalars.last else { return nil }
        if "ptkfθ".unicodeScalars.contains(last) { return stem + "s" }
        if "szʃʒʧʤ".unicodeScalars.contains(last) { return stem + (british ? "ɪ" : "ᵻ") + "z" }
        return stem + "z"
    }

    /// _ed: the -ed suffix; an American t after a vowel or ɹ flaps ("waited" -> wˈAɾᵻd).
    func appendEd(_ stem: String) -> String? {
        let scalars = Array(stem.unicodeScalars)
        guard let last = scalars.last else { return nil }
        if "pkfθʃsʧ".unicodeScalars.contains(last) { return stem + "t" }
        if last == "d" { return stem + (british ? "ɪ" : "ᵻ") + "d" }
        if last != "t" { return stem + "d" }
        if british || scalars.count < 2 { return stem + "ɪd" }
        if Self.isUSTau(scalars[scalars.count - 2]) { return PythonString.dropLast(stem) + "ɾᵻd" }
        return stem + "ᵻd"
    }

    /// _ing: the -ing suffix; nil in British English after ə or ː (misaki's open TODO there).
    func appendIng(_ stem: String) -> String? {
        let scalars = Array(stem.unicodeScalars)
        guard let last = scalars.last else { return nil }
        if british {
            if last == "ə" || last == "ː" { return nil }
        } else if scalars.count > 1 && last == "t" && Self.isUSTau(scalars[scalars.count - 2]) {
            return PythonString.dropLast(stem) + "ɾɪŋ"
        }
        return stem + "ɪŋ"
    }

    private static func isUSTau(_ scalar: Unicode.Scalar) -> Bool {
        EnglishPhonemes.usTaus.contains(Character(scalar))
    }

    /// stem_s: "cats" from "cat", "buses" from "bus", "flies" from "fly", "dog's" from "dog".
    func stemS(_ word: String, tag: String?, stress: Double?, context: EnglishTokenContext?) -> (phonemes: String, rating: Int)? {
        let length = PythonString.count(word)
        guard length >= 3, PythonString.endsWith(word, "s") else { return nil }
        let stem: String
        if !PythonString.endsWith(word, "ss"), isKnown(PythonString.dropLast(word)) {
            stem = PythonString.dropLast(word)
        } else if PythonString.endsWith(word, "'s")
                    || (length > 4 && PythonString.endsWith(word, "es") && !PythonString.endsWith(word, "ies")),
                  isKnown(PythonString.dropLast(word, 2)) {
            stem = PythonString.dropLast(word, 2)
        } else if length > 4, PythonString.endsWith(word, "ies"), isKnown(PythonString.dropLast(word, 3) + "y") {
            stem = PythonString.dropLast(word, 3) + "y"
        } else {
            return nil
        }
        guard let found = lookup(stem, tag: tag, stress: stress, context: context),
              let phonemes = appendS(found.phonemes) else { return nil }
        return (phonemes, found.rating)
    }

    /// stem_ed: "jumped" from "jump", "baked" from "bake"; never "dd" or "eed" words.
    func stemEd(_ word: String, tag: String?, stress: Double?, context: EnglishTokenContext?) -> (phonemes: String, rating: Int)? {
        let length = PythonString.count(word)
        guard length >= 4, PythonString.endsWith(word, "d") else { return nil }
        let stem: String
        if !PythonString.endsWith(word, "dd"), isKnown(PythonString.dropLast(word)) {
            stem = PythonString.dropLast(word)
        } else if length > 4, PythonString.endsWith(word, "ed"), !PythonString.endsWith(word, "eed"),
                  isKnown(PythonString.dropLast(word, 2)) {
            stem = PythonString.dropLast(word, 2)
        } else {
            return nil
        }
        guard let found = lookup(stem, tag: tag, stress: stress, context: context),
              let phonemes = appendEd(found.phonemes) else { return nil }
        return (phonemes, found.rating)
    }

    /// stem_ing: "jumping" from "jump", "baking" from "bake", "running" from "run".
    func stemIng(_ word: String, tag: String?, stress: Double?, context: EnglishTokenContext?) -> (phonemes: String, rating: Int)? {
        let length = PythonString.count(word)
        guard length >= 5, PythonString.endsWith(word, "ing") else { return nil }
        let bare = PythonString.dropLast(word, 3)
        let stem: String
        if length > 5, isKnown(bare) {
            stem = bare
        } else if isKnown(bare + "e") {
            stem = bare + "e"
        } else if length > 5, Self.hasDoubledConsonantBeforeIng(word), isKnown(PythonString.dropLast(word, 4)) {
            stem = PythonString.dropLast(word, 4)
        } else {
            return nil
        }
        guard let found = lookup(stem, tag: tag, stress: stress, context: context),
              let phonemes = appendIng(found.phonemes) else { return nil }
        return (phonemes, found.rating)
    }

    /// `re.search(r'([bcdgklmnprstvxz])\1ing$|cking$', word)` for a word known to end in "ing":
    /// a doubled consonant ("running", "fizzing") or "ck" ("picking") right before the "ing".
    static func hasDoubledConsonantBeforeIng(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars.dropLast(3))
        guard scalars.count >= 2 else { return false }
        let last = scalars[scalars.count - 1], previous = scalars[scalars.count - 2]
        if previous == "c" && last == "k" { return true }
        return last == previous && "bcdgklmnprstvxz".unicodeScalars.contains(last)
    }
}
