// misaki's English Lexicon (misaki/en.py class Lexicon): gold then silver dictionary lookup,
// capitalisation stress, -s/-ed/-ing stemming, special words, numbers and currency.
// STUB: being written (issue 6); the API below is final.

final class EnglishLexicon {
    let british: Bool

    /// Loads `{us,gb}_gold.json` and `{us,gb}_silver.json` from `directory` (misaki's files,
    /// verbatim) and grows them as misaki does (capitalised / lower-case variants).
    /// Throws `TextError.lexicon` naming the file when one is missing or malformed.
    init(directory: String, british: Bool) throws {
        self.british = british
    }

    /// misaki's Lexicon.__call__(tk, ctx): the token's phonemes and rating, or nil when the
    /// lexicon has no pronunciation (the caller then tries espeak-ng or spells the word).
    func phonemes(for token: EnglishToken, context: EnglishTokenContext) -> (phonemes: String, rating: Int)? { nil }

    /// The gold entry for a single letter or word, unmodified (e.g. "A" for spelling); nil if absent.
    func gold(_ word: String) -> String? { nil }

    /// misaki's get_NNP: `word` spelled letter by letter from the gold lexicon's letter names, with
    /// the last letter's stress primary ("BBC" -> "bˌibˌisˈi"); nil if a character is not a letter.
    func spell(_ word: String) -> String? { nil }
}
