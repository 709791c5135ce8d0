import XCTest
@testable import KokoroModel
@testable import KokoroJSON

final class JSONParserTests: XCTestCase {
    func testValuesOfEveryKind() throws {
        let value = parseJSON(#" { "a" : [1, -2, 3.5, -0.25e2, true, false, null, "x"], "b": {} , "c": [] } "#)
        guard case .object(let object)? = value else { return XCTFail("not an object") }
        XCTAssertEqual(object.keys, ["a", "b", "c"])
        XCTAssertEqual(object["a"], .array([.integer(1), .integer(-2), .double(3.5), .double(-25), .bool(true),
                                            .bool(false), .null, .string("x")]))
        XCTAssertEqual(object["b"], .object(JSONObject()))
        XCTAssertEqual(object["c"], .array([]))
    }

    func testIntegerAndFloatDistinction() {
        XCTAssertEqual(parseJSON("12"), .integer(12))
        XCTAssertEqual(parseJSON("-0"), .integer(0))
        XCTAssertEqual(parseJSON("12.0"), .double(12))
        XCTAssertEqual(parseJSON("1e3"), .double(1000))
        XCTAssertEqual(parseJSON("1E+3"), .double(1000))
        XCTAssertEqual(parseJSON("2.5e-1"), .double(0.25))
        XCTAssertEqual(parseJSON("9223372036854775807"), .integer(Int64.max))
        XCTAssertEqual(parseJSON("-9223372036854775808"), .integer(Int64.min))
        if case .double(let negativeZero)? = parseJSON("-0.0") {
            XCTAssertEqual(negativeZero.sign, .minus)
        } else {
            XCTFail("-0.0 is not a double")
        }
    }

    func testNumbersOutOfRangeOrMalformed() {
        assertJSONError("9223372036854775808", mentions: "out of range")
        assertJSONError("-9223372036854775809", mentions: "out of range")
        assertJSONError("123456789012345678901234567890", mentions: "out of range")
        assertJSONError("1e999", mentions: "out of range")
        assertJSONError("-1e999", mentions: "out of range")
        assertJSONError("01", mentions: "leading zero")
        assertJSONError("-", mentions: "digit")
        assertJSONError("1.", mentions: "digit")
        assertJSONError(".5")
        assertJSONError("1e", mentions: "exponent")
        assertJSONError("+1")
        assertJSONError("NaN")
        assertJSONError("Infinity")
        assertJSONError("0x10")
        assertJSONError("1" + String(repeating: "0", count: 100) + ".0", mentions: "longer than")
    }

    func testStringEscapes() {
        XCTAssertEqual(parseJSON(#""a\"b\\c\/d\be\ff\ng\rh\ti""#), .string("a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti"))
        XCTAssertEqual(parseJSON(#""\u0041\u00e9\u20AC""#), .string("Aé€"))
        XCTAssertEqual(parseJSON(#""\u0000""#), .string("\u{0}"))
        // U+1F600 as a UTF-16 surrogate pair, and as raw UTF-8.
        XCTAssertEqual(parseJSON(#""\uD83D\uDE00""#), .string("\u{1F600}"))
        XCTAssertEqual(parseJSON("\"\u{1F600}ʤ\u{303}\""), .string("\u{1F600}ʤ\u{303}"))
    }

    func testBadEscapesAndSurrogates() {
        assertJSONError(#""\uD83D""#, mentions: "unpaired high surrogate")
        assertJSONError(#""\uD83Dx""#, mentions: "unpaired high surrogate")
        assertJSONError(#""\uD83D\u0041""#, mentions: "not followed by a low surrogate")
        assertJSONError(#""\uDE00""#, mentions: "unpaired low surrogate")
        assertJSONError(#""\u12""#, mentions: "escape")
        assertJSONError(#""\u12G4""#, mentions: "hex digit")
        assertJSONError(#""\x""#, mentions: "invalid escape")
        assertJSONError(#""\"#, mentions: "unterminated")
        assertJSONError("\"abc", mentions: "unterminated")
        assertJSONError("\"a\nb\"", mentions: "control character")
        assertJSONError("\"a\u{7}b\"", mentions: "control character")
    }

    func testInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x80],                    // lone continuation byte
            [0xC0, 0x80],              // overlong NUL
            [0xC1, 0xBF],              // overlong
            [0xE0, 0x80, 0x80],        // overlong 3-byte
            [0xED, 0xA0, 0x80],        // UTF-16 surrogate D800 encoded in UTF-8
            [0xF0, 0x80, 0x80, 0x80],  // overlong 4-byte
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],  // invalid lead byte
            [0xFF],
            [0xE2, 0x82],              // truncated sequence before the closing quote
            [0xE2, 0x28, 0xA1],        // bad continuation
        ]
        for bytes in cases {
            assertJSONError([0x22] + bytes + [0x22], mentions: "UTF-8")
        }
        // Truncated at the very end of input.
        assertJSONError([0x22, 0xF0, 0x9F], mentions: "UTF-8")
        // The largest valid forms are accepted.
        XCTAssertNoThrow(try ([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22] as [UInt8]).withUnsafeBytes { try JSONParser().parse($0) })
        XCTAssertNoThrow(try ([0x22, 0xEF, 0xBF, 0xBF, 0x22] as [UInt8]).withUnsafeBytes { try JSONParser().parse($0) })
    }

    func testStructureErrors() {
        assertJSONError("", mentions: "end of input")
        assertJSONError("   ", mentions: "end of input")
        assertJSONError("[1, 2", mentions: "end of input")
        assertJSONError("[1 2]", mentions: "','")
        assertJSONError("[1,]", mentions: "expected a value")
        assertJSONError("{\"a\" 1}", mentions: "':'")
        assertJSONError("{\"a\": 1,}", mentions: "string key")
        assertJSONError("{1: 2}", mentions: "string key")
        assertJSONError("{\"a\": 1", mentions: "end of input")
        assertJSONError("tru", mentions: "literal")
        assertJSONError("nul", mentions: "literal")
        assertJSONError("falsey", mentions: "after the JSON value")
        assertJSONError("{} {}", mentions: "after the JSON value")
        assertJSONError("[] x", mentions: "after the JSON value")
        assertJSONError("{}\u{0}", mentions: "after the JSON value")
    }

    func testDuplicateKeysAreRejected() {
        let error = assertJSONError(Array(#"{"a": 1, "b": 2, "a": 3}"#.utf8), mentions: "duplicate key \"a\"")
        XCTAssertEqual(error?.offset, 17)
        // Canonically equivalent spellings are the same Swift String, hence the same key.
        assertJSONError("{\"\u{E9}\": 1, \"e\u{301}\": 2}", mentions: "duplicate key")
        // Duplicates in nested objects too.
        assertJSONError(#"{"x": {"k": 1, "k": 1}}"#, mentions: "duplicate key")
    }

    func testDepthLimit() {
        var parser = JSONParser()
        parser.maxDepth = 4
        XCTAssertNoThrow(try parser.parse("[[[[1]]]]"))
        assertJSONError("[[[[[1]]]]]", mentions: "nesting deeper than 4", parser: parser)
        assertJSONError(#"{"a":{"b":{"c":{"d":{}}}}}"#, mentions: "nesting deeper than 4", parser: parser)
        // 10^5 unclosed brackets fail fast at the default limit, without exhausting the stack.
        let error = assertJSONError(String(repeating: "[", count: 100_000), mentions: "nesting deeper than 64")
        XCTAssertEqual(error?.offset, 64)
    }

    func testValueCountLimit() {
        var parser = JSONParser()
        parser.maxValues = 10
        XCTAssertNoThrow(try parser.parse("[1,2,3,4,5,6,7,8,9]"))  // 9 numbers + the array
        assertJSONError("[1,2,3,4,5,6,7,8,9,10]", mentions: "more than 10 values", parser: parser)
    }

    func testRandomTokenSoupNeverCrashes() {
        // Bounded, deterministic fuzz of the parser alone: sequences of JSON fragments.
        let fragments = ["{", "}", "[", "]", ",", ":", "\"", "\"a\"", "\\", "\\u", "D83D", "1", "-", "0",
                         ".", "e", "true", "nul", " ", "\u{0}", "é", "\u{1F600}", "\\uDE00", "9999999999999999999"]
        var random = SplitMix64(seed: 42)
        var parsed = 0
        for _ in 0..<5_000 {
            let count = Int.random(in: 1...12, using: &random)
            let text = (0..<count).map { _ in fragments.randomElement(using: &random)! }.joined()
            if (try? JSONParser().parse(text)) != nil { parsed += 1 }
        }
        XCTAssertGreaterThan(parsed, 0)
    }
}
