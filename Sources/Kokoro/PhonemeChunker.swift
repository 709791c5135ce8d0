/// Splits a phoneme sequence into chunks the network takes (at most 510 phonemes each), at the
/// most natural break that fits: the last sentence end, else the last clause break, else the last
/// space, else exactly at the limit. The spaces at a break are dropped; nothing else is.
enum PhonemeChunker {
    /// Phonemes per chunk: the model's 512 positions less the two boundary tokens.
    static let limit = 510

    static let sentenceEnds: Set<Unicode.Scalar> = [".", "!", "?"]
    static let clauseBreaks: Set<Unicode.Scalar> = [",", ";", ":", "\u{2014}"]
    /// Closing marks that stay with the sentence or clause they end (`."`, `!)`).
    static let closers: Set<Unicode.Scalar> = ["\"", "\u{201D}", "\u{2019}", "\u{00BB}", ")", "]"]

    /// The chunks of `phonemes`, in order; none is empty or longer than `limit`, none starts or
    /// ends with a space. Empty (or all-space) input gives no chunks.
    static func split(_ phonemes: [Unicode.Scalar], limit: Int = limit) -> [[Unicode.Scalar]] {
        precondition(limit > 0)
        var chunks: [[Unicode.Scalar]] = []
        var rest = trimSpaces(phonemes[...])
        while rest.count > limit {
            let window = rest.prefix(limit)
            let end = breakPoint(in: window)
            let chunk = trimSpaces(rest[..<end])
            if !chunk.isEmpty { chunks.append(Array(chunk)) }
            rest = trimSpaces(rest[end...])
        }
        if !rest.isEmpty { chunks.append(Array(rest)) }
        return chunks
    }

    /// Where to end the chunk that starts `window` (an index of the underlying array): after the
    /// last sentence end (and its closers), else after the last clause break, else at the last
    /// space, else at the end of the window.
    private static func breakPoint(in window: ArraySlice<Unicode.Scalar>) -> Int {
        for marks in [sentenceEnds, clauseBreaks] {
            if let mark = window.lastIndex(where: { marks.contains($0) }) {
                var end = mark + 1
                while end < window.endIndex && closers.contains(window[end]) { end += 1 }
                return end
            }
        }
        if let space = window.lastIndex(of: " "), space > window.startIndex { return space }
        return window.endIndex
    }

    private static func trimSpaces(_ slice: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = slice
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return slice
    }
}
