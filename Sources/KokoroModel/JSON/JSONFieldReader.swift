// Typed field access on a JSON object for configuration parsing, so that each missing or
// mistyped field produces one precise message ("istftnet.upsample_rates[1] is a string, expected a
// positive integer") without a page of pattern matching per field.
import KokoroJSON

/// Reads typed fields out of a JSON object; every failure is reported through `fail` with the
/// dotted path of the offending field.
struct JSONFieldReader {
    let object: JSONObject
    /// Dotted path of this object inside the document ("" at the top, "istftnet." below it).
    let prefix: String
    let fail: (String) -> Error

    /// Largest accepted integer: far above any Kokoro dimension, and small enough that products
    /// of a few of them (buffer sizes) cannot overflow.
    static let maxInteger = 1 << 20

    func value(_ key: String) throws -> JSONValue {
        guard let value = object[key] else { throw fail("missing field \"\(prefix)\(key)\"") }
        return value
    }

    /// A nested object.
    func object(_ key: String) throws -> JSONFieldReader {
        let value = try value(key)
        guard case .object(let nested) = value else {
            throw fail("\(prefix)\(key) is \(value.kindName), expected an object")
        }
        return JSONFieldReader(object: nested, prefix: "\(prefix)\(key).", fail: fail)
    }

    /// An integer in 1...maxInteger.
    func positiveInt(_ key: String) throws -> Int {
        try positiveInt(value(key), name: "\(prefix)\(key)")
    }

    /// A non-empty array of integers in 1...maxInteger.
    func positiveInts(_ key: String) throws -> [Int] {
        try positiveInts(value(key), name: "\(prefix)\(key)")
    }

    /// A non-empty array of non-empty arrays of integers in 1...maxInteger.
    func positiveIntArrays(_ key: String) throws -> [[Int]] {
        let name = "\(prefix)\(key)"
        let outer = try nonEmptyArray(value(key), name: name)
        return try outer.enumerated().map { try positiveInts($1, name: "\(name)[\($0)]") }
    }

    /// An object whose values are all integers in 0...maxInteger.
    func stringToIntMap(_ key: String) throws -> [(key: String, value: Int)] {
        let name = "\(prefix)\(key)"
        let value = try value(key)
        guard case .object(let map) = value else {
            throw fail("\(name) is \(value.kindName), expected an object")
        }
        return try map.orderedMembers.map { entry in
            guard case .integer(let number) = entry.value, number >= 0, number <= Self.maxInteger else {
                throw fail("\(name)[\(quoted(entry.key))] is \(describe(entry.value)), expected a non-negative integer")
            }
            return (entry.key, Int(number))
        }
    }

    private func positiveInt(_ value: JSONValue, name: String) throws -> Int {
        guard case .integer(let number) = value, number >= 1, number <= Self.maxInteger else {
            throw fail("\(name) is \(describe(value)), expected an integer from 1 to \(Self.maxInteger)")
        }
        return Int(number)
    }

    private func positiveInts(_ value: JSONValue, name: String) throws -> [Int] {
        try nonEmptyArray(value, name: name).enumerated().map { try positiveInt($1, name: "\(name)[\($0)]") }
    }

    private func nonEmptyArray(_ value: JSONValue, name: String) throws -> [JSONValue] {
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw fail("\(name) is \(value == .array([]) ? "empty" : value.kindName), expected a non-empty array")
        }
        return elements
    }

    private func describe(_ value: JSONValue) -> String {
        if case .integer(let number) = value { return "\(number)" }
        return value.kindName
    }
}
