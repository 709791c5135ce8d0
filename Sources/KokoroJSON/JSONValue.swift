// The document model produced by JSONParser. Small on purpose: safetensors headers and the Kokoro
// config need objects, arrays, strings, integers, floats, booleans and null, and nothing else.

/// A parsed JSON value.
///
/// Numbers are kept in two cases so that callers can insist on integers where JSON only says
/// "number": a literal without fraction or exponent (`12`, `-3`) is `.integer`; anything else
/// (`1.5`, `1e3`, `2.0`) is `.double`. Tensor shapes and offsets accept `.integer` only.
public enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's kind, for error messages ("expected an integer, found a string").
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .double: return "a non-integer number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object: its members by key, plus the keys in document order so that iteration (and so
/// every error message that depends on it) is deterministic.
///
/// Keys are Swift `String`s, which compare by canonical equivalence: "\u{E9}" and "e\u{301}" are
/// the same key. The parser therefore rejects such a pair as a duplicate rather than letting one
/// silently shadow the other.
public struct JSONObject: Equatable {
    public private(set) var keys: [String] = []
    private var members: [String: JSONValue] = [:]

    public init() {}

    public var count: Int { keys.count }

    public subscript(key: String) -> JSONValue? { members[key] }

    /// Adds a member; returns false (and changes nothing) when the key is already present.
    public mutating func insert(_ value: JSONValue, forKey key: String) -> Bool {
        if members[key] != nil { return false }
        members[key] = value
        keys.append(key)
        return true
    }

    /// Members in document order.
    public var orderedMembers: [(key: String, value: JSONValue)] {
        keys.map { ($0, members[$0]!) }
    }
}
