// misaki's Lexicon.get_special_case: words whose pronunciation depends on the tag or on what
// follows (a, an, am, the, to, in, by, I, used, vs), symbols read as words, and dotted
// abbreviations spelled out.

extension EnglishLexicon {
    /// misaki's ADD_SYMBOLS: read inside e-mail addresses and URLs (spaCy's tag "ADD").
    static let addressSymbols: [String: String] = [".": "dot", "/": "slash"]
    /// misaki's SYMBOLS: read as words anywhere.
    static let symbols: [String: String] = ["%": "percent", "&": "and", "+": "plus", "@": "at"]

    func specialCase(_ word: String, tag: String, stress: Double?, context: EnglishTokenContext) -> (phonemes: String, rating: Int)? {
        if tag == "ADD", let name = Self.addressSymbols[word] {
            return lookup(name, tag: nil, stress: -0.5, context: context)
        } else if let name = Self.symbols[word] {
            return lookup(name, tag: nil, stress: nil, context: context)
        } else if Self.isDottedAbbreviation(word) {
            return getNNP(word)
        }
        if word == "a" || word == "A" {
            return (tag == "DT" ? "ɐ" : "ˈA", 4)
        } else if word == "am" || word == "Am" || word == "AM" {
            if tag.hasPrefix("NN") { return getNNP(word) }
            // Weak "ɐm" only for lower-case "am" with a word after it and no stress asked for.
            if context.futureVowel == nil || word != "am" || (stress ?? 0) > 0 {
                return gold("am").map { ($0, 4) }
            }
            return ("ɐm", 4)
        } else if word == "an" || word == "An" || word == "AN" {
            if word == "AN" && tag.hasPrefix("NN") { return getNNP(word) }
            return ("ɐn", 4)
        } else if word == "I" && tag == "PRP" {
            return ("ˌI", 4)
        } else if (word == "by" || word == "By" || word == "BY") && Self.parentTag(tag) == "ADV" {
            return ("bˈI", 4)
        } else if word == "to" || word == "To" || (word == "TO" && (tag == "TO" || tag == "IN")) {
            switch context.futureVowel {
            case nil: return gold("to").map { ($0, 4) }
            case false?: return ("tə", 4)
            case true?: return ("tʊ", 4)
            }
        } else if word == "in" || word == "In" || (word == "IN" && tag != "NNP") {
            // Stressed unless it is a preposition with something spoken after it.
            return ((context.futureVowel == nil || tag != "IN" ? "ˈ" : "") + "ɪn", 4)
        } else if word == "the" || word == "The" || (word == "THE" && tag == "DT") {
            return (context.futureVowel == true ? "ði" : "ðə", 4)
        } else if tag == "IN" && Self.isVersus(word) {
            return lookup("versus", tag: nil, stress: nil, context: context)
        } else if word == "used" || word == "Used" || word == "USED" {
            // "used to" (VBD/JJ before "to") is "jˈust"; otherwise DEFAULT "jˈuzd".
            let key = (tag == "VBD" || tag == "JJ") && context.futureTo ? "VBD" : "DEFAULT"
            guard case .byTag(let byTag)? = golds["used"], let phonemes = byTag[key] ?? nil else { return nil }
            return (phonemes, 4)
        }
        return nil
    }

    /// `'.' in word.strip('.') and word.replace('.', '').isalpha() and
    /// len(max(word.split('.'), key=len)) < 3`: "U.S.", "e.g", "Ph.D" (pieces of at most 2).
    static func isDottedAbbreviation(_ word: String) -> Bool {
        guard word.utf8.contains(UInt8(ascii: ".")) else { return false }
        let scalars = Array(word.unicodeScalars)
        guard let first = scalars.firstIndex(where: { $0 != "." }),
              let last = scalars.lastIndex(where: { $0 != "." }),
              scalars[first...last].contains(".") else { return false }
        return PythonString.isAlpha(PythonString.removing(".", from: word))
            && PythonString.split(word, on: ".").allSatisfy { PythonString.count($0) < 3 }
    }

    /// `re.match(r'(?i)vs\.?$', word)`: "vs", "VS", "Vs." and so on. (Python's case-insensitive
    /// match would also take "ſ", U+017F, as "s"; NFKC has already made it one.)
    static func isVersus(_ word: String) -> Bool {
        let lower = word.unicodeScalars.map { scalar -> Unicode.Scalar in
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 0x20) ?? scalar : scalar
        }
        return lower == ["v", "s"] || lower == ["v", "s", "."]
    }
}
