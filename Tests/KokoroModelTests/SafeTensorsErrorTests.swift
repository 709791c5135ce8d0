import XCTest
@testable import KokoroModel

/// Every way a safetensors file can be broken must end in a ModelFileError naming the file and
/// the problem: never a crash, never a read outside the file.
final class SafeTensorsErrorTests: XCTestCase {
    let directory = TemporaryDirectory()

    /// Writes `bytes` and opens them, expecting an error that mentions the file and `mentions`.
    @discardableResult
    func openError(_ bytes: [UInt8], mentions: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> ModelFileError? {
        let path = directory.write(bytes)
        return assertModelFileError(try SafeTensorsFile(path: path), mentions: [path] + mentions, file: file, line: line)
    }

    @discardableResult
    func openError(header: String, data: [UInt8] = [], mentions: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> ModelFileError? {
        openError(SafeTensorsWriter.file(header: header, data: data), mentions: mentions, file: file, line: line)
    }

    /// `{"t": {"dtype": ..., "shape": ..., "data_offsets": ...}}` with the fields given as JSON text.
    func entry(dtype: String = "\"F32\"", shape: String = "[2]", offsets: String = "[0,8]") -> String {
        #"{"t":{"dtype":\#(dtype),"shape":\#(shape),"data_offsets":\#(offsets)}}"#
    }

    func testFileThatCannotBeOpened() {
        let missing = directory.url.appendingPathComponent("absent.safetensors").path
        guard case .cannotOpen? = assertModelFileError(try SafeTensorsFile(path: missing), mentions: [missing, "No such file"]) else {
            return XCTFail("wrong error")
        }
        guard case .cannotOpen? = assertModelFileError(try SafeTensorsFile(path: directory.url.path), mentions: ["not a regular file"]) else {
            return XCTFail("wrong error")
        }
    }

    func testEmptyFile() {
        guard case .malformedFile? = openError([], mentions: ["0 bytes"]) else { return XCTFail("wrong error") }
    }

    func testSevenByteFile() {
        guard case .malformedFile? = openError([2, 0, 0, 0, 0, 0, 0], mentions: ["7 bytes"]) else { return XCTFail("wrong error") }
    }

    func testHeaderLengthLargerThanFile() {
        let bytes = SafeTensorsWriter.file(header: Array("{}      ".utf8), headerLength: 9)
        guard case .malformedFile? = openError(bytes, mentions: ["header length 9", "8 bytes", "truncated"]) else {
            return XCTFail("wrong error")
        }
    }

    func testHugeHeaderLength() {
        let bytes = SafeTensorsWriter.file(header: Array("{}      ".utf8), headerLength: 1 << 63)
        guard case .malformedFile? = openError(bytes, mentions: ["9223372036854775808", "limit"]) else {
            return XCTFail("wrong error")
        }
        openError(SafeTensorsWriter.file(header: Array("{}".utf8), headerLength: .max), mentions: ["18446744073709551615"])
        openError(SafeTensorsWriter.file(header: Array("{}".utf8), headerLength: 100_000_001), mentions: ["limit"])
    }

    func testNonJSONHeader() {
        guard case .malformedHeader? = openError(header: "hello, world", mentions: ["invalid JSON"]) else {
            return XCTFail("wrong error")
        }
        openError(header: "", mentions: ["invalid JSON", "end of input"])
        openError(SafeTensorsWriter.file(header: Array("{}\0\0\0\0\0\0".utf8), pad: false), mentions: ["after the JSON value"])
    }

    func testJSONArrayHeader() {
        guard case .malformedHeader? = openError(header: "[1, 2]", mentions: ["array", "expected an object"]) else {
            return XCTFail("wrong error")
        }
        openError(header: "\"text\"", mentions: ["string"])
    }

    func testUnknownDType() {
        let error = openError(header: entry(dtype: "\"I64\""), data: Array(repeating: 0, count: 8),
                              mentions: ["\"t\"", "unsupported dtype \"I64\"", "F32, F16, BF16"])
        guard case .invalidTensor(_, "t", _)? = error else { return XCTFail("wrong error") }
        openError(header: entry(dtype: "\"f32\""), data: Array(repeating: 0, count: 8), mentions: ["unsupported dtype"])
        openError(header: entry(dtype: "32"), data: Array(repeating: 0, count: 8), mentions: ["dtype is an integer"])
    }

    func testNegativeOrNonIntegerShape() {
        let data = [UInt8](repeating: 0, count: 8)
        guard case .invalidTensor? = openError(header: entry(shape: "[-2]"), data: data, mentions: ["shape element 0 is -2"]) else {
            return XCTFail("wrong error")
        }
        openError(header: entry(shape: "[2.0]"), data: data, mentions: ["shape element 0 is a non-integer number"])
        openError(header: entry(shape: "[1, 2.5]"), data: data, mentions: ["shape element 1"])
        openError(header: entry(shape: "[\"2\"]"), data: data, mentions: ["shape element 0 is a string"])
        openError(header: entry(shape: "2"), data: data, mentions: ["shape is an integer", "expected an array"])
        openError(header: entry(shape: "[99999999999999999999]"), data: data, mentions: ["invalid JSON", "out of range"])
    }

    func testShapeAndOffsetSizeMismatch() {
        let error = openError(header: entry(shape: "[3]", offsets: "[0,8]"), data: Array(repeating: 0, count: 12),
                              mentions: ["shape [3] of F32 needs 12 bytes", "span 8"])
        guard case .invalidTensor(_, "t", _)? = error else { return XCTFail("wrong error") }
        openError(header: entry(dtype: "\"F16\"", shape: "[4]", offsets: "[0,4]"), data: Array(repeating: 0, count: 8),
                  mentions: ["needs 8 bytes"])
    }

    func testElementCountOverflow() {
        // 2^40 * 2^40 * 4 wraps to 0 in 64 bits; with offsets [0, 0] it must not pass as empty.
        guard case .invalidTensor? = openError(header: entry(shape: "[1099511627776, 1099511627776]", offsets: "[0,0]"),
                                               mentions: ["overflows"]) else {
            return XCTFail("wrong error")
        }
        openError(header: entry(shape: "[9223372036854775807]", offsets: "[0,0]"), mentions: ["overflows"])
        openError(header: entry(shape: "[4611686018427387904, 0]", offsets: "[0,0]"), mentions: ["overflows"])
    }

    func testOffsetsOutsideTheFile() {
        let data = [UInt8](repeating: 0, count: 8)
        guard case .invalidTensor? = openError(header: entry(offsets: "[8,16]"), data: data, mentions: ["[8, 16]", "past the end", "8-byte data section"]) else {
            return XCTFail("wrong error")
        }
        openError(header: entry(offsets: "[9223372036854775800,9223372036854775807]"), data: data, mentions: ["past the end"])
        openError(header: entry(offsets: "[8,0]"), data: data, mentions: ["end before they begin"])
        openError(header: entry(offsets: "[-8,0]"), data: data, mentions: ["data_offsets element 0 is -8"])
        openError(header: entry(offsets: "[0,8,16]"), data: data, mentions: ["3 elements"])
        openError(header: entry(offsets: "[0]"), data: data, mentions: ["1 elements"])
        openError(header: entry(offsets: "{}"), data: data, mentions: ["data_offsets is an object"])
    }

    func testOverlappingTensors() {
        let header = #"""
        {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
         "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
        """#
        let error = openError(header: header, data: Array(repeating: 0, count: 12), mentions: ["\"b\"", "overlap tensor \"a\""])
        guard case .invalidTensor(_, "b", _)? = error else { return XCTFail("wrong error") }
        // Containment and identical ranges overlap too; the header order does not matter.
        let nested = #"""
        {"outer":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},
         "inner":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}
        """#
        openError(header: nested, data: Array(repeating: 0, count: 16), mentions: ["overlap"])
        let same = #"""
        {"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
         "y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}
        """#
        openError(header: same, data: Array(repeating: 0, count: 4), mentions: ["overlap"])
    }

    func testTruncatedData() {
        let full = SafeTensorsWriter.file([TestTensor("a", shape: [2], floats: [1, 2]),
                                           TestTensor("b", shape: [3], floats: [3, 4, 5])])
        for cut in 1...12 {
            let error = openError(Array(full.dropLast(cut)), mentions: ["\"b\"", "past the end", "truncated"])
            guard case .invalidTensor(_, "b", _)? = error else { return XCTFail("wrong error for cut \(cut)") }
        }
    }

    func testInvalidUTF8InAName() {
        var header = Array(#"{"ab":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8)
        header[3] = 0xFF  // the "b"
        guard case .malformedHeader? = openError(SafeTensorsWriter.file(header: header, data: [0, 0, 0, 0]), mentions: ["UTF-8"]) else {
            return XCTFail("wrong error")
        }
        header[3] = 0xC3  // a lead byte followed by '"', not a continuation byte
        openError(SafeTensorsWriter.file(header: header, data: [0, 0, 0, 0]), mentions: ["UTF-8"])
    }

    func testDeeplyNestedJSON() {
        let header = String(repeating: "[", count: 100_000)
        guard case .malformedHeader? = openError(header: header, mentions: ["nesting deeper than 64"]) else {
            return XCTFail("wrong error")
        }
        openError(header: #"{"t":"# + String(repeating: "{\"a\":", count: 100_000), mentions: ["nesting"])
    }

    func testNonStringMetadata() {
        let error = openError(header: #"{"__metadata__":{"format":"kokoro-bundle","format_version":1}}"#,
                              mentions: ["\"format_version\"", "integer", "expected a string"])
        guard case .invalidMetadata(_, "format_version", _)? = error else { return XCTFail("wrong error") }
        openError(header: #"{"__metadata__":{"k":null}}"#, mentions: ["null"])
        openError(header: #"{"__metadata__":{"k":{"nested":"x"}}}"#, mentions: ["an object"])
        openError(header: #"{"__metadata__":["a"]}"#, mentions: ["__metadata__", "array"])
    }

    func testDuplicateTensorNames() {
        let header = #"""
        {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
         "a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}
        """#
        guard case .malformedHeader? = openError(header: header, data: Array(repeating: 0, count: 8), mentions: ["duplicate key \"a\""]) else {
            return XCTFail("wrong error")
        }
        openError(header: #"{"__metadata__":{"k":"1","k":"2"}}"#, mentions: ["duplicate key \"k\""])
    }

    func testMalformedEntries() {
        openError(header: #"{"t":[1,2]}"#, mentions: ["\"t\"", "entry is an array"])
        openError(header: #"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], mentions: ["missing \"dtype\""])
        openError(header: #"{"t":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], mentions: ["missing \"shape\""])
        openError(header: #"{"t":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0], mentions: ["missing \"data_offsets\""])
        openError(header: #"{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], mentions: ["empty tensor name"])
    }

    func testControlCharactersInNamesAreEscapedInMessages() {
        let error = openError(header: #"{"bad\nname\u001b[31m":{"dtype":"X"}}"#)
        XCTAssertEqual(error?.description.contains("\n"), false)
        XCTAssertEqual(error?.description.contains("\u{1B}"), false)
        XCTAssertEqual(error?.description.contains(#"bad\u{a}name\u{1b}[31m"#), true)
    }
}
