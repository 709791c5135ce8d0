// Numbers as English words, the way num2words 0.5.14 ('en') spells them, because misaki spells
// numbers with num2words and then looks each word up in its lexicon.
// STUB: being written (issue 6); every function's contract is final.

enum NumberWords {
    /// num2words(n): 123 -> "one hundred and twenty-three", -5 -> "minus five".
    static func cardinal(_ number: Int) -> String { "" }
    /// num2words(n, to='ordinal'): 21 -> "twenty-first".
    static func ordinal(_ number: Int) -> String { "" }
    /// num2words(n, to='year'): 1999 -> "nineteen ninety-nine", 2005 -> "two thousand and five".
    static func year(_ number: Int) -> String { "" }
    /// num2words(float(text)) for a decimal literal such as "3.14" or "0.5" (digits, one dot):
    /// "three point one four". nil when the literal is not a decimal number.
    static func decimal(_ text: String) -> String? { nil }
}
