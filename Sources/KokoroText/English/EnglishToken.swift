// The token misaki's English G2P works on (misaki/token.py MToken and its `_` extras), and the
// right-to-left context it threads through a sentence.

/// One token of English text on its way to phonemes.
struct EnglishToken: Equatable {
    /// The token's characters as they appear in the text.
    var text: String
    /// A Penn Treebank tag ("NN", "DT", "CD", "$", ".", ...). misaki takes it from spaCy's tagger;
    /// libkokoro has no tagger and guesses it from the token itself (see EnglishTokenizer).
    var tag: String
    /// The whitespace that followed the token in the text ("" or " ").
    var whitespace: String
    /// Kokoro phonemes once resolved; nil = not yet.
    var phonemes: String? = nil
    /// How the phonemes were found: 5 explicit, 4 gold lexicon, 3 silver / rules, 2 espeak-ng.
    var rating: Int? = nil
    /// False for the second and later pieces of a word written without spaces ("don't" -> do|n't).
    var isHead: Bool = true
    /// Text to look up instead of `text` ("2" between letters -> "to").
    var alias: String? = nil
    /// Stress override from markup or capitalisation (misaki's -2 ... 2, 0.5 steps).
    var stress: Double? = nil
    /// The currency symbol ("$", "£", "€") that preceded this number.
    var currency: String? = nil
    /// misaki's number flags from "[12](#an#)" markup: "a", "n", "&".
    var numFlags: String = ""
    /// Whether a space goes before this piece when pieces are merged.
    var prespace: Bool = false
}

/// What the tokens to the right of the current one tell it (misaki's TokenContext): whether the
/// next spoken sound is a vowel (nil = none follows, or punctuation does) and whether "to" follows.
struct EnglishTokenContext: Equatable {
    var futureVowel: Bool? = nil
    var futureTo: Bool = false
}
