// The character normalisation misaki's Lexicon.__call__ applies before any lookup:
// unicodedata.normalize('NFKC', word), then numeric_if_needed on each character.
//
// Swift's standard library has no NFKC (only NFC, through String._nfcCodeUnits, which Foundation
// itself relies on). NFKC = compatibility decomposition + canonical composition, so we apply the
// compatibility mappings that can turn up in English text by hand, then NFC. Covered: fullwidth
// and small-form ASCII, fullwidth currency signs, unusual spaces, ligatures (ﬁ), super- and
// subscripts, vulgar fractions, Roman numerals, circled / parenthesised / full-stop numbers and
// letters, letterlike symbols (™, №, ℃), mathematical alphanumerics (𝐀, 𝟗), spacing accents and
// the Latin digraphs (Ĳ, ǅ). Not covered (left unchanged, unlike Python): CJK compatibility
// ideographs and squared abbreviations (㎞), Arabic and other presentation forms, half-width
// katakana, Hangul compatibility jamo, and the rarer modifier letters. None of these spell an
// English word, so the lexicon answers nil for them either way, except that such a word is not
// split into digits or letters the lexicon knows. numeric_if_needed still maps every Unicode digit.

extension PythonString {
    /// unicodedata.normalize('NFKC', text), for the characters listed at the top of this file.
    static func nfkc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var mapped = ""
        for scalar in text.unicodeScalars {
            if let replacement = compatibilityMapping(scalar) {
                mapped += replacement
            } else {
                mapped.unicodeScalars.append(scalar)
            }
        }
        return String(decoding: mapped._nfcCodeUnits, as: UTF8.self)
    }

    /// misaki's numeric_if_needed over a whole word: every Unicode digit ("٣", "²") becomes its
    /// ASCII value; other characters stay.
    static func asciiDigits(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            // A digit's numeric value is 0...9; checked rather than trusted, and without libm.
            if isDigit(scalar), let value = scalar.properties.numericValue, value >= 0, value <= 9,
               Double(Int(value)) == value, let ascii = Unicode.Scalar(0x30 + UInt32(Int(value))) {
                result.append(ascii)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    // MARK: - The compatibility mappings (each range checked against Python's unicodedata)

    private static let latinUpper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
    private static let latinLower = Array("abcdefghijklmnopqrstuvwxyz".unicodeScalars)

    private static let singles: [UInt32: String] = [
        0x00A0: " ", 0x00A8: " \u{308}", 0x00AA: "a", 0x00AF: " \u{304}", 0x00B2: "2", 0x00B3: "3",
        0x00B4: " \u{301}", 0x00B5: "\u{3BC}", 0x00B8: " \u{327}", 0x00B9: "1", 0x00BA: "o",
        0x00BC: "1\u{2044}4", 0x00BD: "1\u{2044}2", 0x00BE: "3\u{2044}4",
        0x0132: "IJ", 0x0133: "ij", 0x013F: "L\u{B7}", 0x0140: "l\u{B7}", 0x0149: "\u{2BC}n", 0x017F: "s",
        0x01C4: "D\u{17D}", 0x01C5: "D\u{17E}", 0x01C6: "d\u{17E}", 0x01C7: "LJ", 0x01C8: "Lj", 0x01C9: "lj",
        0x01CA: "NJ", 0x01CB: "Nj", 0x01CC: "nj", 0x01F1: "DZ", 0x01F2: "Dz", 0x01F3: "dz",
        0x02B0: "h", 0x02B2: "j", 0x02B3: "r", 0x02B7: "w", 0x02B8: "y", 0x02E1: "l", 0x02E2: "s", 0x02E3: "x",
        0x02D8: " \u{306}", 0x02D9: " \u{307}", 0x02DA: " \u{30A}", 0x02DB: " \u{328}", 0x02DC: " \u{303}",
        0x02DD: " \u{30B}",
        0x2011: "\u{2010}", 0x2024: ".", 0x2025: "..", 0x2026: "...", 0x202F: " ", 0x205F: " ", 0x3000: " ",
        0x2033: "\u{2032}\u{2032}", 0x2034: "\u{2032}\u{2032}\u{2032}", 0x2036: "\u{2035}\u{2035}",
        0x2037: "\u{2035}\u{2035}\u{2035}", 0x203C: "!!", 0x2047: "??", 0x2048: "?!", 0x2049: "!?",
        0x2070: "0", 0x2071: "i", 0x207A: "+", 0x207B: "\u{2212}", 0x207C: "=", 0x207D: "(", 0x207E: ")",
        0x207F: "n", 0x208A: "+", 0x208B: "\u{2212}", 0x208C: "=", 0x208D: "(", 0x208E: ")",
        0x2090: "a", 0x2091: "e", 0x2092: "o", 0x2093: "x", 0x2094: "\u{259}", 0x2095: "h", 0x2096: "k",
        0x2097: "l", 0x2098: "m", 0x2099: "n", 0x209A: "p", 0x209B: "s", 0x209C: "t", 0x20A8: "Rs",
        0x2100: "a/c", 0x2101: "a/s", 0x2102: "C", 0x2103: "\u{B0}C", 0x2105: "c/o", 0x2106: "c/u",
        0x2107: "\u{190}", 0x2109: "\u{B0}F", 0x210A: "g", 0x210B: "H", 0x210C: "H", 0x210D: "H", 0x210E: "h",
        0x210F: "\u{127}", 0x2110: "I", 0x2111: "I", 0x2112: "L", 0x2113: "l", 0x2115: "N", 0x2116: "No",
        0x2119: "P", 0x211A: "Q", 0x211B: "R", 0x211C: "R", 0x211D: "R", 0x2120: "SM", 0x2121: "TEL",
        0x2122: "TM", 0x2124: "Z", 0x2128: "Z", 0x212C: "B", 0x212D: "C", 0x212F: "e", 0x2130: "E",
        0x2131: "F", 0x2133: "M", 0x2134: "o", 0x2139: "i",
        0x2150: "1\u{2044}7", 0x2151: "1\u{2044}9", 0x2152: "1\u{2044}10", 0x2153: "1\u{2044}3",
        0x2154: "2\u{2044}3", 0x2155: "1\u{2044}5", 0x2156: "2\u{2044}5", 0x2157: "3\u{2044}5",
        0x2158: "4\u{2044}5", 0x2159: "1\u{2044}6", 0x215A: "5\u{2044}6", 0x215B: "1\u{2044}8",
        0x215C: "3\u{2044}8", 0x215D: "5\u{2044}8", 0x215E: "7\u{2044}8", 0x215F: "1\u{2044}",
        0x2189: "0\u{2044}3", 0x24EA: "0",
        0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
        0xFE50: ",", 0xFE51: "\u{3001}", 0xFE52: ".", 0xFE54: ";", 0xFE55: ":", 0xFE56: "?", 0xFE57: "!",
        0xFE58: "\u{2014}", 0xFE59: "(", 0xFE5A: ")", 0xFE5B: "{", 0xFE5C: "}", 0xFE5D: "\u{3014}",
        0xFE5E: "\u{3015}", 0xFE5F: "#", 0xFE60: "&", 0xFE61: "*", 0xFE62: "+", 0xFE63: "-", 0xFE64: "<",
        0xFE65: ">", 0xFE66: "=", 0xFE68: "\\", 0xFE69: "$", 0xFE6A: "%", 0xFE6B: "@",
        0xFFE0: "\u{A2}", 0xFFE1: "\u{A3}", 0xFFE2: "\u{AC}", 0xFFE3: " \u{304}", 0xFFE4: "\u{A6}",
        0xFFE5: "\u{A5}", 0xFFE6: "\u{20A9}",
    ]

    private static let romanNumerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "L", "C", "D", "M"]

    /// The NFKC replacement of one code point, or nil when it has none that we handle.
    static func compatibilityMapping(_ scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        if value < 0xA0 { return nil }
        if let single = singles[value] { return single }
        switch value {
        case 0x2000...0x200A: return " "
        case 0x2074...0x2079: return String(value - 0x2070)
        case 0x2080...0x2089: return String(value - 0x2080)
        case 0x2160...0x216F: return romanNumerals[Int(value - 0x2160)]
        case 0x2170...0x217F: return romanNumerals[Int(value - 0x2170)].lowercased()
        case 0x2460...0x2473: return String(value - 0x2460 + 1)
        case 0x2474...0x2487: return "(\(value - 0x2474 + 1))"
        case 0x2488...0x249B: return "\(value - 0x2488 + 1)."
        case 0x249C...0x24B5: return "(\(latinLower[Int(value - 0x249C)]))"
        case 0x24B6...0x24CF: return String(latinUpper[Int(value - 0x24B6)])
        case 0x24D0...0x24E9: return String(latinLower[Int(value - 0x24D0)])
        case 0x3251...0x325F: return String(value - 0x3251 + 21)
        case 0x32B1...0x32BF: return String(value - 0x32B1 + 36)
        case 0xFF01...0xFF5E: return Unicode.Scalar(value - 0xFEE0).map { String($0) }
        case 0x1D400...0x1D6A3:
            // Thirteen styled alphabets of 52 letters (A-Z, a-z); the gaps are unassigned
            // because those letters live in the letterlike-symbols block instead.
            if scalar.properties.generalCategory == .unassigned { return nil }
            let letter = Int(value - 0x1D400) % 52
            return String(letter < 26 ? latinUpper[letter] : latinLower[letter - 26])
        case 0x1D7CE...0x1D7FF: return String((value - 0x1D7CE) % 10)
        case 0x1F100: return "0."
        case 0x1F101...0x1F10A: return "\(value - 0x1F101),"
        case 0x1F110...0x1F129: return "(\(latinUpper[Int(value - 0x1F110)]))"
        case 0x1F130...0x1F149: return String(latinUpper[Int(value - 0x1F130)])
        case 0x1FBF0...0x1FBF9: return String(value - 0x1FBF0)
        default: return nil
        }
    }
}
