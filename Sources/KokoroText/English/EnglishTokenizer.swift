// English tokenizer and tagger standing in for spaCy (en_core_web_sm 3.8), which misaki's G2P
// (misaki/en.py G2P.tokenize) runs before anything else. Only what misaki reads is reproduced:
//
// * Splitting, after spaCy's tokenizer (spacy/tokenizer.pyx with spacy/lang/en and
//   spacy/lang/punctuation.py): text is cut at whitespace; each chunk loses prefix and suffix
//   punctuation (quotes, brackets, currency signs, trailing ".,;:!?", "'s", units after digits,
//   a "." after a lower-case letter, digit or two capitals), unless the chunk is one of spaCy's
//   exceptions ("Mr.", "e.g.", "a.m.", "'cause"); what remains is a URL/e-mail (one token) or is
//   cut at infixes ("well-known" -> well|-|known, "555-1234", "a,b", "a/b", "..."). Contractions
//   stay whole ("don't"): spaCy cuts them (do|n't) but misaki glues touching pieces back together
//   before the lexicon sees them (G2P.retokenize), so the cut changes nothing it reads. Runs of
//   whitespace of any kind become one space after the previous token (spaCy keeps "\n" and extra
//   spaces as tokens of their own; misaki then drops them or glues them to a neighbour).
//
// * Tagging, instead of spaCy's statistical tagger: misaki reads the Penn Treebank tag for
//   punctuation (PUNCT_TAGS decide which marks reach Kokoro, and as what: `` -> “, '' -> ”, ":" for
//   a dash -> —), currency symbols ("$"), numbers ("CD", for "$5.50"), "a" (DT -> ɐ), "I" (PRP),
//   "in"/"vs." (IN), "to" (TO), "that" (DT), all-capital words (NNP: spelled unless the gold
//   lexicon has them), "am" after a number (NN: spelled "AM"), URLs and e-mails (ADD: "." -> dot)
//   and the ~800 heteronyms whose lexicon entries are keyed by tag (VERB, NOUN, ADJ, VBD, ...).
//   Closed-class words get their tag from a table; punctuation from its shape and position
//   (an opening quote is ``, a closing one ''); other words from their neighbours with a few rules
//   (after "to", a modal or "don't": VB; after I/we/you/they: VBP; after he/she/it: VBD, or VBZ
//   for an -s word; after a form of "be": JJ; after a determiner, possessive, number or
//   preposition: NN; a sentence-initial word before a determiner or pronoun: VB, as in "Call me";
//   -ed and -ing words: VBD, VBG; capitalised mid-sentence: NNP). Every other word gets the
//   neutral tag "XX", so a heteronym takes the lexicon's DEFAULT reading, its commonest one.
//   spaCy's statistical tagger picks the other reading more often, and sometimes a wrong one:
//   against misaki's own output the rules agree on all but a handful of heteronyms (single words
//   out of context, "the wound was wound"), measured in EnglishG2PTests.

enum EnglishTokenizer {
    /// Where a piece came from inside its whitespace-separated chunk; decides a quote's direction.
    enum Role { case whole, prefix, suffix, infix }

    struct Piece {
        var range: Range<Int>
        var role: Role
        /// A tag fixed by how the piece was cut (HYPH for "-" inside a word, ADD for a URL).
        var tag: String?
        var spaceAfter = false
    }

    /// Splits `scalars` (the whole text) into tagged tokens, each with its scalar range.
    static func tokenize(_ scalars: [Unicode.Scalar]) -> [(token: EnglishToken, range: Range<Int>)] {
        var pieces: [Piece] = []
        var index = 0
        while index < scalars.count {
            if isWhitespace(scalars[index]) {
                if !pieces.isEmpty { pieces[pieces.count - 1].spaceAfter = true }
                index += 1
                continue
            }
            var end = index
            while end < scalars.count && !isWhitespace(scalars[end]) { end += 1 }
            splitChunk(scalars, index..<end, into: &pieces)
            index = end
        }
        let texts = pieces.map { string(scalars[$0.range]) }
        let tags = guessTags(texts: texts, pieces: pieces)
        return pieces.indices.map { i in
            (EnglishToken(text: texts[i], tag: tags[i], whitespace: pieces[i].spaceAfter ? " " : ""), pieces[i].range)
        }
    }

    // MARK: - Splitting (spaCy Tokenizer._split_affixes / _attach_tokens)

    private static func splitChunk(_ s: [Unicode.Scalar], _ chunk: Range<Int>, into pieces: inout [Piece]) {
        if isException(s, chunk) {
            pieces.append(Piece(range: chunk, role: .whole))
            return
        }
        var prefixes: [Piece] = []
        var suffixes: [Piece] = []
        var lower = chunk.lowerBound, upper = chunk.upperBound
        while lower < upper {
            if isException(s, lower..<upper) { break }
            var changed = false
            let prefix = prefixLength(s, lower..<upper)
            if prefix > 0 {
                prefixes.append(Piece(range: lower..<lower + prefix, role: .prefix))
                lower += prefix
                changed = true
                if lower < upper && isException(s, lower..<upper) { break }
            }
            if lower < upper {
                let suffix = suffixLength(s, lower..<upper)
                if suffix > 0 {
                    suffixes.append(Piece(range: upper - suffix..<upper, role: .suffix))
                    upper -= suffix
                    changed = true
                }
            }
            if !changed { break }
        }
        pieces.append(contentsOf: prefixes)
        if lower < upper {
            let core = lower..<upper
            if isException(s, core) {
                pieces.append(Piece(range: core, role: .whole))
            } else if isURL(s, core) {
                pieces.append(Piece(range: core, role: .whole, tag: "ADD"))
            } else {
                splitInfixes(s, core, into: &pieces)
            }
        }
        pieces.append(contentsOf: suffixes.reversed())
    }

    /// spaCy's English infixes: "..", "…", symbols, digit[+-*^]digit, lower"."Upper, letter","letter,
    /// (letter|digit)(-|–|—|--|~)letter, (letter|digit)[:<>=/]letter.
    private static func splitInfixes(_ s: [Unicode.Scalar], _ core: Range<Int>, into pieces: inout [Piece]) {
        var start = core.lowerBound
        var k = core.lowerBound
        while k < core.upperBound {
            guard let (length, tag) = infixAt(s, k, core) else { k += 1; continue }
            if start < k { pieces.append(Piece(range: start..<k, role: .infix)) }
            pieces.append(Piece(range: k..<k + length, role: .infix, tag: tag))
            k += length
            start = k
        }
        if start < core.upperBound { pieces.append(Piece(range: start..<core.upperBound, role: .infix)) }
    }

    private static func infixAt(_ s: [Unicode.Scalar], _ k: Int, _ core: Range<Int>) -> (Int, String?)? {
        let c = s[k]
        if c.isASCII && (isLetter(c) || isASCIIDigit(c)) { return nil }  // no infix starts with one
        let before: Unicode.Scalar? = k > core.lowerBound ? s[k - 1] : nil
        let after: Unicode.Scalar? = k + 1 < core.upperBound ? s[k + 1] : nil
        if c == "." && after == "." {
            var end = k
            while end < core.upperBound && s[end] == "." { end += 1 }
            return (end - k, ":")
        }
        if c == "…" { return (1, "NFP") }
        if isSymbol(c) { return (1, nil) }
        guard let before else { return nil }
        if isASCIIDigit(before), "+-*^".unicodeScalars.contains(c), let after, isASCIIDigit(after) || after == "-" {
            return (1, "SYM")
        }
        if c == ".", isLowercase(before) || closingPunctuation.contains(before),
           let after, isUppercase(after) || closingPunctuation.contains(after) {
            return (1, ".")
        }
        if c == ",", isLetter(before), let after, isLetter(after) { return (1, ",") }
        if isLetter(before) || isASCIIDigit(before) {
            // Regex alternation order: -|–|—|--|---|——|~, each needing a letter after it.
            for dash in ["-", "–", "—", "--", "---", "——", "~"] {
                let length = dash.unicodeScalars.count
                if k + length < core.upperBound, matches(s, k, dash), isLetter(s[k + length]) {
                    return (length, dash.hasPrefix("-") || dash == "~" ? "HYPH" : ":")
                }
            }
            if ":<>=/".unicodeScalars.contains(c), let after, isLetter(after) { return (1, "SYM") }
        }
        return nil
    }

    /// spaCy's English prefixes, as a length at `range.lowerBound` (0 = none).
    private static func prefixLength(_ s: [Unicode.Scalar], _ range: Range<Int>) -> Int {
        let first = s[range.lowerBound]
        for multi in ["US$", "C$", "A$"] where matches(s, range.lowerBound, multi, within: range) {
            return multi.unicodeScalars.count
        }
        if first == ".", range.count > 1, s[range.lowerBound + 1] == "." {
            var end = range.lowerBound
            while end < range.upperBound && s[end] == "." { end += 1 }
            return end - range.lowerBound
        }
        if first == "+" {
            return range.count > 1 && isASCIIDigit(s[range.lowerBound + 1]) ? 0 : 1
        }
        if prefixPunctuation.contains(first) || isCurrency(first) || isSymbol(first) { return 1 }
        return 0
    }

    /// spaCy's English suffixes, as a length ending at `range.upperBound` (0 = none). Several can
    /// match; the regex search takes the leftmost start, i.e. the longest.
    private static func suffixLength(_ s: [Unicode.Scalar], _ range: Range<Int>) -> Int {
        let end = range.upperBound
        let last = s[end - 1]
        let previous: Unicode.Scalar? = range.count > 1 ? s[end - 2] : nil
        var best = 0
        if last == ".", previous == "." {
            var start = end
            while start > range.lowerBound && s[start - 1] == "." { start -= 1 }
            best = max(best, end - start)
        }
        if suffixPunctuation.contains(last) || isSymbol(last) || last == "—" || last == "–" { best = max(best, 1) }
        if range.count >= 2, let previous, "'’".unicodeScalars.contains(previous), last == "s" || last == "S" {
            best = max(best, 2)
        }
        if let previous, isASCIIDigit(previous), last == "+" || isCurrency(last) { best = max(best, 1) }
        // Units follow a digit: skip the table unless one of the last few scalars is a digit.
        if (max(range.lowerBound, end - 6)..<end).contains(where: { isASCIIDigit(s[$0]) }) {
            for unit in units where unit.count < range.count {
                let start = end - unit.count
                if matches(s, start, unit.text, within: range), isASCIIDigit(s[start - 1]) {
                    best = max(best, unit.count)
                }
            }
        }
        if last == ".", let previous {
            let twoCapitals = range.count > 2 && isUppercase(previous) && isUppercase(s[end - 3])
            if isLowercase(previous) || isASCIIDigit(previous) || "%²-+".unicodeScalars.contains(previous)
                || closingPunctuation.contains(previous) || twoCapitals {
                best = max(best, 1)
            }
            if range.count > 2, s[end - 3] == "°", "FfCcKk".unicodeScalars.contains(previous) { best = max(best, 1) }
        }
        return best
    }

    /// A simplified spaCy url_match: [scheme://][user@]label.label...tld[:port][/path], the
    /// top-level domain being 2-63 lower-case letters ("example.org", "john@example.com").
    private static func isURL(_ s: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        var start = range.lowerBound
        if let scheme = firstIndex(of: "://", in: s, range), scheme - start >= 2 { start = scheme + 3 }
        var hostEnd = start
        while hostEnd < range.upperBound && !":/?#".unicodeScalars.contains(s[hostEnd]) { hostEnd += 1 }
        if let at = (start..<hostEnd).last(where: { s[$0] == "@" }) { start = at + 1 }
        guard start < hostEnd else { return false }
        let labels = s[start..<hostEnd].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, (2...63).contains(tld.count),
              tld.allSatisfy({ isLowercase($0) }) else { return false }
        for label in labels.dropLast() {
            guard let first = label.first, let last = label.last, label.count <= 63,
                  isHostCharacter(first), isHostCharacter(last),
                  label.allSatisfy({ isHostCharacter($0) || $0 == "_" || $0 == "-" }) else { return false }
        }
        if hostEnd < range.upperBound && s[hostEnd] == ":" {
            var portEnd = hostEnd + 1
            while portEnd < range.upperBound && isASCIIDigit(s[portEnd]) { portEnd += 1 }
            guard (2...5).contains(portEnd - hostEnd - 1) else { return false }
            return portEnd == range.upperBound || "/?#".unicodeScalars.contains(s[portEnd])
        }
        return true
    }

    private static func isHostCharacter(_ c: Unicode.Scalar) -> Bool {
        (c.isASCII && (isASCIIDigit(c) || isLetter(c))) || (c.value >= 0xA1 && c.value <= 0xFFFF)
    }

    /// Every exception holds a "." or an apostrophe; the cheap test comes first.
    private static func isException(_ s: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        range.count <= maxExceptionLength && s[range].contains(where: { $0 == "." || $0 == "'" || $0 == "’" || $0 == "‘" })
            && exceptions.contains(string(s[range]))
    }

    // MARK: - Tagging

    private static func guessTags(texts: [String], pieces: [Piece]) -> [String] {
        var tags = [String](repeating: "", count: texts.count)
        var doubleQuoteOpen = false, singleQuoteOpen = false
        // Pass 1: punctuation, symbols, numbers and closed-class words.
        for i in texts.indices {
            if let fixed = pieces[i].tag { tags[i] = fixed; continue }
            let text = texts[i]
            // "etc.,": a period before a comma ends an abbreviation, not a sentence; spaCy tags it
            // FW and misaki then glues it back ("etc." is in the lexicon).
            // Likewise before a lower-case word ("etc. at the store") and in "No. 5".
            if text == ".", pieces[i].role == .suffix, i > 0, i + 1 < texts.count,
               isAbbreviationPeriod(word: texts[i - 1], next: texts[i + 1], spaceAfter: pieces[i].spaceAfter,
                                    nextIsSuffix: pieces[i + 1].role == .suffix) {
                tags[i] = "FW"
                continue
            }
            if let punctuation = punctuationTag(text, role: pieces[i].role, previous: i > 0 ? texts[i - 1] : nil,
                                                next: i + 1 < texts.count ? texts[i + 1] : nil,
                                                doubleQuoteOpen: &doubleQuoteOpen, singleQuoteOpen: &singleQuoteOpen) {
                tags[i] = punctuation
            } else if isNumeral(text) {
                tags[i] = "CD"
            } else if text == "that" || text == "That" || text == "AM" {
                continue  // decided from the neighbours below
            } else if let closed = closedClassTag(text) {
                tags[i] = closed
            }
        }
        // "A: Nobody knows.": a letter used as a label, not the article (ˈA, not ɐ).
        for i in texts.indices where (texts[i] == "A" || texts[i] == "a") && i + 1 < texts.count
            && !pieces[i].spaceAfter && [":", ".", "-RRB-"].contains(tags[i + 1]) {
            tags[i] = "NN"
        }
        // Pass 2: open-class words from their neighbours.
        for i in texts.indices where tags[i].isEmpty {
            tags[i] = openClassTag(i, texts: texts, tags: tags)
        }
        return tags
    }

    private static func isAbbreviationPeriod(word: String, next: String, spaceAfter: Bool, nextIsSuffix: Bool) -> Bool {
        if !spaceAfter && nextIsSuffix && [",", ";", ":"].contains(next) { return true }
        guard spaceAfter, let nextFirst = next.unicodeScalars.first else { return false }
        if ["No", "no", "Nos", "nos"].contains(word) { return isASCIIDigit(nextFirst) }
        return isLowercase(nextFirst) && word.unicodeScalars.allSatisfy(isLetter)
    }

    private static func punctuationTag(_ text: String, role: Role, previous: String?, next: String?,
                                       doubleQuoteOpen: inout Bool, singleQuoteOpen: inout Bool) -> String? {
        if ["US$", "C$", "A$"].contains(text) { return "$" }
        if let first = text.unicodeScalars.first, first.isASCII, isLetter(first) || isASCIIDigit(first) { return nil }
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, !scalars.contains(where: { isLetter($0) || isDecimalDigit($0) }) else {
            return nil
        }
        if scalars.count == 1 && isCurrency(first) { return "$" }
        if scalars.allSatisfy({ $0 == "." }) { return scalars.count == 1 ? "." : ":" }
        if scalars.allSatisfy({ "!?.".unicodeScalars.contains($0) }) { return "." }
        if text == "-", let previous, let next, isNumeral(previous), isNumeral(next) {
            return "SYM"  // "10 - 4": minus, which misaki leaves silent
        }
        if scalars.allSatisfy({ "-—–―‒".unicodeScalars.contains($0) }) { return ":" }
        guard scalars.count == 1 else { return "SYM" }
        switch first {
        case ",": return ","
        case ";", ":": return ":"
        case "…": return "NFP"
        case "(", "[", "{": return "-LRB-"
        case ")", "]", "}": return "-RRB-"
        case "“", "„", "«", "`": return "``"
        case "”", "´": return "''"
        case "»": return "."
        case "\"":
            let opening = role == .prefix || (role != .suffix && !doubleQuoteOpen)
            doubleQuoteOpen = opening
            return opening ? "``" : "''"
        case "'", "‘", "’":
            if role == .prefix {
                // "'90s": an elided century, not a quote; spaCy tags it like the number.
                if let next, let digit = next.unicodeScalars.first, isASCIIDigit(digit) { return "NNS" }
                singleQuoteOpen = true
                return "``"
            }
            if role == .suffix {
                if singleQuoteOpen { singleQuoteOpen = false; return "''" }
                // "cats'": a plural possessive, glued back to its word by misaki.
                if let previous, previous.hasSuffix("s") || previous.hasSuffix("S") { return "POS" }
                return "''"
            }
            return first == "‘" ? "``" : "''"
        case "#": return "$"
        case "&": return "CC"
        case "%": return "NN"
        case "*", "~", "<", ">", "^", "|", "\\", "_": return "NFP"
        default:
            // Other symbols (+ = @ / ° § emoji) go to the lexicon and the fallback, as spaCy's SYM/XX do.
            return isSymbol(first) ? "XX" : "SYM"
        }
    }

    /// Digits with "," and "." inside ("1,000", "3.14", ".5"): spaCy's CD, which misaki needs for
    /// "$5.50" (currency) and nothing else.
    private static func isNumeral(_ text: String) -> Bool {
        var sawDigit = false
        for c in text.unicodeScalars {
            if isASCIIDigit(c) { sawDigit = true } else if c != "," && c != "." && c != ":" { return false }
        }
        return sawDigit
    }

    private static func closedClassTag(_ text: String) -> String? {
        if text == "I" { return "PRP" }
        let lower = text.lowercased()
        if let tag = closedClass[lower] { return tag }
        // Contractions take the tag of their first part ("it's" PRP, "I'm" PRP); a negated helper
        // ("don't", "can't") is MD, so that the word after it is read as a verb.
        if let apostrophe = lower.firstIndex(where: { $0 == "'" || $0 == "’" }), apostrophe != lower.startIndex {
            let head = String(lower[..<apostrophe])
            if lower.hasSuffix("n't") || lower.hasSuffix("n’t") { return "MD" }
            if head == "i" { return "PRP" }
            return closedClass[head]
        }
        return nil
    }

    private static func isAllCapitals(_ text: String) -> Bool {
        var letters = 0
        for c in text.unicodeScalars where isLetter(c) {
            if !isUppercase(c) { return false }
            letters += 1
        }
        return letters > 1
    }

    private static func openClassTag(_ i: Int, texts: [String], tags: [String]) -> String {
        let text = texts[i]
        let lowerText = text.lowercased()
        let letters = text.unicodeScalars.filter { isLetter($0) }
        // Adverbs between a verb's helper and the verb are skipped: "did not object" reads like
        // "did object".
        var before = i - 1
        while before > 0 && skippedAdverbs.contains(texts[before].lowercased()) { before -= 1 }
        let previousTag = before >= 0 ? tags[before] : ""
        var previous = before >= 0 ? texts[before].lowercased() : ""
        // A split-off "'s" reads with its word: "let's", "it's", "that's".
        if (previous == "'s" || previous == "’s") && before > 0 { previous = texts[before - 1].lowercased() + "'s" }
        let nextTag = i + 1 < texts.count ? tags[i + 1] : ""
        let next = i + 1 < texts.count ? texts[i + 1].lowercased() : ""
        let sentenceStart = i == 0 || [".", ":", "``"].contains(previousTag) && previousTag != "" || previous == "please"

        // "'s" is "is" after a pronoun, "us" in "let's", else a possessive.
        if lowerText == "'s" || lowerText == "’s" {
            if previous == "let" { return "PRP" }
            return previousTag == "PRP" || ["that", "there", "what", "who", "here", "where", "how"].contains(previous) ? "VBZ" : "POS"
        }
        // "that" is a determiner before a noun ("that object": ðˈæt) or standing alone before
        // punctuation, else a conjunction (ðæt).
        if text == "that" || text == "That" {
            let determiner = nextTag.isEmpty || nextTag == "XX" || nextTag == "NN" || [".", ",", ":"].contains(nextTag)
            return i + 1 < texts.count && determiner ? "DT" : "IN"
        }
        // "AM" is a time ("3 AM", spelled) unless it follows "I".
        if text == "AM" { return previous == "i" ? "VBP" : "NNP" }
        if lowerText == "am" && previousTag == "CD" { return "NN" }
        // An all-capital word is a name or an acronym (NNP: spelled unless the gold lexicon has
        // it), except in all-capital text ("LOCAL MAN WINS"), where it is an ordinary word.
        if isAllCapitals(text) {
            // A neighbour in capitals without dots ("U.S.A." is an initialism, not shouting).
            func shouted(_ j: Int) -> Bool { isAllCapitals(texts[j]) && texts[j].unicodeScalars.allSatisfy(isLetter) }
            let shouting = (before >= 0 && shouted(before)) || (i + 1 < texts.count && shouted(i + 1))
            if !shouting || !text.unicodeScalars.allSatisfy(isLetter) { return "NNP" }
        }
        if lowerText == "am" { return "VBP" }
        if lowerText == "used" && next == "to" { return "VBD" }
        if previousTag == "TO" || previousTag == "MD" || doVerbs.contains(previous) || previous == "please" { return "VB" }
        if subjectPronouns.contains(previous) {
            // After he/she/it a verb without -s is in the past ("He read": ɹˈɛd).
            guard ["he", "she", "it"].contains(previous) else { return "VBP" }
            return lowerText.hasSuffix("s") ? "VBZ" : "VBD"
        }
        // "O'Neill lives": after a name, an -s word is more likely a verb than a plural.
        if previousTag == "NNP" && lowerText.hasSuffix("s") && text == lowerText { return "VBZ" }
        if beVerbs.contains(previous) { return "JJ" }
        // After a determiner: a noun. Also before another noun ("the bass player"), where it may
        // be an adjective ("the invalid password"), because ~420 heteronyms have a NOUN reading
        // and ~60 an ADJ one.
        if ["DT", "PRP$", "CD", "POS", "IN"].contains(previousTag) && !pronounDeterminers.contains(previous) { return "NN" }
        if sentenceStart && ["DT", "PRP", "PRP$", "CD", "$", "TO"].contains(nextTag) { return "VB" }
        if let first = letters.first, isUppercase(first), !sentenceStart, !isAllCapitals(text) { return "NNP" }
        // "there lived": -ed and -ing words outside noun positions are verb forms.
        if previousTag == "EX" || lowerText.hasSuffix("ed") { return "VBD" }
        if lowerText.hasSuffix("ing") { return "VBG" }
        return "XX"
    }

    // MARK: - Tables

    private static let closedClass: [String: String] = {
        var table: [String: String] = [:]
        func add(_ tag: String, _ words: String) { for w in words.split(separator: " ") { table[String(w)] = tag } }
        add("DT", "a an the this these those every each some any no another both all either neither")
        add("PRP", "i you he she it we they me him us them myself yourself himself herself itself ourselves themselves")
        add("PRP$", "my your his her its our their")
        add("IN", "of in on at by for with from about into over after before under between through during without within against among since until upon than as because although though while if whether near via per onto vs vs. v. unlike despite towards toward across behind beyond above below around like")
        add("TO", "to")
        add("CC", "and or but nor 'n' ’n’")
        add("MD", "can could will would shall should may might must 'll wo ca")
        add("WDT", "which whichever")
        add("WP", "what who whom whose")
        add("WRB", "where when why how")
        add("EX", "there")
        add("RB", "not n't very too so also just never always often again now then here still already even soon ever quite rather almost")
        add("UH", "please hello hi oh yes okay ok wow hey")
        add("VBZ", "is has does")
        add("VBP", "are have do")
        add("VBD", "was were had did")
        add("VB", "be")
        add("VBN", "been")
        add("VBG", "being")
        table["that"] = "DT"
        return table
    }()

    private static let skippedAdverbs: Set<String> = ["not", "never", "also", "always", "just", "really", "still", "even", "n't"]
    /// Determiners that also stand alone as pronouns ("the BBC all use"), so no noun need follow.
    private static let pronounDeterminers: Set<String> = ["all", "both", "each", "either", "neither", "some", "any"]
    private static let subjectPronouns: Set<String> = ["i", "you", "we", "they", "he", "she", "it"]
    private static let doVerbs: Set<String> = [
        "do", "does", "did", "don't", "doesn't", "didn't", "can't", "won't", "couldn't", "wouldn't",
        "shouldn't", "mustn't", "let's", "i'll", "you'll", "we'll", "they'll", "he'll", "she'll", "i'd",
        "you'd", "we'd", "they'd", "he'd", "she'd",
    ]
    private static let beVerbs: Set<String> = ["is", "are", "was", "were", "be", "been", "am", "it's", "that's", "he's", "she's"]

    /// spaCy's English tokenizer exceptions that keep a "." or a leading apostrophe attached.
    private static let exceptions: Set<String> = {
        var words = Set("""
            Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. Co. Colo. Conn. Corp. D.C. Dec. Del. Dr. E.G. E.g. \
            Feb. Fla. Ga. Gen. Gov. I.E. I.e. Ia. Id. Ill. Inc. Ind. Jan. Jr. Jul. Jun. Kan. Kans. Ky. La. Ltd. \
            Mar. Mass. Md. Messrs. Mich. Minn. Miss. Mo. Mont. Mr. Mrs. Ms. Mt. N.C. N.D. N.H. N.J. N.M. N.Y. \
            Neb. Nebr. Nev. Nov. Oct. Okla. Ore. Pa. Ph.D. Prof. Rep. Rev. S.C. Sen. Sep. Sept. St. Tenn. Va. \
            Wash. Wis. a.m. co. e.g. i.e. p.m. v.s. vs. °C. °F. °K. °c. °f. °k. ä. ö. ü. \
            'cause 'Cause 'cos 'Cos 'coz 'Coz 'cuz 'Cuz 'bout 'em 'nuff 'll 're 's 'S 'd ' '' \
            ’cause ’Cause ’cos ’Cos ’coz ’Coz ’cuz ’Cuz ’bout ’em ’nuff ’ll ’re ’s ’S ’d ’ ’’ ‘s ‘S \
            'n' ’n’ 'tis 'Tis 'twas 'Twas ’tis ’Tis ’twas ’Twas o'clock O'clock ma'am Ma'am ol' Ol' doin' goin' havin' lovin' nothin' nuthin' somethin' \
            Doin' Goin' Havin' Lovin' Nothin' Nuthin' Somethin'
            """.split(separator: " ").map(String.init))
        for letter in "abcdefghijklmnopqrstuvwxyz" { words.insert("\(letter).") }
        for hour in 1...12 { words.insert("\(hour)a.m."); words.insert("\(hour)p.m.") }
        return words
    }()
    private static let maxExceptionLength = 8

    private static let units: [(text: String, count: Int)] = """
        km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft kg g mg µg t lb oz m/s km/h \
        kmh mph hPa Pa mbar mb MB kb KB gb GB tb TB T G M K %
        """.split(separator: " ").map { (String($0), $0.unicodeScalars.count) }

    private static let prefixPunctuation = Set("§%=—–…,:;!?¿¡()[]{}<>_#*&。？！，、；：～·'\"”“`‘´’‚„»«「」『』（）〔〕【】《》〈〉⟦⟧".unicodeScalars)
    private static let suffixPunctuation = Set("…,:;!?¿¡()[]{}<>_#*&。？！，、；：～·'\"”“`‘´’‚„»«「」『』（）〔〕【】《》〈〉⟦⟧".unicodeScalars)
    /// Marks after which a final "." is cut off (part of spaCy's suffix lookbehind).
    private static let closingPunctuation = Set(",:;!?()[]{}<>_#*&'\"”“`‘´’‚„»«".unicodeScalars)

    // MARK: - Character classes (Unicode scalar level, as Python's regex sees code points)

    // ASCII answers first: the Unicode property look-ups dominate the time on plain English.
    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c.value | 0x20) >= 97 && (c.value | 0x20) <= 122 }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
    static func isUppercase(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c.value >= 65 && c.value <= 90 : c.properties.generalCategory == .uppercaseLetter
    }
    static func isLowercase(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c.value >= 97 && c.value <= 122 : c.properties.generalCategory == .lowercaseLetter
    }
    static func isDecimalDigit(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? isASCIIDigit(c) : c.properties.numericType == .decimal
    }
    static func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c == " " || (c.value >= 9 && c.value <= 13) || (c.value >= 28 && c.value <= 31) : c.properties.isWhitespace
    }
    static func isCurrency(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c == "$" : c.properties.generalCategory == .currencySymbol
    }
    /// Unicode "other symbol" (emoji, °, ©, arrows): spaCy cuts these off on every side.
    static func isSymbol(_ c: Unicode.Scalar) -> Bool { !c.isASCII && c.properties.generalCategory == .otherSymbol }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func matches(_ s: [Unicode.Scalar], _ at: Int, _ literal: String, within range: Range<Int>? = nil) -> Bool {
        let bound = range?.upperBound ?? s.count
        var k = at
        for c in literal.unicodeScalars {
            guard k >= 0, k < bound, s[k] == c else { return false }
            k += 1
        }
        return true
    }

    private static func firstIndex(of literal: String, in s: [Unicode.Scalar], _ range: Range<Int>) -> Int? {
        range.first { matches(s, $0, literal, within: range) }
    }
}
