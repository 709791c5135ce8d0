// Reading misaki's lexicon files ({us,gb}_{gold,silver}.json, verbatim from the misaki wheel) and
// growing them as misaki's Lexicon.__init__ and Lexicon.grow_dictionary do.

import Glibc
import KokoroJSON

extension EnglishLexicon {
    /// One lexicon value: misaki's JSON holds either a string or an object from POS tag to a
    /// string or null.
    enum Entry: Equatable, Sendable {
        case phonemes(String)
        /// Pronunciations by tag ("DEFAULT" always present, "VBD", "NOUN", "None", ...); a nil
        /// value means "spell the word out" (misaki's null, e.g. "AA" as a noun).
        case byTag([String: String?])

        /// The untagged pronunciation: the string, or the DEFAULT of a tagged entry.
        var defaultPhonemes: String? {
            switch self {
            case .phonemes(let phonemes): return phonemes
            case .byTag(let byTag): return byTag["DEFAULT"] ?? nil
            }
        }
    }

    /// The most JSON values one lexicon file may hold. The largest (gb_silver.json) holds about
    /// 110,000; gold files about 92,000 (entries plus their tagged variants).
    static let maxValuesPerFile = 1_000_000

    /// Loads one lexicon file and grows it. `vocabulary`, when given, is the phoneme set every
    /// pronunciation must stay inside (misaki asserts this for its gold files).
    static func loadDictionary(path: String, vocabulary: Set<Character>?) throws -> [String: Entry] {
        let vocabulary = vocabulary.map(ScalarSet.init)
        let bytes = try readFile(path)
        var parser = JSONParser()
        parser.maxValues = maxValuesPerFile
        let document: JSONValue
        do {
            document = try bytes.withUnsafeBytes { try parser.parse($0) }
        } catch let error as JSONError {
            throw TextError.lexicon("lexicon \(path) is not valid JSON: \(error)")
        }
        guard case .object(let object) = document else {
            throw TextError.lexicon("lexicon \(path) must be a JSON object of words, found \(document.kindName)")
        }
        var entries: [(word: String, entry: Entry)] = []
        entries.reserveCapacity(object.count)
        for (word, value) in object.orderedMembers {
            let entry = try Self.entry(value, word: word, path: path)
            if let vocabulary {
                try checkVocabulary(entry, vocabulary, word: word, path: path)
            }
            entries.append((word, entry))
        }
        return growDictionary(entries)
    }

    private static func entry(_ value: JSONValue, word: String, path: String) throws -> Entry {
        switch value {
        case .string(let phonemes):
            return .phonemes(phonemes)
        case .object(let tags):
            var byTag: [String: String?] = [:]
            for (tag, tagValue) in tags.orderedMembers {
                switch tagValue {
                case .string(let phonemes): byTag[tag] = .some(phonemes)
                case .null: byTag[tag] = .some(nil)
                default:
                    throw TextError.lexicon("lexicon \(path): \"\(word)\" as \(tag) must be a string or null, found \(tagValue.kindName)")
                }
            }
            // lookup() falls back to DEFAULT for any other tag; misaki asserts it is there.
            guard byTag["DEFAULT"] != nil else {
                throw TextError.lexicon("lexicon \(path): \"\(word)\" has tagged pronunciations but no DEFAULT")
            }
            return .byTag(byTag)
        default:
            throw TextError.lexicon("lexicon \(path): \"\(word)\" must be a string or an object, found \(value.kindName)")
        }
    }

    private static func checkVocabulary(_ entry: Entry, _ vocabulary: ScalarSet, word: String, path: String) throws {
        let pronunciations: [String]
        switch entry {
        case .phonemes(let phonemes): pronunciations = [phonemes]
        case .byTag(let byTag): pronunciations = byTag.values.compactMap { $0 }
        }
        for phonemes in pronunciations where !phonemes.unicodeScalars.allSatisfy(vocabulary.contains) {
            throw TextError.lexicon("lexicon \(path): \"\(word)\" -> \"\(phonemes)\" has a phoneme Kokoro does not know")
        }
    }

    /// misaki's grow_dictionary: every lower-case word (2+ code points) is also reachable
    /// capitalised, and every capitalised word lower-cased, unless the file has that form itself.
    /// Later words win over earlier ones, as they do in misaki's dict, and the file's own words
    /// win over every grown one.
    static func growDictionary(_ entries: [(word: String, entry: Entry)]) -> [String: Entry] {
        var dictionary: [String: Entry] = [:]
        dictionary.reserveCapacity(entries.count * 2)
        for (word, entry) in entries {
            if let variant = caseVariant(word) { dictionary[variant] = entry }
        }
        for (word, entry) in entries {
            dictionary[word] = entry
        }
        return dictionary
    }

    /// A set of BMP code points as a bit table: the vocabulary check reads every phoneme of every
    /// entry (about 1.5 million), where Set<Character> lookups cost more than parsing the file.
    struct ScalarSet {
        private var bits = [UInt64](repeating: 0, count: 0x10000 / 64)

        init(_ characters: Set<Character>) {
            for scalar in characters.flatMap(\.unicodeScalars) where scalar.value < 0x10000 {
                bits[Int(scalar.value >> 6)] |= 1 << UInt64(scalar.value & 63)
            }
        }

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x10000 && bits[Int(scalar.value >> 6)] & (1 << UInt64(scalar.value & 63)) != 0
        }
    }

    /// The form grow_dictionary adds for `word`, if any: "hello" -> "Hello", "London" -> "london".
    static func caseVariant(_ word: String) -> String? {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return asciiCaseVariant(word) }
        guard PythonString.count(word) >= 2 else { return nil }
        let lower = PythonString.lower(word)
        if PythonString.equal(word, lower) {
            let capitalized = PythonString.capitalize(word)
            return PythonString.equal(word, capitalized) ? nil : capitalized
        }
        return PythonString.equal(word, PythonString.capitalize(lower)) ? lower : nil
    }

    /// caseVariant for ASCII words (every word in misaki's files), on bytes.
    private static func asciiCaseVariant(_ word: String) -> String? {
        let bytes = word.utf8
        guard bytes.count >= 2, let first = bytes.first else { return nil }
        let restIsLower = !bytes.dropFirst().contains { $0 >= 0x41 && $0 <= 0x5A }
        guard restIsLower else { return nil }  // "McDonald", "NASA": no variant
        let flipped: UInt8
        switch first {
        case 0x61...0x7A: flipped = first - 0x20  // "hello" -> "Hello"
        case 0x41...0x5A: flipped = first + 0x20  // "London" -> "london"
        default: return nil                       // "'em": capitalising changes nothing
        }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            buffer[0] = flipped
            _ = buffer.suffix(from: 1).initialize(from: bytes.dropFirst())
            return bytes.count
        }
    }

    /// The whole file, read with stdio (no Foundation in library targets).
    static func readFile(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw TextError.lexicon("cannot open lexicon \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
        // fread stops short both at end of file and on an error (reading a directory: EISDIR).
        if ferror(file) != 0 {
            throw TextError.lexicon("cannot read lexicon \(path): \(String(cString: strerror(errno)))")
        }
        return bytes
    }
}
