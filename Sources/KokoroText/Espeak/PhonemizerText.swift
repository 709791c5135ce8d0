// The text handling that phonemizer 3.3 (phonemizer-fork) wraps around espeak-ng, which misaki's
// espeak path depends on for its exact output:
//   - Punctuation.preserve: the line is cut at runs of punctuation marks (with the whitespace
//     around them); espeak-ng only ever sees the pieces between, so it neither speaks nor drops
//     the marks and does not let them change its clause intonation.
//   - EspeakBackend._postprocess_line: each piece's clauses are joined and cleaned, every word
//     gets a trailing space (the word separator), the tie U+0361 becomes the requested one.
//   - Punctuation.restore: the marks are put back between the phonemized pieces.
// Only one line is ever phonemized at a time (misaki passes [text]), so every mark belongs to
// line 0; restore keeps its line counter anyway so that it follows the original step by step.

enum PhonemizerText {
    /// phonemizer's default punctuation marks (`Punctuation.default_marks()`).
    static let punctuationMarks: Set<Unicode.Scalar> = Set(";:,.!?¡¿—…\"«»“”(){}[]".unicodeScalars)

    /// Where a run of marks sits in its line; restore treats each differently.
    enum MarkPosition { case begin, inner, end, alone }

    struct Mark: Equatable {
        var text: [Unicode.Scalar]
        var position: MarkPosition
    }

    /// Punctuation.preserve on one line: the pieces espeak-ng phonemizes (empty ones dropped)
    /// and the marks that restore puts back. A mark is a run of whitespace and punctuation that
    /// holds at least one punctuation mark: the regex `(\s*[marks]+\s*)+`, leftmost, greedy.
    static func splitAtPunctuation(_ line: [Unicode.Scalar]) -> (pieces: [[Unicode.Scalar]], marks: [Mark]) {
        let isMark = { (scalar: Unicode.Scalar) in punctuationMarks.contains(scalar) }
        var matches: [Range<Int>] = []
        var index = 0
        while index < line.count {
            guard isMark(line[index]) || CodePointText.isWhitespace(line[index]) else {
                index += 1
                continue
            }
            var afterSpaces = index
            while afterSpaces < line.count, CodePointText.isWhitespace(line[afterSpaces]) { afterSpaces += 1 }
            guard afterSpaces < line.count, isMark(line[afterSpaces]) else {
                // Whitespace not followed by a mark: no match starts anywhere in it, so skip it
                // whole (keeps long runs of spaces linear).
                index = afterSpaces
                continue
            }
            var end = afterSpaces
            while end < line.count, isMark(line[end]) || CodePointText.isWhitespace(line[end]) { end += 1 }
            matches.append(index..<end)
            index = end
        }

        guard !matches.isEmpty else { return (line.isEmpty ? [] : [line], []) }
        if matches.count == 1, matches[0] == 0..<line.count {
            return ([], [Mark(text: line, position: .alone)])
        }

        var pieces: [[Unicode.Scalar]] = []
        var marks: [Mark] = []
        var pieceStart = 0
        for (number, match) in matches.enumerated() {
            let position: MarkPosition
            if number == 0, match.lowerBound == 0 {
                position = .begin
            } else if number == matches.count - 1, match.upperBound == line.count {
                position = .end
            } else {
                position = .inner
            }
            marks.append(Mark(text: Array(line[match]), position: position))
            pieces.append(Array(line[pieceStart..<match.lowerBound]))
            pieceStart = match.upperBound
        }
        pieces.append(Array(line[pieceStart...]))
        return (pieces.filter { !$0.isEmpty }, marks)
    }

    /// Punctuation.restore with the default separator (word " ", strip=False): the phonemized
    /// pieces and the marks merged back into lines. misaki reads the first line.
    /// phonemizer rebuilds its first pending piece by concatenation at every inner mark; here it
    /// grows in place, so long texts with many marks stay linear.
    static func restore(_ phonemized: [[Unicode.Scalar]], _ marks: [Mark]) -> [[Unicode.Scalar]] {
        let space: Unicode.Scalar = " "
        var text = phonemized
        var head = 0  // text[head...] is what phonemizer's `text` list still holds
        var marks = marks[...]
        var lines: [[Unicode.Scalar]] = []
        var lineNumber = 0
        while head < text.count || !marks.isEmpty {
            if marks.isEmpty {
                for line in text[head...] { lines.append(line.last == space ? line : line + [space]) }
                head = text.count
            } else if head == text.count {
                // Nothing was phonemized: the marks alone, as they were.
                lines.append(marks.flatMap { $0.text })
                marks = []
            } else if lineNumber == 0 {
                let mark = marks.removeFirst()
                let wordEnd: [Unicode.Scalar] = mark.text.last == space ? [] : [space]
                if text[head].last == space { text[head].removeLast() }
                switch mark.position {
                case .begin:
                    text[head] = mark.text + text[head]
                case .end:
                    text[head].append(contentsOf: mark.text + wordEnd)
                    lines.append(text[head])
                    head += 1
                    lineNumber += 1
                case .alone:
                    lines.append(mark.text + wordEnd)
                    lineNumber += 1
                case .inner:
                    if head == text.count - 1 {
                        text[head].append(contentsOf: mark.text)
                    } else {
                        var merged = text[head]
                        text[head] = []  // leaves `merged` the only owner, so it grows in place
                        merged.append(contentsOf: mark.text)
                        merged.append(contentsOf: text[head + 1])
                        text[head + 1] = merged
                        head += 1
                    }
                }
            } else {
                lines.append(text[head])
                head += 1
                lineNumber += 1
            }
        }
        return lines
    }

    /// EspeakBackend._postprocess_line for with_stress=True, a tie, the default separator:
    /// `clauses` is what espeak-ng returned for one piece, clause outputs joined by spaces.
    static func postprocess(_ clauses: [Unicode.Scalar], removeLanguageFlags: Bool, tie: Unicode.Scalar) -> [Unicode.Scalar] {
        var line = CodePointText(clauses).strippingWhitespace()
            .replacing("\n", with: " ")
            .replacing("  ", with: " ")
            .scalars
        // espeak-ng can leave extra phoneme separators at word ends (espeak-ng issue 694).
        line = CodePointText(collapsingUnderscoreRuns(line)).replacing("_ ", with: " ").scalars
        if removeLanguageFlags { line = removingLanguageFlags(line) }
        guard !line.isEmpty else { return [] }

        // line.split(' '), empty words kept; each word stripped, its ties swapped, a space after.
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(line.count + 1)
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            let stripped = CodePointText(CodePointText.strippingWhitespace(word))
            result.append(contentsOf: stripped.replacing(["\u{361}"], with: [tie]).scalars)
            result.append(" ")
        }
        return result
    }

    /// `re.sub(r'_+', '_', line)`.
    private static func collapsingUnderscoreRuns(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result = [Unicode.Scalar]()
        result.reserveCapacity(line.count)
        for scalar in line where !(scalar == "_" && result.last == "_") { result.append(scalar) }
        return result
    }

    /// `re.sub(r'\(.+?\)', '', line)`: espeak-ng's language switch flags such as "(en)" and
    /// "(fr)", i.e. "(" + at least one character + the nearest ")" after it. `.` would stop at a
    /// newline, but postprocess has already turned those into spaces.
    static func removingLanguageFlags(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard line.contains("(") else { return line }
        // nextClose[i]: index of the first ")" at or after i, so each "(" finds its end in O(1).
        var nextClose = [Int](repeating: line.count, count: line.count + 1)
        for index in stride(from: line.count - 1, through: 0, by: -1) {
            nextClose[index] = line[index] == ")" ? index : nextClose[index + 1]
        }
        var result = [Unicode.Scalar]()
        result.reserveCapacity(line.count)
        var index = 0
        while index < line.count {
            if line[index] == "(", index + 2 <= line.count, nextClose[index + 2] < line.count {
                index = nextClose[index + 2] + 1
            } else {
                result.append(line[index])
                index += 1
            }
        }
        return result
    }
}
