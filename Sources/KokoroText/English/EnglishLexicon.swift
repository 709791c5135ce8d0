// misaki's English Lexicon (misaki/en.py class Lexicon, misaki 0.9.4): gold then silver dictionary
// lookup, capitalisation stress, -s/-ed/-ing stemming, special words, numbers and currency.
// This file holds the word path (__call__, get_word, lookup, is_known, get_special_case,
// get_NNP); EnglishLexiconStems.swift the suffix rules, EnglishLexiconNumbers.swift numbers and
// currency, EnglishLexiconLoading.swift the files, EnglishLexiconPythonString.swift and
// EnglishLexiconNormalization.swift the Python string semantics misaki relies on.
//
// Every decision follows misaki's code path for path; where misaki would raise (a Python
// TypeError on input it never expected), we answer nil instead.

final class EnglishLexicon: Sendable {
    let british: Bool
    /// misaki's self.golds and self.silvers, grown (see growDictionary).
    let golds: [String: Entry]
    let silvers: [String: Entry]

    /// Loads `{us,gb}_gold.json` and `{us,gb}_silver.json` from `directory` (misaki's files,
    /// verbatim) and grows them as misaki does (capitalised / lower-case variants).
    /// Throws `TextError.lexicon` naming the file when one is missing or malformed.
    init(directory: String, british: Bool) throws {
        self.british = british
        let dialect = british ? "gb" : "us"
        func path(_ name: String) -> String {
            if directory.isEmpty { return name }
            return directory.hasSuffix("/") ? directory + name : directory + "/" + name
        }
        let vocabulary = british ? EnglishPhonemes.gbVocabulary : EnglishPhonemes.usVocabulary
        golds = try Self.loadDictionary(path: path("\(dialect)_gold.json"), vocabulary: vocabulary)
        silvers = try Self.loadDictionary(path: path("\(dialect)_silver.json"), vocabulary: nil)
    }

    /// misaki's Lexicon.__call__(tk, ctx): the token's phonemes and rating, or nil when the
    /// lexicon has no pronunciation (the caller then tries espeak-ng or spells the word).
    func phonemes(for token: EnglishToken, context: EnglishTokenContext) -> (phonemes: String, rating: Int)? {
        var word = token.alias ?? token.text
        if word.unicodeScalars.contains(where: { $0 == "\u{2018}" || $0 == "\u{2019}" }) {
            word = String(String.UnicodeScalarView(word.unicodeScalars.map { $0 == "\u{2018}" || $0 == "\u{2019}" ? "'" : $0 }))
        }
        word = PythonString.asciiDigits(PythonString.nfkc(word))
        // misaki's cap_stresses: a capitalised word gets a secondary stress, an all-caps one primary.
        let stress: Double? = PythonString.equal(word, PythonString.lower(word))
            ? nil : (PythonString.equal(word, PythonString.upper(word)) ? 2 : 0.5)
        if let found = getWord(word, tag: token.tag, stress: stress, context: context) {
            return (EnglishPhonemes.applyStress(appendCurrency(found.phonemes, token.currency), token.stress), found.rating)
        }
        if Self.isNumber(word, isHead: token.isHead),
           let number = getNumber(word, currency: token.currency, isHead: token.isHead, numFlags: token.numFlags) {
            return (EnglishPhonemes.applyStress(number.phonemes, token.stress), number.rating)
        }
        return nil
    }

    /// The gold entry for a single letter or word, unmodified (e.g. "A" for spelling); the DEFAULT
    /// pronunciation when the entry depends on the tag; nil if absent.
    func gold(_ word: String) -> String? { golds[word]?.defaultPhonemes }

    /// misaki's get_NNP: `word` spelled letter by letter from the gold lexicon's letter names, with
    /// the last letter's stress primary ("BBC" -> "bˌibˌisˈi"); nil if a letter has no name.
    func spell(_ word: String) -> String? { getNNP(word)?.phonemes }

    // MARK: - misaki's word path

    /// get_word: special cases, then the word (lower-cased when only its capitalisation is
    /// unknown), its possessive forms, then the -s, -ed and -ing stems.
    func getWord(_ word: String, tag: String, stress: Double?, context: EnglishTokenContext) -> (phonemes: String, rating: Int)? {
        if let special = specialCase(word, tag: tag, stress: stress, context: context) { return special }
        var word = word
        let lower = PythonString.lower(word)
        if shouldLowercase(word, lower: lower, tag: tag, stress: stress, context: context) { word = lower }
        if isKnown(word) {
            return lookup(word, tag: tag, stress: stress, context: context)
        } else if PythonString.endsWith(word, "s'"), isKnown(PythonString.dropLast(word, 2) + "'s") {
            return lookup(PythonString.dropLast(word, 2) + "'s", tag: tag, stress: stress, context: context)
        } else if PythonString.endsWith(word, "'"), isKnown(PythonString.dropLast(word)) {
            return lookup(PythonString.dropLast(word), tag: tag, stress: stress, context: context)
        }
        return stemS(word, tag: tag, stress: stress, context: context)
            ?? stemEd(word, tag: tag, stress: stress, context: context)
            ?? stemIng(word, tag: tag, stress: stress ?? 0.5, context: context)
    }

    /// get_word's test for "Hello" / "HELLO" read as "hello": a capitalised or all-caps word the
    /// lexicon lacks whose lower-case form it has (directly or through a stem). Short NNPs keep
    /// their case so that lookup spells them ("NASA" stays an acronym; "WASHINGTON" does not).
    private func shouldLowercase(_ word: String, lower: String, tag: String, stress: Double?, context: EnglishTokenContext) -> Bool {
        // The cheap tests first: most words are lower case already.
        guard !PythonString.equal(word, lower) else { return false }
        let length = PythonString.count(word)
        guard length > 1, PythonString.isAlpha(PythonString.removing("'", from: word)),
              tag != "NNP" || length > 7,
              golds[word] == nil, silvers[word] == nil,
              PythonString.equal(word, PythonString.upper(word))
                || PythonString.equal(PythonString.dropFirst(word), PythonString.lower(PythonString.dropFirst(word)))
        else { return false }
        return golds[lower] != nil || silvers[lower] != nil
            || stemS(lower, tag: tag, stress: stress, context: context) != nil
            || stemEd(lower, tag: tag, stress: stress, context: context) != nil
            || stemIng(lower, tag: tag, stress: stress, context: context) != nil
    }

    /// is_known: in a dictionary or a symbol, or a plain ASCII word that lookup can at least spell
    /// (one letter, an all-caps word whose lower case is gold, or anything caps after its first
    /// letter). misaki passes a tag here and ignores it.
    func isKnown(_ word: String) -> Bool {
        if golds[word] != nil || Self.symbols[word] != nil || silvers[word] != nil { return true }
        guard PythonString.isAlpha(word), word.unicodeScalars.allSatisfy(Self.isLexiconScalar) else { return false }
        if PythonString.count(word) == 1 { return true }
        if PythonString.equal(word, PythonString.upper(word)), golds[PythonString.lower(word)] != nil { return true }
        let rest = PythonString.dropFirst(word)
        return PythonString.equal(rest, PythonString.upper(rest))
    }

    /// misaki's LEXICON_ORDS: the characters lexicon keys are made of (' - A-Z a-z).
    static func isLexiconScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "'", "-", "A"..."Z", "a"..."z": return true
        default: return false
        }
    }

    /// lookup: gold (rating 4) then silver (rating 3); a tagged entry picks the "None" variant when
    /// nothing is spoken after the word, else the tag, its parent tag, or DEFAULT. An all-caps word
    /// the gold lacks is looked up lower-case; as an NNP it must be gold and stressed, or be spelled.
    func lookup(_ word: String, tag: String?, stress: Double?, context: EnglishTokenContext?) -> (phonemes: String, rating: Int)? {
        var word = word
        var isNNP = false
        if PythonString.equal(word, PythonString.upper(word)), golds[word] == nil {
            word = PythonString.lower(word)
            isNNP = tag == "NNP"
        }
        var entry = golds[word]
        var rating = 4
        if entry == nil, !isNNP {
            entry = silvers[word]
            rating = 3
        }
        var phonemes: String?
        switch entry {
        case nil:
            phonemes = nil
        case .phonemes(let string)?:
            phonemes = string
        case .byTag(let byTag)?:
            var key = tag
            if let context, context.futureVowel == nil, byTag["None"] != nil {
                key = "None"
            } else if key.map({ byTag[$0] == nil }) ?? true {
                key = Self.parentTag(tag)
            }
            if let key, let tagged = byTag[key] {
                phonemes = tagged
            } else {
                phonemes = byTag["DEFAULT"] ?? nil
            }
        }
        if phonemes.map({ isNNP && !$0.contains(EnglishPhonemes.primaryStress) }) ?? true {
            if let spelled = getNNP(word) { return spelled }
        }
        guard let phonemes else { return nil }
        return (EnglishPhonemes.applyStress(phonemes, stress), rating)
    }

    /// get_parent_tag: the coarse class of a Penn tag (VB* -> VERB, NN* -> NOUN, RB* -> ADV,
    /// JJ* -> ADJ), which is how tagged lexicon entries are keyed.
    static func parentTag(_ tag: String?) -> String? {
        guard let tag else { return nil }
        if tag.hasPrefix("VB") { return "VERB" }
        if tag.hasPrefix("NN") { return "NOUN" }
        if tag.hasPrefix("ADV") || tag.hasPrefix("RB") { return "ADV" }
        if tag.hasPrefix("ADJ") || tag.hasPrefix("JJ") { return "ADJ" }
        return tag
    }

    /// get_NNP: the letter names of `word`'s letters, run together, with only the last stressed
    /// primary. Rating 3. (A word without letters spells as "", as in misaki.)
    func getNNP(_ word: String) -> (phonemes: String, rating: Int)? {
        var letters = ""
        for scalar in word.unicodeScalars where PythonString.isAlpha(scalar) {
            // A tagged letter entry would make misaki's join fail; none exists in its files.
            guard case .phonemes(let name)? = golds[PythonString.upper(String(scalar))] else { return nil }
            letters += name
        }
        let stressed = EnglishPhonemes.applyStress(letters, 0)
        // ps.rsplit(SECONDARY_STRESS, 1) joined by PRIMARY_STRESS: the last secondary becomes primary.
        var scalars = Array(stressed.unicodeScalars)
        if let last = scalars.lastIndex(of: "ˌ") { scalars[last] = "ˈ" }
        return (String(String.UnicodeScalarView(scalars)), 3)
    }
}
