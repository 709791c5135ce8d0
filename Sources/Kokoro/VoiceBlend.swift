import KokoroModel

/// A voice, or a weighted mix of voices: "jf_alpha", "jf_alpha:0.7,jm_kumo:0.3", "jf_alpha,jm_kumo"
/// (a name without ":weight" weighs 1). Weights are normalised to sum 1, and the style row used for
/// a chunk is the weighted sum of each voice's row (the reference's `torch.mean` of voice packs for
/// equal weights).
struct VoiceBlend: Equatable {
    /// (voice name, weight); weights are positive and sum to 1. A name given twice keeps both
    /// entries (their weights add up in the style).
    let components: [(name: String, weight: Float)]

    static func == (a: VoiceBlend, b: VoiceBlend) -> Bool {
        a.components.elementsEqual(b.components) { $0.name == $1.name && $0.weight == $1.weight }
    }

    /// Parses a voice specification. Throws `KokoroError.invalidArgument` for malformed text (an
    /// empty entry or name, a weight that is not a positive finite number).
    init(parsing specification: String) throws {
        func bad(_ why: String) -> KokoroError {
            .invalidArgument("voice \"\(specification)\" is not a voice name or a blend such as \"jf_alpha:0.7,jm_kumo:0.3\": \(why)")
        }
        var entries: [(String, Double)] = []
        for rawEntry in specification.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = rawEntry.trimmingSpaces()
            if entry.isEmpty { throw bad("an entry is empty") }
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw bad("\"\(entry)\" has more than one ':'") }
            let name = parts[0].trimmingSpaces()
            if name.isEmpty { throw bad("\"\(entry)\" has no voice name") }
            var weight = 1.0
            if parts.count == 2 {
                let text = parts[1].trimmingSpaces()
                guard let value = Double(text), value.isFinite, value > 0 else {
                    throw bad("the weight \"\(text)\" of \(name) is not a positive number")
                }
                weight = value
            }
            entries.append((name, weight))
        }
        let total = entries.reduce(0) { $0 + $1.1 }
        guard total.isFinite && total > 0 else { throw bad("the weights do not add up to a positive number") }
        components = entries.map { (name: $0.0, weight: Float($0.1 / total)) }
    }

    /// The names that `voices` lacks, in order of appearance, without repeats.
    func unknownNames(in voices: VoiceBank) -> [String] {
        var seen = Set<String>()
        return components.map(\.name).filter { !voices.contains($0) && seen.insert($0).inserted }
    }

    /// The 256-value style row for a chunk of `phonemeCount` phonemes: Σ weight · row.
    func style(from voices: VoiceBank, phonemeCount: Int) throws -> [Float] {
        if components.count == 1 { return try voices.style(components[0].name, phonemeCount: phonemeCount) }
        var mixed = [Float](repeating: 0, count: VoiceBank.rowWidth)
        for (name, weight) in components {
            let row = try voices.style(name, phonemeCount: phonemeCount)
            for i in mixed.indices { mixed[i] += weight * row[i] }
        }
        return mixed
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (no Foundation in the library).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
