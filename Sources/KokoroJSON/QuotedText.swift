// Untrusted text (file content, user input) inside error messages: escaped, because a name may
// hold newlines or terminal escape codes, and shortened, because it may be a megabyte long.

/// `"name"` with control characters and quotes escaped, for error messages about untrusted text.
public func quoted(_ text: String, limit: Int = 80) -> String {
    var out = "\""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == limit {
            out += "..."
            break
        }
        count += 1
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
