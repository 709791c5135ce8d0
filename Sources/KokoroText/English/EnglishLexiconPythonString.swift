// Python's str semantics for the operations misaki's Lexicon uses. misaki decides a word's fate
// with str.isalpha, lower, upper, capitalize, len and slicing, all of which work on code points;
// Swift's String works on grapheme clusters. Matching Python code point for code point keeps
// the lexicon's decisions the same as misaki's on any input, not just on ASCII.

enum PythonString {
    /// str.isalpha: non-empty, and every code point is a letter (general category L*). Combining
    /// marks are not letters, so a decomposed "é" is not alphabetic in Python either.
    static func isAlpha(_ text: String) -> Bool {
        var sawScalar = false
        for scalar in text.unicodeScalars {
            guard isAlpha(scalar) else { return false }
            sawScalar = true
        }
        return sawScalar
    }

    static func isAlpha(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// str.isdigit for one code point: Numeric_Type Decimal or Digit ("7", "٣", "²", "①").
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.numericType {
        case .decimal?, .digit?: return true
        default: return false
        }
    }

    static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    /// misaki's is_digit (`re.match(r'^[0-9]+$', text)`): one or more ASCII digits and nothing else.
    /// (Python's `$` would also accept one trailing "\n"; tokens never contain one.)
    static func isASCIIDigits(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isASCIIDigit)
    }

    /// str.lower: the full Unicode lower-case mapping of each code point. (Python also turns a
    /// word-final "Σ" into "ς"; that Greek rule does not matter to an English lexicon.)
    static func lower(_ text: String) -> String { text.lowercased() }

    /// str.upper: the full upper-case mapping of each code point ("ß" -> "SS").
    static func upper(_ text: String) -> String { text.uppercased() }

    /// str.capitalize (Python >= 3.8): the first code point title-cased, the rest lower-cased.
    static func capitalize(_ text: String) -> String {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return "" }
        var rest = String.UnicodeScalarView()
        while let scalar = scalars.next() { rest.append(scalar) }
        return first.properties.titlecaseMapping + String(rest).lowercased()
    }

    /// len(text): the number of code points.
    static func count(_ text: String) -> Int { text.unicodeScalars.count }

    /// text[n:] (code points).
    static func dropFirst(_ text: String, _ n: Int = 1) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(n)))
    }

    /// text[:-n] (code points).
    static func dropLast(_ text: String, _ n: Int = 1) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.dropLast(n)))
    }

    // Code point comparisons below run on UTF-8 bytes: equal code points are equal bytes, and a
    // byte suffix that is itself valid UTF-8 starts on a code point boundary.

    /// text.endswith(suffix), comparing code points rather than grapheme clusters.
    static func endsWith(_ text: String, _ suffix: String) -> Bool {
        let bytes = text.utf8, tail = suffix.utf8
        return bytes.count >= tail.count && bytes.suffix(tail.count).elementsEqual(tail)
    }

    /// text.startswith(prefix), comparing code points.
    static func startsWith(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    /// text.replace(old, "") for a one-code-point `old`.
    static func removing(_ old: Unicode.Scalar, from text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != old }))
    }

    /// text.split(separator) for a one-code-point separator: empty pieces kept, as in Python.
    static func split(_ text: String, on separator: Unicode.Scalar) -> [String] {
        text.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
    }

    /// Python `a == b`: code point equality. Swift's `==` compares canonically equivalent strings
    /// equal, which would treat "e\u{301}" and "é" alike where Python does not.
    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}
