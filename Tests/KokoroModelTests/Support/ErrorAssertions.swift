import XCTest
@testable import KokoroModel
@testable import KokoroJSON

/// Runs `body`, which must throw a ModelFileError, and returns that error (nil after recording a
/// failure otherwise). Also checks that the message mentions each of `mentions`.
@discardableResult
func assertModelFileError<T>(
    _ body: @autoclosure () throws -> T, mentions: [String] = [],
    file: StaticString = #filePath, line: UInt = #line
) -> ModelFileError? {
    do {
        _ = try body()
        XCTFail("expected a ModelFileError, but the call succeeded", file: file, line: line)
        return nil
    } catch let error as ModelFileError {
        for word in mentions where !error.description.contains(word) {
            XCTFail("error \"\(error)\" does not mention \"\(word)\"", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected a ModelFileError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
}

/// The JSON error thrown by parsing `text`, or nil after recording a failure.
@discardableResult
func assertJSONError(
    _ bytes: [UInt8], mentions: String? = nil, parser: JSONParser = JSONParser(),
    file: StaticString = #filePath, line: UInt = #line
) -> JSONError? {
    do {
        let value = try bytes.withUnsafeBytes { try parser.parse($0) }
        XCTFail("expected a JSON error, parsed \(value)", file: file, line: line)
        return nil
    } catch let error as JSONError {
        if let mentions, !error.message.contains(mentions) {
            XCTFail("JSON error \"\(error)\" does not mention \"\(mentions)\"", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected a JSONError, got \(error)", file: file, line: line)
        return nil
    }
}

@discardableResult
func assertJSONError(
    _ text: String, mentions: String? = nil, parser: JSONParser = JSONParser(),
    file: StaticString = #filePath, line: UInt = #line
) -> JSONError? {
    assertJSONError(Array(text.utf8), mentions: mentions, parser: parser, file: file, line: line)
}

/// Parses `text`, recording a failure if it throws.
func parseJSON(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
    do {
        return try JSONParser().parse(text)
    } catch {
        XCTFail("unexpected JSON error \(error) for \(text)", file: file, line: line)
        return nil
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
