// misaki's numbers and currency: Lexicon.is_number, get_number, is_currency, append_currency.
// Numbers are spelled with num2words (NumberWords here) and each word is looked up in the
// lexicon, so "1999" reads as a year, "1st" as an ordinal, "$5.50" as dollars and cents, and a
// number glued to other pieces ("A380", "3.2.1") digit by digit or in pairs.

extension EnglishLexicon {
    /// misaki's CURRENCIES: the unit and the hundredth unit of each symbol.
    static let currencies: [String: (unit: String, hundredth: String)] = [
        "$": ("dollar", "cent"), "£": ("pound", "pence"), "€": ("euro", "cent"),
    ]
    static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th"]

    /// is_number: digits with commas and dots (a leading minus on a head token), optionally
    /// followed by one of the suffixes get_number knows.
    static func isNumber(_ word: String, isHead: Bool) -> Bool {
        guard word.unicodeScalars.contains(where: PythonString.isASCIIDigit) else { return false }
        var body = word
        for suffix in ["ing", "'d", "ed", "'s", "st", "nd", "rd", "th", "s"] where PythonString.endsWith(body, suffix) {
            body = PythonString.dropLast(body, PythonString.count(suffix))
            break
        }
        return body.unicodeScalars.enumerated().allSatisfy { index, scalar in
            PythonString.isASCIIDigit(scalar) || scalar == "," || scalar == "."
                || (isHead && index == 0 && scalar == "-")
        }
    }

    /// is_currency: an amount with at most one dot and at most two digits after it.
    static func isCurrency(_ word: String) -> Bool {
        let pieces = PythonString.split(word, on: ".")
        if pieces.count == 1 { return true }
        if pieces.count > 2 { return false }
        // misaki also accepts `set(cents) == {0}`, which compares characters to an int: never true.
        return PythonString.count(pieces[1]) < 3
    }

    /// append_currency: "million" after "$" -> "million dollars".
    func appendCurrency(_ phonemes: String, _ currency: String?) -> String {
        guard let currency, !currency.isEmpty, let units = Self.currencies[currency],
              let plural = stemS(units.unit + "s", tag: nil, stress: nil, context: nil)?.phonemes,
              !plural.isEmpty else { return phonemes }
        return phonemes + " " + plural
    }

    /// get_number: the phonemes of a word is_number accepted, or nil where misaki would fail
    /// (also for integers beyond 64 bits, which num2words reads and NumberWords cannot).
    func getNumber(_ word: String, currency: String?, isHead: Bool, numFlags: String) -> (phonemes: String, rating: Int)? {
        // The trailing run of [a-z'] (re.search(r"[a-z']+$", word)) is the suffix.
        let scalars = Array(word.unicodeScalars)
        var suffixStart = scalars.count
        while suffixStart > 0, scalars[suffixStart - 1] == "'" || ("a"..."z").contains(scalars[suffixStart - 1]) {
            suffixStart -= 1
        }
        let suffix: String? = suffixStart < scalars.count
            ? String(String.UnicodeScalarView(scalars[suffixStart...])) : nil
        var number = String(String.UnicodeScalarView(scalars[..<suffixStart]))
        var spoken = SpokenNumber(lexicon: self, numFlags: numFlags)
        let negative = PythonString.startsWith(number, "-")
        if negative {
            spoken.append(lookup("minus", tag: nil, stress: nil, context: nil))
            number = PythonString.dropFirst(number)
        }
        let isOrdinal = suffix.map(Self.ordinalSuffixes.contains) ?? false
        let knownCurrency = currency.flatMap { Self.currencies[$0] }
        if PythonString.isASCIIDigits(number) && isOrdinal {
            guard let value = Int(number) else { return nil }
            spoken.extend(words: NumberWords.ordinal(value))
        } else if !negative && PythonString.count(number) == 4 && knownCurrency == nil
                    && PythonString.isASCIIDigits(number) {
            guard let value = Int(number) else { return nil }
            spoken.extend(words: NumberWords.year(value))
        } else if !isHead && !number.unicodeScalars.contains(".") {
            spoken.extendPartOfWord(PythonString.removing(",", from: number))
        } else if !isHead || PythonString.split(number, on: ".").count > 2 {
            spoken.extendDotted(PythonString.removing(",", from: number))
        } else if let knownCurrency, Self.isCurrency(number) {
            spoken.extendAmount(PythonString.removing(",", from: number), units: knownCurrency)
        } else {
            guard let words = Self.numberWords(number, isOrdinal: isOrdinal) else { return nil }
            spoken.extend(words: words)
        }
        guard !spoken.failed, !spoken.pieces.isEmpty else { return nil }
        let phonemes = spoken.pieces.map(\.phonemes).joined(separator: " ")
        let rating = spoken.pieces.map(\.rating).min() ?? 4
        switch suffix {
        case "s"?, "'s"?: return appendS(phonemes).map { ($0, rating) }
        case "ed"?, "'d"?: return appendEd(phonemes).map { ($0, rating) }
        case "ing"?: return appendIng(phonemes).map { ($0, rating) }
        default: return (phonemes, rating)
        }
    }

    /// get_number's last branch: a plain number, a comma-grouped one ("1,000th"), a decimal
    /// ("3.14"), or a bare fraction (".5" -> "point five").
    private static func numberWords(_ number: String, isOrdinal: Bool) -> String? {
        if PythonString.isASCIIDigits(number) {
            return Int(number).map(NumberWords.cardinal)
        }
        let digits = PythonString.removing(",", from: number)
        if !number.unicodeScalars.contains(".") {
            guard let value = Int(digits) else { return nil }
            return isOrdinal ? NumberWords.ordinal(value) : NumberWords.cardinal(value)
        }
        if PythonString.startsWith(digits, ".") {
            let fraction = PythonString.dropFirst(digits).unicodeScalars.map { NumberWords.cardinal(Int(String($0)) ?? 0) }
            return (["point"] + fraction).joined(separator: " ")
        }
        return NumberWords.decimal(digits)
    }
}

/// get_number's `result` list and its extend_num closure: the phonemes of each spoken word.
private struct SpokenNumber {
    let lexicon: EnglishLexicon
    let numFlags: String
    var pieces: [(phonemes: String, rating: Int)] = []
    /// Set when a lookup found nothing, where misaki would fail on joining a None.
    var failed = false

    init(lexicon: EnglishLexicon, numFlags: String) {
        self.lexicon = lexicon
        self.numFlags = numFlags
    }

    mutating func append(_ piece: (phonemes: String, rating: Int)?) {
        if let piece { pieces.append(piece) } else { failed = true }
    }

    /// extend_num(num, first, escape=True): each word of `words` (split on anything but a-z, so
    /// "twenty-one" is two words) looked up. "and" is dropped unless the "&" flag keeps it; the
    /// "n" flag glues it to the previous word as "ən"; the "a" flag reads a leading "one" as "ə"
    /// ("a hundred").
    mutating func extend(words: String, first: Bool = true) {
        let split = Self.splitOnNonLetterRuns(words)
        for (index, word) in split.enumerated() {
            if word != "and" || numFlags.contains("&") {
                if first && index == 0 && split.count > 1 && word == "one" && numFlags.contains("a") {
                    pieces.append(("ə", 4))
                } else {
                    append(lexicon.lookup(word, tag: nil, stress: word == "point" ? -2 : nil, context: nil))
                }
            } else if numFlags.contains("n"), let last = pieces.indices.last {
                pieces[last].phonemes += "ən"
            }
        }
    }

    /// `re.split(r'[^a-z]+', words)`: a run of other characters (", " in "twelve thousand, three")
    /// separates once; a run at either end leaves an empty word there, as in Python.
    static func splitOnNonLetterRuns(_ words: String) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var inSeparator = false
        for scalar in words.unicodeScalars {
            if ("a"..."z").contains(scalar) {
                current.append(scalar)
                inSeparator = false
            } else if !inSeparator {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                inSeparator = true
            }
        }
        pieces.append(String(current))
        return pieces
    }

    /// extend_num(num, first) with escape=False: the integer `digits` spelled by num2words.
    mutating func extend(digits: String, first: Bool = true) {
        guard let value = Int(digits) else { failed = true; return }
        extend(words: NumberWords.cardinal(value), first: first)
    }

    /// get_number's branch for a number inside a word (not the head piece, no dot): "007" and
    /// numbers over three digits digit by digit, "380" as "three eighty", "105" as "one O five".
    mutating func extendPartOfWord(_ number: String) {
        let digits = number.unicodeScalars.map { String($0) }
        guard let firstDigit = digits.first else { failed = true; return }
        if firstDigit == "0" || digits.count > 3 {
            for digit in digits { extend(digits: digit, first: false) }
        } else if digits.count == 3 && !(digits[1] == "0" && digits[2] == "0") {
            extend(digits: digits[0])
            if digits[1] == "0" {
                append(lexicon.lookup("O", tag: nil, stress: -2, context: nil))
                extend(digits: digits[2], first: false)
            } else {
                extend(digits: digits[1] + digits[2], first: false)
            }
        } else {
            extend(digits: number)
        }
    }

    /// get_number's branch for "1.2.3" (or a dotted number inside a word): each dot-separated
    /// group read whole when it is a pair or a round number, else digit by digit.
    mutating func extendDotted(_ number: String) {
        var first = true
        for group in PythonString.split(number, on: ".") {
            let digits = group.unicodeScalars.map { String($0) }
            if let leading = digits.first {
                if leading == "0" || (digits.count != 2 && digits.dropFirst().contains { $0 != "0" }) {
                    for digit in digits { extend(digits: digit, first: false) }
                } else {
                    extend(digits: group, first: first)
                }
            }
            first = false
        }
    }

    /// get_number's currency branch: "5.50" after "$" -> "five dollars and fifty cents"; a zero
    /// part is left out ("$0.99" -> "ninety-nine cents"); 1 takes the singular; pence never -s.
    mutating func extendAmount(_ amount: String, units: (unit: String, hundredth: String)) {
        var pairs: [(value: Int, unit: String)] = []
        for (part, unit) in zip(PythonString.split(amount, on: "."), [units.unit, units.hundredth]) {
            guard let value = part.isEmpty ? 0 : Int(part) else { failed = true; return }
            pairs.append((value, unit))
        }
        if pairs.count > 1 {
            if pairs[1].value == 0 {
                pairs = Array(pairs.prefix(1))
            } else if pairs[0].value == 0 {
                pairs = Array(pairs.dropFirst())
            }
        }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { append(lexicon.lookup("and", tag: nil, stress: nil, context: nil)) }
            extend(words: NumberWords.cardinal(pair.value), first: index == 0)
            if abs(pair.value) != 1 && pair.unit != "pence" {
                append(lexicon.stemS(pair.unit + "s", tag: nil, stress: nil, context: nil))
            } else {
                append(lexicon.lookup(pair.unit, tag: nil, stress: nil, context: nil))
            }
        }
    }
}
