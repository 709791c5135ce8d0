// Text as Python sees it: a sequence of Unicode scalars. misaki and phonemizer replace, split and
// strip code points; Swift's String works on grapheme clusters and compares canonically, so it
// would treat "e" + U+0303 as one character that "e" does not match. Everything in this folder
// that has to reproduce their output edits CodePointText instead. (A type of our own rather than
// extensions on Array and String, which would leak into the rest of the module.)

struct CodePointText: Equatable {
    var scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar] = []) { self.scalars = scalars }
    init(_ string: String) { scalars = Array(string.unicodeScalars) }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    var isEmpty: Bool { scalars.isEmpty }

    /// Python's str.replace: every non-overlapping occurrence, left to right.
    func replacing(_ old: [Unicode.Scalar], with new: [Unicode.Scalar]) -> CodePointText {
        guard let first = old.first, scalars.count >= old.count else { return self }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        let lastStart = scalars.count - old.count
        var index = 0
        while index < scalars.count {
            if index <= lastStart, scalars[index] == first, scalars[index..<(index + old.count)].elementsEqual(old) {
                result.append(contentsOf: new)
                index += old.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return CodePointText(result)
    }

    func replacing(_ old: String, with new: String) -> CodePointText {
        replacing(Array(old.unicodeScalars), with: Array(new.unicodeScalars))
    }

    /// Python's str.strip() with no argument.
    func strippingWhitespace() -> CodePointText {
        CodePointText(Self.strippingWhitespace(scalars[...]))
    }

    static func strippingWhitespace(_ scalars: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !isWhitespace($0) }) else { return [] }
        return Array(scalars[first...last])
    }

    /// str.isspace() in Python (and so `\s` in its `re` patterns): the scalars whose bidirectional
    /// class is WS, B or S, or whose category is Zs.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
