/// Text -> Kokoro phonemes for every language libkokoro speaks. (Being filled in: see issue 6.)
public final class TextFrontend {
    /// Directory holding misaki's lexicons ({us,gb}_{gold,silver}.json).
    public let lexiconDirectory: String

    public init(lexiconDirectory: String) {
        self.lexiconDirectory = lexiconDirectory
    }
}
