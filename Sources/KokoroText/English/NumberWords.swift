// Numbers as English words, the way num2words 0.5.14 ('en') spells them, because misaki spells
// numbers with num2words and then looks each word up in its lexicon: a different word (or a
// missing "and", hyphen or comma) is a different pronunciation. The rules below are num2words'
// own (base.py splitnum/clean/float2tuple, lang_EN.py merge/to_ordinal/to_year), not a general
// English style guide; tests check them against Tests/KokoroTextTests/Data/number_words.tsv,
// written by tools/reference/make_number_words.py.
//
// Where num2words raises instead of answering, these functions still answer (documented on
// each); every Int, Int.min included, has words, because Int64's range ends well below
// num2words' own limit (10^306).

enum NumberWords {
    /// num2words(n): 123 -> "one hundred and twenty-three", -5 -> "minus five",
    /// 1100 -> "one thousand, one hundred". Exact for every Int, Int.min included.
    static func cardinal(_ number: Int) -> String {
        let words = phrase(for: number.magnitude).words
        return number < 0 ? "minus " + words : words
    }

    /// num2words(n, to='ordinal'): 21 -> "twenty-first", 100 -> "one hundredth", 0 -> "zeroth".
    /// num2words refuses negatives (TypeError); here they get the same rule applied to the
    /// cardinal, -1 -> "minus first", so a caller never has to handle a failure.
    static func ordinal(_ number: Int) -> String {
        var words = cardinal(number).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var lastParts = words[words.count - 1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        lastParts[lastParts.count - 1] = ordinalWord(lastParts[lastParts.count - 1])
        words[words.count - 1] = lastParts.joined(separator: "-")
        return words.joined(separator: " ")
    }

    /// num2words(n, to='year'): 1999 -> "nineteen ninety-nine", 1905 -> "nineteen oh-five",
    /// 1900 -> "nineteen hundred", 2005 -> "two thousand and five", 2010 -> "twenty ten",
    /// -44 -> "forty-four BC". Years of five digits or more are read as cardinals.
    static func year(_ number: Int) -> String {
        let magnitude = number.magnitude
        let (century, yearInCentury) = magnitude.quotientAndRemainder(dividingBy: 100)
        let words: String
        // num2words reads 00XX, X00X and anything past 9999 as a plain cardinal.
        if century == 0 || (century % 10 == 0 && yearInCentury < 10) || century >= 100 {
            words = phrase(for: magnitude).words
        } else if yearInCentury == 0 {
            words = phrase(for: century).words + " hundred"
        } else if yearInCentury < 10 {
            words = phrase(for: century).words + " oh-" + phrase(for: yearInCentury).words
        } else {
            words = phrase(for: century).words + " " + phrase(for: yearInCentury).words
        }
        return number < 0 ? words + " BC" : words
    }

    /// num2words(float(text)) for a decimal literal: ASCII digits with exactly one dot and at
    /// least one digit ("3.14", "0.5", "5.", ".5"). "3.14" -> "three point one four",
    /// "3.10" -> "three point one" (float drops the zero), "5.0" -> "five" (a whole float is
    /// a cardinal), ".5" -> "zero point five".
    /// nil when the text is not such a literal, and where num2words itself fails or leaves
    /// the range of Int: a value of 2^63 or more (num2words would spell the float's integer,
    /// past quintillions), and values below about 1e-308, whose digit count overflows
    /// num2words' float arithmetic (OverflowError).
    static func decimal(_ text: String) -> String? {
        guard isDecimalLiteral(text), let value = Double(text), value.isFinite else { return nil }
        let wholePart = value.rounded(.towardZero)
        // num2words checks int(value) == value first: a whole float is spelled as an integer.
        if wholePart == value {
            guard let whole = Int(exactly: value) else { return nil }
            return cardinal(whole)
        }
        // Below 2^53 every non-whole double's integer part fits an Int.
        let whole = Int(wholePart)
        // num2words' precision is the number of decimals in repr(value), Python's shortest
        // round-trip form; Swift's description uses the same shortest-closest digits.
        let precision = decimalPlaces(ofShortestForm: value.description)
        // float(10 ** precision) overflows past 1e308, where num2words raises.
        guard precision > 0, precision <= 308, let scale = Double("1e\(precision)") else { return nil }
        // The same double arithmetic as float2tuple, so its rounding quirks carry over:
        // 0.9999999999999999 ends in "... nine eight", not "... nine nine".
        let scaled = (value - wholePart).magnitude * scale
        let nearest = scaled.rounded(.toNearestOrEven)
        // Within 0.01 of a whole number counts as that number (1.239999 is 1.24); otherwise floor.
        let decimalsValue = (nearest - scaled).magnitude < 0.01 ? nearest : scaled.rounded(.down)
        guard let decimals = UInt(exactly: decimalsValue) else { return nil }
        // Left-padded with zeros to `precision` digits, and only the first `precision` digits
        // are read, as num2words does (a rounding carry can make one digit too many).
        let digits = String(decimals)
        let padded = String(repeating: "0", count: max(0, precision - digits.count)) + digits
        var words = [cardinal(whole), "point"]
        for digit in padded.utf8.prefix(precision) {
            words.append(phrase(for: UInt(digit - UInt8(ascii: "0"))).words)
        }
        return words.joined(separator: " ")
    }

    // MARK: - num2words' splitnum and merge

    /// Words and the number they stand for; merge decides the joint ("-", " and ", ", ", " ")
    /// by comparing the numbers on either side.
    private struct Phrase {
        var words: String
        var value: UInt
    }

    /// num2words' `cards`, largest first: every word a number is built from.
    private static let namedNumbers: [(value: UInt, word: String)] = [
        (1_000_000_000_000_000_000, "quintillion"), (1_000_000_000_000_000, "quadrillion"),
        (1_000_000_000_000, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"),
        (1000, "thousand"), (100, "hundred"),
        (90, "ninety"), (80, "eighty"), (70, "seventy"), (60, "sixty"), (50, "fifty"),
        (40, "forty"), (30, "thirty"), (20, "twenty"), (19, "nineteen"), (18, "eighteen"),
        (17, "seventeen"), (16, "sixteen"), (15, "fifteen"), (14, "fourteen"), (13, "thirteen"),
        (12, "twelve"), (11, "eleven"), (10, "ten"), (9, "nine"), (8, "eight"), (7, "seven"),
        (6, "six"), (5, "five"), (4, "four"), (3, "three"), (2, "two"), (1, "one"), (0, "zero"),
    ]

    /// splitnum + clean: value = count × (largest named number ≤ value) + rest, each part
    /// spelled recursively, merged left to right: (count, name), then (that, rest).
    private static func phrase(for value: UInt) -> Phrase {
        guard let named = namedNumbers.first(where: { $0.value <= value }), named.value > 0 else {
            return Phrase(words: "zero", value: 0)
        }
        let (count, rest) = value.quotientAndRemainder(dividingBy: named.value)
        let countPhrase = count == 1 ? Phrase(words: "one", value: 1) : phrase(for: count)
        var result = merge(countPhrase, Phrase(words: named.word, value: named.value))
        if rest != 0 {
            result = merge(result, phrase(for: rest))
        }
        return result
    }

    /// lang_EN.merge: "one" before a tens or units word vanishes ("twenty", not "one twenty");
    /// tens join units with a hyphen; hundreds and above take "and" before anything under 100;
    /// a smaller number before a bigger one multiplies ("two hundred"); otherwise a comma
    /// ("one thousand, one hundred").
    private static func merge(_ left: Phrase, _ right: Phrase) -> Phrase {
        if left.value == 1 && right.value < 100 {
            return right
        } else if 100 > left.value && left.value > right.value {
            return Phrase(words: left.words + "-" + right.words, value: left.value + right.value)
        } else if left.value >= 100 && 100 > right.value {
            return Phrase(words: left.words + " and " + right.words, value: left.value + right.value)
        } else if right.value > left.value {
            return Phrase(words: left.words + " " + right.words, value: left.value * right.value)
        }
        return Phrase(words: left.words + ", " + right.words, value: left.value + right.value)
    }

    // MARK: - Helpers

    /// lang_EN.to_ordinal's last-word rule: one..twelve are irregular, "-y" becomes "-ieth",
    /// anything else takes "th" ("hundredth", "millionth", "zeroth").
    private static func ordinalWord(_ word: String) -> String {
        switch word {
        case "one": return "first"
        case "two": return "second"
        case "three": return "third"
        case "four": return "fourth"
        case "five": return "fifth"
        case "six": return "sixth"
        case "seven": return "seventh"
        case "eight": return "eighth"
        case "nine": return "ninth"
        case "ten": return "tenth"
        case "eleven": return "eleventh"
        case "twelve": return "twelfth"
        default:
            return word.hasSuffix("y") ? String(word.dropLast()) + "ieth" : word + "th"
        }
    }

    /// Digits and exactly one dot, at least one digit: what this function promises to read.
    /// Python's float() takes more (signs, exponents, "_", spaces, "inf"), which callers
    /// handle before getting here.
    private static func isDecimalLiteral(_ text: String) -> Bool {
        var dots = 0
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                dots += 1
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
            } else {
                return false
            }
        }
        return dots == 1 && digits > 0
    }

    /// Decimals in the positional form of a shortest round-trip numeral: "3.14" -> 2,
    /// "1e-05" -> 5, "1.234e-06" -> 9. What Decimal(repr(x)).as_tuple().exponent gives in
    /// float2tuple for a value that is not whole.
    private static func decimalPlaces(ofShortestForm numeral: String) -> Int {
        let parts = numeral.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        var fraction = Substring("")
        if let dot = parts[0].firstIndex(of: ".") {
            fraction = parts[0][parts[0].index(after: dot)...]
        }
        // Swift writes a whole mantissa as "1.0e-05"; the zero is not a decimal place.
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        return max(0, fraction.count - exponent)
    }
}
