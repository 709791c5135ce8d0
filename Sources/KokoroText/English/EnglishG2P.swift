// misaki's English G2P driver (misaki/en.py class G2P, 0.9.4) without spaCy: markup preprocessing,
// tokenising and tagging (EnglishTokenizer stands in for spaCy), fold_left, retokenize (which cuts
// tokens again with SUBTOKEN_REGEX, marks punctuation and currency, and groups touching pieces into
// words), then each word resolved right to left with the lexicon (longest run of pieces first),
// the fallback for what the lexicon lacks, and resolve_tokens' stress balancing inside a word.
//
// Deliberate differences from misaki:
// * A word that neither the lexicon nor the fallback can pronounce is spelled letter by letter
//   (accents stripped), or, if it has letters that cannot be spelled (Greek, CJK, ...), throws
//   TextError.unpronounceable naming it. misaki would silently put `unk` ('' in kokoro) there.
//   Symbols and emoji without a pronunciation go to the fallback (espeak-ng reads them by name, as
//   in Kokoro's pipeline); without one they are dropped, as misaki drops them.
// * Lexicon look-ups inside one word try runs of at most `maxRunLength` pieces (single pieces in
//   a word of more than `longWordPieces`), so a 1 MB string without spaces takes linear time
//   (misaki's loop is cubic in the pieces of a word).
// * Tags are guessed (see EnglishTokenizer), so heteronyms mostly get their DEFAULT reading.

/// English text -> Kokoro phonemes, as misaki 0.9.4's `en.G2P` (version 1.0 output: ɾ -> T, ʔ -> t).
final class EnglishG2P {
    /// Pronounces one out-of-vocabulary word (the token's text, e.g. "Zyzzyva"); returns Kokoro
    /// phonemes or nil. misaki's EspeakFallback plays this role; see EspeakEnglishFallback.
    typealias Fallback = (String) -> String?

    let lexicon: EnglishLexicon
    let fallback: Fallback?

    /// The most pieces of one word looked up together (misaki: all of them). No lexicon entry
    /// spans more; a word of more than `longWordPieces` pieces (a URL, a hash, garbage) is looked
    /// up piece by piece, so that even a megabyte without spaces takes a few seconds.
    static let maxRunLength = 8
    static let longWordPieces = 64

    init(lexicon: EnglishLexicon, fallback: Fallback?) {
        self.lexicon = lexicon
        self.fallback = fallback
    }

    /// The phonemes of `text`: misaki's `G2P(text)[0]`. Words neither the lexicon nor the fallback
    /// can pronounce are spelled letter by letter (Latin letters, accents stripped); a word with
    /// letters that still has no pronunciation throws `TextError.unpronounceable` naming it.
    /// Symbols and emoji go to the fallback like unknown words; without one they are dropped.
    func phonemize(_ text: String) throws -> String {
        let (scalars, features) = Self.preprocess(text)
        var tokens = Self.tokenize(scalars, features: features)
        tokens = Self.foldLeft(tokens)
        var words = Self.retokenize(tokens)
        var context = EnglishTokenContext()
        for index in words.indices.reversed() {
            if words[index].count == 1 {
                try resolveSingle(&words[index][0], context: &context)
            } else {
                try resolveWord(&words[index], context: &context)
            }
        }
        var result = ""
        for word in words {
            let token = word.count == 1 ? word[0] : Self.merge(word, unknown: "")
            if let phonemes = token.phonemes {
                // misaki's version-1.0 output spells the flap and the glottal stop as T and t.
                for c in phonemes.unicodeScalars {
                    result.unicodeScalars.append(c == "ɾ" ? "T" : c == "ʔ" ? "t" : c)
                }
            }
            result += token.whitespace
        }
        return result
    }

    // MARK: - Resolving (G2P.__call__'s loop)

    private func resolveSingle(_ token: inout EnglishToken, context: inout EnglishTokenContext) throws {
        if token.phonemes == nil, let found = lexicon.phonemes(for: token, context: context) {
            token.phonemes = found.phonemes
            token.rating = found.rating
        }
        if token.phonemes == nil, let fallback, let phonemes = fallback(token.text) {
            token.phonemes = phonemes
            token.rating = 2
        }
        if token.phonemes == nil, let spelled = try spellUnknown(token.text) {
            token.phonemes = spelled
            token.rating = 1
        }
        context = Self.tokenContext(context, phonemes: token.phonemes, token: token)
    }

    /// A word of several touching pieces ("don't", "$5.50", "well-known"): the longest run of
    /// pieces the lexicon knows wins, right to left; what is left goes to the fallback as a whole.
    private func resolveWord(_ word: inout [EnglishToken], context: inout EnglishTokenContext) throws {
        if try resolvePieces(&word, context: &context, useFallback: fallback != nil) {
            let whole = Self.merge(word, unknown: nil)
            if let phonemes = fallback?(whole.text) {
                word[0].phonemes = phonemes
                word[0].rating = 2
                for j in 1..<word.count {
                    word[j].phonemes = ""
                    word[j].rating = 2
                }
                return
            }
            // The fallback could not do it either: spell the pieces the lexicon lacks.
            _ = try resolvePieces(&word, context: &context, useFallback: false)
        }
        Self.resolveTokens(&word)
    }

    /// misaki's left/right loop; returns true when a piece needs the fallback (misaki's
    /// should_fallback), having stopped there.
    private func resolvePieces(_ word: inout [EnglishToken], context: inout EnglishTokenContext,
                               useFallback: Bool) throws -> Bool {
        let maxRun = word.count > Self.longWordPieces ? 1 : Self.maxRunLength
        var right = word.count
        var left = max(0, right - maxRun)
        while left < right {
            let blocked = word[left..<right].contains { $0.alias != nil || $0.phonemes != nil }
            let run = blocked ? nil : Self.merge(Array(word[left..<right]), unknown: nil)
            if let run, let found = lexicon.phonemes(for: run, context: context) {
                word[left].phonemes = found.phonemes
                word[left].rating = found.rating
                for j in left + 1..<right {
                    word[j].phonemes = ""
                    word[j].rating = found.rating
                }
                context = Self.tokenContext(context, phonemes: found.phonemes, token: run)
                right = left
                left = max(0, right - maxRun)
            } else if left + 1 < right {
                left += 1
            } else {
                right -= 1
                if word[right].phonemes == nil {
                    if word[right].text.unicodeScalars.allSatisfy({ Self.subtokenJunk.contains($0) }) {
                        word[right].phonemes = ""
                        word[right].rating = 3
                    } else if useFallback {
                        return true
                    } else if let spelled = try spellUnknown(word[right].text) {
                        word[right].phonemes = spelled
                        word[right].rating = 1
                    }
                }
                left = max(0, right - maxRun)
            }
        }
        return false
    }

    /// A word nothing could pronounce: nil (dropped) without letters; else spelled letter by
    /// letter with accents stripped; else an error naming it.
    private func spellUnknown(_ text: String) throws -> String? {
        guard text.unicodeScalars.contains(where: EnglishTokenizer.isLetter) else { return nil }
        let plain = EnglishTokenizer.string(text.unicodeScalars.flatMap(Self.stripAccent).filter(EnglishTokenizer.isLetter))
        if !plain.isEmpty, let spelled = lexicon.spell(plain) { return spelled }
        throw TextError.unpronounceable(
            "cannot pronounce \"\(text)\": it is not in the English lexicon and its letters cannot be spelled; "
                + "install espeak-ng (libespeak-ng1) to pronounce words outside the lexicon")
    }

    // MARK: - misaki's static steps

    enum Feature: Equatable {
        case stress(Double)
        case phonemes(String)
        case numberFlags(String)
    }

    private static let whitespaceScalars: (Unicode.Scalar) -> Bool = EnglishTokenizer.isWhitespace

    /// misaki's G2P.preprocess: "[text](feature)" markup (LINK_REGEX `\[([^\]]+)\]\(([^\)]*)\)`)
    /// becomes plain text plus a feature on the scalar range of `text`; leading whitespace goes.
    static func preprocess(_ text: String) -> (scalars: [Unicode.Scalar], features: [(range: Range<Int>, feature: Feature)]) {
        let input = Array(text.unicodeScalars.drop(while: whitespaceScalars))
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(input.count)
        var features: [(range: Range<Int>, feature: Feature)] = []
        var copied = 0
        var index = 0
        while index < input.count {
            guard input[index] == "[", let link = matchLink(input, at: index) else { index += 1; continue }
            result.append(contentsOf: input[copied..<index])
            let start = result.count
            result.append(contentsOf: input[link.text])
            if let feature = parseFeature(EnglishTokenizer.string(input[link.feature])) {
                features.append((start..<result.count, feature))
            }
            index = link.end
            copied = index
        }
        result.append(contentsOf: input[copied...])
        return (result, features)
    }

    /// LINK_REGEX at `start` (which holds "["): text = one or more non-"]", then "](", then the
    /// feature = any non-")", then ")".
    private static func matchLink(_ s: [Unicode.Scalar], at start: Int) -> (text: Range<Int>, feature: Range<Int>, end: Int)? {
        var k = start + 1
        while k < s.count && s[k] != "]" { k += 1 }
        guard k > start + 1, k + 1 < s.count, s[k + 1] == "(" else { return nil }
        let text = start + 1..<k
        var f = k + 2
        while f < s.count && s[f] != ")" { f += 1 }
        guard f < s.count else { return nil }
        return (text, k + 2..<f, f + 1)
    }

    /// The feature part of misaki's markup: an integer or ±0.5 stress, "/phonemes/", "#flags#".
    private static func parseFeature(_ f: String) -> Feature? {
        let unsigned = f.hasPrefix("-") || f.hasPrefix("+") ? String(f.dropFirst()) : f
        if !unsigned.isEmpty, unsigned.unicodeScalars.allSatisfy(EnglishTokenizer.isASCIIDigit) {
            return Double(f).map { .stress($0) }
        }
        if f == "0.5" || f == "+0.5" { return .stress(0.5) }
        if f == "-0.5" { return .stress(-0.5) }
        let scalars = Array(f.unicodeScalars)
        if scalars.count > 1, scalars.first == "/", scalars.last == "/" {
            return .phonemes(EnglishTokenizer.string(trim(scalars, "/")))
        }
        if scalars.count > 1, scalars.first == "#", scalars.last == "#" {
            return .numberFlags(EnglishTokenizer.string(trim(scalars, "#")))
        }
        return nil
    }

    private static func trim(_ s: [Unicode.Scalar], _ c: Unicode.Scalar) -> ArraySlice<Unicode.Scalar> {
        var slice = s[...]
        while slice.last == c { slice = slice.dropLast() }
        while slice.first == c { slice = slice.dropFirst() }
        return slice
    }

    /// misaki's G2P.tokenize: tokens, then each feature applied to the tokens overlapping its text
    /// (spaCy's Alignment). "/phonemes/" goes to the first such token; the others join it.
    static func tokenize(_ scalars: [Unicode.Scalar], features: [(range: Range<Int>, feature: Feature)]) -> [EnglishToken] {
        let tokenized = EnglishTokenizer.tokenize(scalars)
        var tokens = tokenized.map { $0.token }
        guard !features.isEmpty else { return tokens }
        var first = 0
        for (range, feature) in features {
            while first < tokenized.count && tokenized[first].range.upperBound <= range.lowerBound { first += 1 }
            var j = first, i = 0
            while j < tokenized.count && tokenized[j].range.lowerBound < range.upperBound {
                switch feature {
                case .stress(let stress): tokens[j].stress = stress
                case .phonemes(let phonemes):
                    tokens[j].isHead = i == 0
                    tokens[j].phonemes = i == 0 ? phonemes : ""
                    tokens[j].rating = 5
                case .numberFlags(let flags): tokens[j].numFlags = flags
                }
                j += 1
                i += 1
            }
        }
        return tokens
    }

    /// misaki's G2P.fold_left: a token that is not a head joins the one before it.
    static func foldLeft(_ tokens: [EnglishToken]) -> [EnglishToken] {
        var result: [EnglishToken] = []
        result.reserveCapacity(tokens.count)
        for token in tokens {
            if !token.isHead, let last = result.popLast() {
                result.append(merge([last, token], unknown: ""))
            } else {
                result.append(token)
            }
        }
        return result
    }

    /// misaki's G2P.retokenize: each token cut by SUBTOKEN_REGEX; currency signs, dashes and
    /// punctuation get their phonemes; touching pieces become one word (an array of several).
    static func retokenize(_ tokens: [EnglishToken]) -> [[EnglishToken]] {
        var words: [[EnglishToken]] = []
        // Whether words.last is a list of pieces (misaki's list) rather than a lone token.
        var lastIsList = false
        var currency: String? = nil
        for (i, token) in tokens.enumerated() {
            var pieces: [EnglishToken]
            if token.alias == nil && token.phonemes == nil {
                pieces = subtokenize(token.text).map {
                    EnglishToken(text: $0, tag: token.tag, whitespace: "", isHead: true, stress: token.stress,
                                 numFlags: token.numFlags, prespace: false)
                }
                if pieces.isEmpty { continue }
            } else {
                pieces = [token]
            }
            pieces[pieces.count - 1].whitespace = token.whitespace
            for j in pieces.indices {
                var piece = pieces[j]
                if piece.alias != nil || piece.phonemes != nil {
                } else if piece.tag == "$" && currencies.contains(piece.text) {
                    currency = piece.text
                    piece.phonemes = ""
                    piece.rating = 4
                } else if piece.tag == ":" && (piece.text == "-" || piece.text == "–") {
                    piece.phonemes = "—"
                    piece.rating = 3
                } else if punctuationTags.contains(piece.tag) && !isASCIILetters(piece.text) {
                    piece.phonemes = punctuationTagPhonemes[piece.tag]
                        ?? String(piece.text.filter { EnglishPhonemes.punctuation.contains($0) })
                    piece.rating = 4
                } else if currency != nil {
                    if piece.tag != "CD" {
                        currency = nil
                    } else if j + 1 == pieces.count && (i + 1 == tokens.count || tokens[i + 1].tag != "CD") {
                        piece.currency = currency
                    }
                } else if j > 0 && j < pieces.count - 1 && piece.text == "2",
                          let before = pieces[j - 1].text.unicodeScalars.last, let after = pieces[j + 1].text.unicodeScalars.first,
                          EnglishTokenizer.isLetter(before) && EnglishTokenizer.isLetter(after) {
                    piece.alias = "to"
                }
                pieces[j] = piece
                if piece.alias != nil || piece.phonemes != nil {
                    words.append([piece])
                    lastIsList = false
                } else if lastIsList, let last = words.last?.last, last.whitespace.isEmpty {
                    piece.isHead = false
                    words[words.count - 1].append(piece)
                } else {
                    words.append([piece])
                    lastIsList = piece.whitespace.isEmpty
                }
            }
        }
        return words
    }

    /// misaki's G2P.token_context: the first phoneme that is a vowel, consonant or punctuation
    /// says whether a vowel follows (punctuation: unknown); "to" is remembered for "used to".
    static func tokenContext(_ context: EnglishTokenContext, phonemes: String?, token: EnglishToken) -> EnglishTokenContext {
        var vowel = context.futureVowel
        if let phonemes {
            for c in phonemes {
                if EnglishPhonemes.nonQuotePunctuation.contains(c) { vowel = nil; break }
                if EnglishPhonemes.vowels.contains(c) { vowel = true; break }
                if EnglishPhonemes.consonants.contains(c) { vowel = false; break }
            }
        }
        let futureTo = token.text == "to" || token.text == "To" || (token.text == "TO" && (token.tag == "TO" || token.tag == "IN"))
        return EnglishTokenContext(futureVowel: vowel, futureTo: futureTo)
    }

    /// misaki's G2P.resolve_tokens: final punctuation and junk pieces, spaces between pieces of a
    /// mixed word ("10:30", "a/b"), and at most half the pieces' primary stresses kept.
    static func resolveTokens(_ tokens: inout [EnglishToken]) {
        let text = merge(tokens, unknown: nil).text
        var kinds = Set<Int>()
        for c in text.unicodeScalars where !subtokenJunk.contains(c) {
            kinds.insert(EnglishTokenizer.isLetter(c) ? 0 : EnglishTokenizer.isASCIIDigit(c) ? 1 : 2)
        }
        let prespace = text.unicodeScalars.contains(" ") || text.unicodeScalars.contains("/") || kinds.count > 1
        for i in tokens.indices {
            if tokens[i].phonemes == nil {
                let scalars = tokens[i].text.unicodeScalars
                if i == tokens.count - 1, scalars.count == 1, let c = tokens[i].text.first,
                   EnglishPhonemes.nonQuotePunctuation.contains(c) {
                    tokens[i].phonemes = tokens[i].text
                    tokens[i].rating = 3
                } else if scalars.allSatisfy({ subtokenJunk.contains($0) }) {
                    tokens[i].phonemes = ""
                    tokens[i].rating = 3
                }
            } else if i > 0 {
                tokens[i].prespace = prespace
            }
        }
        if prespace { return }
        var indices: [(primary: Bool, weight: Int, index: Int)] = []
        for (i, token) in tokens.enumerated() {
            guard let phonemes = token.phonemes, !phonemes.isEmpty else { continue }
            indices.append((phonemes.contains(EnglishPhonemes.primaryStress), EnglishPhonemes.stressWeight(phonemes), i))
        }
        if indices.count == 2 && tokens[indices[0].index].text.unicodeScalars.count == 1 {
            let i = indices[1].index
            tokens[i].phonemes = EnglishPhonemes.applyStress(tokens[i].phonemes!, -0.5)
            return
        }
        let primaries = indices.filter { $0.primary }.count
        if indices.count < 2 || primaries <= (indices.count + 1) / 2 { return }
        let demoted = indices.sorted {
            ($0.primary ? 1 : 0, $0.weight, $0.index) < ($1.primary ? 1 : 0, $1.weight, $1.index)
        }.prefix(indices.count / 2)
        for entry in demoted {
            tokens[entry.index].phonemes = EnglishPhonemes.applyStress(tokens[entry.index].phonemes!, -0.5)
        }
    }

    /// misaki's merge_tokens: one token from several touching ones. `unknown` nil leaves the
    /// phonemes nil; otherwise they are joined, `unknown` standing in for missing ones.
    static func merge(_ tokens: [EnglishToken], unknown: String?) -> EnglishToken {
        if tokens.count == 1 {
            // The common case, without the sets below.
            var token = tokens[0]
            token.alias = nil
            token.phonemes = unknown == nil ? nil : (token.phonemes ?? unknown)
            if token.numFlags.count > 1 { token.numFlags = String(Set(token.numFlags).sorted()) }
            return token
        }
        var text = ""
        for token in tokens.dropLast() { text += token.text + token.whitespace }
        text += tokens.last?.text ?? ""
        var phonemes: String? = nil
        if let unknown {
            var joined = ""
            for token in tokens {
                if token.prespace, let last = joined.unicodeScalars.last, !EnglishTokenizer.isWhitespace(last),
                   let own = token.phonemes, !own.isEmpty {
                    joined += " "
                }
                joined += token.phonemes ?? unknown
            }
            phonemes = joined
        }
        // The tag of the piece with the most weight, capitals counting double (first on ties).
        var tag = tokens.first?.tag ?? ""
        var bestWeight = -1
        for token in tokens {
            let weight = token.text.unicodeScalars.reduce(0) { $0 + (isLowercaseForm($1) ? 1 : 2) }
            if weight > bestWeight { bestWeight = weight; tag = token.tag }
        }
        let stresses = Set(tokens.compactMap { $0.stress })
        let ratings = tokens.map { $0.rating }
        let flags = Set(tokens.flatMap { $0.numFlags })
        return EnglishToken(
            text: text, tag: tag, whitespace: tokens.last?.whitespace ?? "", phonemes: phonemes,
            rating: ratings.contains(where: { $0 == nil }) ? nil : ratings.compactMap { $0 }.min(),
            isHead: tokens.first?.isHead ?? true, alias: nil,
            stress: stresses.count == 1 ? stresses.first : nil,
            currency: tokens.compactMap { $0.currency }.max(),
            numFlags: String(flags.sorted()), prespace: tokens.first?.prespace ?? false)
    }

    /// Python's `c == c.lower()`.
    private static func isLowercaseForm(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return !(c.value >= 65 && c.value <= 90) }
        return c.properties.lowercaseMapping == String(c)
    }

    private static func isASCIILetters(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { c in
            if c.isASCII { return EnglishTokenizer.isLetter(c) }
            let lower = c.properties.lowercaseMapping.unicodeScalars.first ?? c
            return lower.value >= 97 && lower.value <= 122
        }
    }

    // MARK: - SUBTOKEN_REGEX

    /// misaki's subtokenize, `regex.findall` of SUBTOKEN_REGEX, which tries in order:
    ///   1 ^['‘’]+                          leading apostrophes
    ///   2 \p{Lu}(?=\p{Lu}\p{Ll})           a capital starting a new Word after capitals ("HTMLParser")
    ///   3 (?:^-)?(?:\d?[,.]?\d)+           a number, with a leading minus at the start
    ///   4 [-_]+                            hyphens and underscores
    ///   5 ['‘’]{2,}                        two or more apostrophes
    ///   6 \p{L}*?(?:['‘’]\p{L})*?\p{Ll}(?=\p{Lu})   letters up to a lower->Upper change ("iPhone")
    ///   7 \p{L}+(?:['‘’]\p{L})*            a word with inner apostrophes
    ///   8 [^-_\p{L}'‘’\d]                  any other single character
    ///   9 ['‘’]+$                          trailing apostrophes
    /// and skips a character where none matches. Works on code points, as Python does.
    static func subtokenize(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var result: [String] = []
        var k = 0
        while k < s.count {
            if let length = subtokenLength(s, k) {
                result.append(EnglishTokenizer.string(s[k..<k + length]))
                k += length
            } else {
                k += 1
            }
        }
        return result
    }

    private static func isApostrophe(_ c: Unicode.Scalar) -> Bool { c == "'" || c == "‘" || c == "’" }

    private static func subtokenLength(_ s: [Unicode.Scalar], _ k: Int) -> Int? {
        let n = s.count
        let isLetter = EnglishTokenizer.isLetter, isUpper = EnglishTokenizer.isUppercase
        let isLower = EnglishTokenizer.isLowercase, isDigit = EnglishTokenizer.isDecimalDigit
        func run(_ from: Int, _ test: (Unicode.Scalar) -> Bool) -> Int {
            var e = from
            while e < n && test(s[e]) { e += 1 }
            return e - from
        }
        // 1
        if k == 0, isApostrophe(s[0]) { return run(0, isApostrophe) }
        // 2
        if isUpper(s[k]), k + 2 < n, isUpper(s[k + 1]), isLower(s[k + 2]) { return 1 }
        // 3
        var start = k
        if k == 0, s[0] == "-" { start = 1 }
        if let end = numberEnd(s, start), end > start { return end - k }
        if start != k, let end = numberEnd(s, k), end > k { return end - k }
        // 4
        if s[k] == "-" || s[k] == "_" { return run(k) { $0 == "-" || $0 == "_" } }
        // 5
        if isApostrophe(s[k]) {
            let apostrophes = run(k, isApostrophe)
            if apostrophes >= 2 { return apostrophes }
        }
        // 6: lazily, fewest leading letters first, then fewest apostrophe pairs.
        let letters = run(k, isLetter)
        for leading in 0...letters {
            var e = k + leading
            while true {
                if e + 1 < n, isLower(s[e]), isUpper(s[e + 1]) { return e + 1 - k }
                // Another apostrophe+letter pair, only possible once the letters have run out.
                guard leading == letters, e + 1 < n, isApostrophe(s[e]), isLetter(s[e + 1]) else { break }
                e += 2
            }
        }
        // 7
        if letters > 0 {
            var e = k + letters
            while e + 1 < n, isApostrophe(s[e]), isLetter(s[e + 1]) { e += 2 }
            return e - k
        }
        // 8
        if s[k] != "-" && s[k] != "_" && !isApostrophe(s[k]) && !isDigit(s[k]) { return 1 }
        // 9
        if isApostrophe(s[k]) {
            let apostrophes = run(k, isApostrophe)
            if k + apostrophes == n { return apostrophes }
        }
        return nil
    }

    /// End of `(?:\d?[,.]?\d)+` from `k`, or nil; each unit tries digit-sep-digit, digit-digit,
    /// sep-digit, digit, as the regex backtracks.
    private static func numberEnd(_ s: [Unicode.Scalar], _ k: Int) -> Int? {
        let n = s.count
        func digit(_ i: Int) -> Bool { i < n && EnglishTokenizer.isDecimalDigit(s[i]) }
        func separator(_ i: Int) -> Bool { i < n && (s[i] == "," || s[i] == ".") }
        var e = k
        while true {
            if digit(e) && separator(e + 1) && digit(e + 2) { e += 3 }
            else if digit(e) && digit(e + 1) { e += 2 }
            else if separator(e) && digit(e + 1) { e += 2 }
            else if digit(e) { e += 1 }
            else { break }
        }
        return e > k ? e : nil
    }

    // MARK: - Tables

    static let currencies: Set<String> = ["$", "£", "€"]
    static let punctuationTags: Set<String> = [".", ",", "-LRB-", "-RRB-", "``", "\"\"", "''", ":", "$", "#", "NFP"]
    static let punctuationTagPhonemes: [String: String] = [
        "-LRB-": "(", "-RRB-": ")", "``": "\u{201C}", "\"\"": "\u{201D}", "''": "\u{201D}",
    ]
    static let subtokenJunk = Set("',-._‘’/".unicodeScalars)

    /// Latin-1 and Latin Extended-A letters without their accents, for spelling; combining marks
    /// (U+0300-U+036F) vanish.
    private static func stripAccent(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        if c.value >= 0x300 && c.value <= 0x36F { return [] }
        guard c.value >= 0xC0 && c.value <= 0x17F, let plain = accentTable[c] else { return [c] }
        return Array(plain.unicodeScalars)
    }

    private static let accentTable: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        let groups: [(String, String)] = [
            ("ÀÁÂÃÄÅĀĂĄ", "A"), ("àáâãäåāăą", "a"), ("ÇĆĈĊČ", "C"), ("çćĉċč", "c"), ("ÐĎĐ", "D"), ("ðďđ", "d"),
            ("ÈÉÊËĒĔĖĘĚ", "E"), ("èéêëēĕėęě", "e"), ("ĜĞĠĢ", "G"), ("ĝğġģ", "g"), ("ĤĦ", "H"), ("ĥħ", "h"),
            ("ÌÍÎÏĨĪĬĮİ", "I"), ("ìíîïĩīĭįı", "i"), ("Ĵ", "J"), ("ĵ", "j"), ("Ķ", "K"), ("ķĸ", "k"),
            ("ĹĻĽĿŁ", "L"), ("ĺļľŀł", "l"), ("ÑŃŅŇŊ", "N"), ("ñńņňŉŋ", "n"), ("ÒÓÔÕÖØŌŎŐ", "O"),
            ("òóôõöøōŏő", "o"), ("ŔŖŘ", "R"), ("ŕŗř", "r"), ("ŚŜŞŠ", "S"), ("śŝşšſ", "s"), ("ŢŤŦ", "T"),
            ("ţťŧ", "t"), ("ÙÚÛÜŨŪŬŮŰŲ", "U"), ("ùúûüũūŭůűų", "u"), ("Ŵ", "W"), ("ŵ", "w"), ("ÝŶŸ", "Y"),
            ("ýÿŷ", "y"), ("ŹŻŽ", "Z"), ("źżž", "z"),
        ]
        for (letters, plain) in groups {
            for c in letters.unicodeScalars { table[c] = plain }
        }
        table["Æ"] = "AE"; table["æ"] = "ae"; table["Œ"] = "OE"; table["œ"] = "oe"; table["ß"] = "ss"
        table["Þ"] = "TH"; table["þ"] = "th"; table["Ĳ"] = "IJ"; table["ĳ"] = "ij"
        return table
    }()
}
