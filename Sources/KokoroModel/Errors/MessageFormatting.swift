// Helpers for putting untrusted file content into error messages: names and shapes come from the
// file, so they are escaped (a name may hold newlines or terminal escape codes) and shortened (a
// hostile header may hold a megabyte-long name or a shape with a million dimensions).
// `quoted` lives in KokoroJSON, which every layer that reads untrusted text shares.

/// `[22, 128, 7]`, shortened after `limit` dimensions.
func formatShape(_ shape: [Int], limit: Int = 16) -> String {
    let shown = shape.prefix(limit).map(String.init).joined(separator: ", ")
    return "[" + shown + (shape.count > limit ? ", ... (\(shape.count) dimensions)]" : "]")
}

/// `a, b, c`, shortened after `limit` names.
func formatNameList(_ names: [String], limit: Int = 64) -> String {
    guard !names.isEmpty else { return "none" }
    let shown = names.prefix(limit).joined(separator: ", ")
    return names.count > limit ? shown + ", ... (\(names.count) in all)" : shown
}
