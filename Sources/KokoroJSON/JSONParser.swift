// A strict RFC 8259 JSON parser over raw bytes, written for untrusted safetensors headers.
//
// Why not Foundation's JSONSerialization: library targets may not use Foundation (ICU, +40 MB,
// and Bundle lookups that break inside ctypes hosts). Why strict: the header decides which bytes
// of a mapped file we read, so anything ambiguous (duplicate keys, lone surrogates, invalid UTF-8,
// integers that do not fit) is an error rather than a guess.
//
// Work and memory are bounded on hostile input: one pass over the bytes, recursion no deeper than
// `maxDepth`, at most `maxValues` values in the document (a 100 MB header of "0,0,0,..." would
// otherwise become ~50 M enum cases, about 1 GB), and number literals of at most
// `maxNumberLength` bytes.

/// A JSON syntax or limit error, with the byte offset where it was detected.
public struct JSONError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public var description: String { "\(message) at byte \(offset)" }
}

/// Parses one JSON document from UTF-8 bytes.
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted. Kokoro's config nests 3 deep.
    public var maxDepth = 64
    /// Most values (of any kind, containers included) in one document. The Kokoro model header
    /// holds about 5,000 (8 or 9 per tensor); a voices header a few hundred.
    public var maxValues = 1_000_000
    /// Longest number literal accepted, in bytes. 64-bit integers need 20 characters.
    public var maxNumberLength = 64

    public init() {}

    /// Parses `text` as one JSON document.
    public func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }

    /// Parses `bytes` as one JSON document; whitespace may surround the value, nothing else may.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var cursor = Cursor(bytes: bytes.bindMemory(to: UInt8.self), limits: self)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        if !cursor.atEnd {
            throw cursor.error("unexpected data after the JSON value")
        }
        return value
    }
}

// The ASCII bytes the grammar mentions.
private enum Byte {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONParser
    var index = 0
    var valueCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParser) {
        self.bytes = bytes
        self.limits = limits
    }

    var atEnd: Bool { index >= bytes.count }

    /// The current byte, or nil at the end of input.
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ message: String, at offset: Int? = nil) -> JSONError {
        JSONError(message: message, offset: offset ?? index)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard peek == byte else {
            throw error(atEnd ? "unexpected end of input, expected \(what)" : "expected \(what)")
        }
        index += 1
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        valueCount += 1
        if valueCount > limits.maxValues {
            throw error("document has more than \(limits.maxValues) values")
        }
        guard let byte = peek else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case Byte.openBrace: return try parseObject(depth: depth + 1)
        case Byte.openBracket: return try parseArray(depth: depth + 1)
        case Byte.quote: return .string(try parseString())
        case Byte.minus, Byte.zero...Byte.nine: return try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        default: throw error("unexpected character, expected a value")
        }
    }

    mutating func parseLiteral(_ word: StaticString) throws {
        let start = index
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count,
              expected.indices.allSatisfy({ bytes[index + $0] == expected[$0] })
        else { throw error("invalid literal", at: start) }
        index += expected.count
    }

    mutating func parseArray(depth: Int) throws -> JSONValue {
        if depth > limits.maxDepth { throw error("nesting deeper than \(limits.maxDepth) levels") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == Byte.closeBracket {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if peek == Byte.comma {
                index += 1
                continue
            }
            try expect(Byte.closeBracket, "',' or ']' in array")
            return .array(elements)
        }
    }

    mutating func parseObject(depth: Int) throws -> JSONValue {
        if depth > limits.maxDepth { throw error("nesting deeper than \(limits.maxDepth) levels") }
        index += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if peek == Byte.closeBrace {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            let keyOffset = index
            guard peek == Byte.quote else {
                throw error(atEnd ? "unexpected end of input, expected an object key" : "expected a string key in object")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(Byte.colon, "':' after object key")
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if !object.insert(value, forKey: key) {
                throw error("duplicate key \(quoted(key)) in object", at: keyOffset)
            }
            skipWhitespace()
            if peek == Byte.comma {
                index += 1
                continue
            }
            try expect(Byte.closeBrace, "',' or '}' in object")
            return .object(object)
        }
    }

    // MARK: Strings

    /// Parses a string literal starting at the opening quote. Raw bytes are checked to be
    /// well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing above U+10FFFF);
    /// escapes are decoded, and a \uD800-\uDBFF escape must be followed by a \uDC00-\uDFFF one.
    mutating func parseString() throws -> String {
        let start = index
        index += 1  // "
        var utf8: [UInt8] = []
        var runStart = index  // start of the current run of bytes copied verbatim
        while true {
            guard index < bytes.count else {
                throw error("unterminated string", at: start)
            }
            let byte = bytes[index]
            if byte == Byte.quote {
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            } else if byte == Byte.backslash {
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape(into: &utf8)
                runStart = index
            } else if byte < 0x20 {
                throw error("unescaped control character in string")
            } else if byte < 0x80 {
                index += 1
            } else {
                index += try utf8SequenceLength(at: index)
            }
        }
    }

    /// Validates the multi-byte UTF-8 sequence starting at `offset` and returns its length.
    /// Ranges follow the Unicode standard's table of well-formed byte sequences (Table 3-7).
    func utf8SequenceLength(at offset: Int) throws -> Int {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF  // no overlong forms
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F  // no UTF-16 surrogates
        case 0xF0: length = 4; secondRange = 0x90...0xBF  // no overlong forms
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F  // nothing above U+10FFFF
        default: throw error("invalid UTF-8 in string", at: offset)
        }
        guard bytes.count - offset >= length, secondRange.contains(bytes[offset + 1]) else {
            throw error("invalid UTF-8 in string", at: offset)
        }
        for continuation in (offset + 2)..<(offset + length) where bytes[continuation] & 0xC0 != 0x80 {
            throw error("invalid UTF-8 in string", at: offset)
        }
        return length
    }

    /// Decodes one escape sequence (cursor on the backslash) and appends its UTF-8.
    mutating func parseEscape(into utf8: inout [UInt8]) throws {
        let start = index
        index += 1  // backslash
        guard let byte = peek else { throw error("unterminated string", at: start) }
        index += 1
        switch byte {
        case Byte.quote: utf8.append(Byte.quote)
        case Byte.backslash: utf8.append(Byte.backslash)
        case Byte.slash: utf8.append(Byte.slash)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = UInt32(try parseHex4(escapeStart: start))
            if (0xDC00...0xDFFF).contains(code) {
                throw error("unpaired low surrogate escape", at: start)
            }
            if (0xD800...0xDBFF).contains(code) {
                let lowStart = index
                guard bytes.count - index >= 2, bytes[index] == Byte.backslash,
                      bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("unpaired high surrogate escape", at: start) }
                index += 2
                let low = UInt32(try parseHex4(escapeStart: lowStart))
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("high surrogate escape not followed by a low surrogate", at: start)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            // Surrogates were handled above, so `code` is a valid scalar.
            utf8.append(contentsOf: Unicode.Scalar(code)!.utf8)
        default:
            throw error("invalid escape sequence in string", at: start)
        }
    }

    mutating func parseHex4(escapeStart: Int) throws -> UInt16 {
        guard bytes.count - index >= 4 else { throw error("truncated \\u escape", at: escapeStart) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case Byte.zero...Byte.nine: digit = byte - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape", at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: Numbers

    /// Parses `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Integers must fit Int64;
    /// other numbers must be finite doubles ("1e999" is out of range, not infinity).
    mutating func parseNumber() throws -> JSONValue {
        let start = index
        var isInteger = true
        if peek == Byte.minus { index += 1 }
        guard let first = peek, (Byte.zero...Byte.nine).contains(first) else {
            throw error("expected a digit in number", at: start)
        }
        if first == Byte.zero {
            index += 1
            if let next = peek, (Byte.zero...Byte.nine).contains(next) {
                throw error("leading zero in number", at: start)
            }
        } else {
            skipDigits()
        }
        if peek == Byte.dot {
            isInteger = false
            index += 1
            guard skipDigits() > 0 else { throw error("expected a digit after '.' in number", at: start) }
        }
        if peek == Byte.lowerE || peek == Byte.upperE {
            isInteger = false
            index += 1
            if peek == Byte.plus || peek == Byte.minus { index += 1 }
            guard skipDigits() > 0 else { throw error("expected a digit in exponent", at: start) }
        }
        let length = index - start
        if length > limits.maxNumberLength {
            throw error("number literal longer than \(limits.maxNumberLength) characters", at: start)
        }
        let literal = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if isInteger {
            guard let value = Self.int64(fromDigits: literal) else {
                throw error("integer out of range", at: start)
            }
            return .integer(value)
        }
        guard let value = Double(String(decoding: literal, as: UTF8.self)), value.isFinite else {
            throw error("number out of range", at: start)
        }
        return .double(value)
    }

    @discardableResult
    mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek, (Byte.zero...Byte.nine).contains(byte) { index += 1 }
        return index - start
    }

    /// Converts an already validated integer literal, accumulating negatively so that
    /// Int64.min ("-9223372036854775808") is representable. Nil on overflow.
    static func int64(fromDigits literal: UnsafeBufferPointer<UInt8>) -> Int64? {
        let negative = literal.first == Byte.minus
        var value: Int64 = 0
        for byte in literal.dropFirst(negative ? 1 : 0) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(byte - Byte.zero))
            if overflow1 || overflow2 { return nil }
            value = next
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }
}
