import XCTest
@testable import KokoroModel

/// Mutated valid files must only ever throw a ModelFileError or open successfully; when they
/// open, every tensor must be readable. A crash or an out-of-bounds read fails the whole run.
/// Deterministic (fixed seed) and bounded (10,000 small files in memory, 100 on disk): ~1.5 s.
final class SafeTensorsFuzzTests: XCTestCase {
    static let seedFile: [UInt8] = SafeTensorsWriter.file([
        TestTensor("f32", shape: [2, 3], floats: [1, -2, 3.5, .infinity, -0.0, .nan]),
        TestTensor("half", dtype: "F16", shape: [4], bits: [0x3C00, 0x0001, 0x7C00, 0x8000]),
        TestTensor("brain", dtype: "BF16", shape: [1, 2], bits: [0x3F80, 0xFFC0]),
        TestTensor("empty", shape: [0], floats: []),
        TestTensor("n\u{e9}\u{1F600}", shape: [], floats: [42]),
    ], metadata: ["format": "kokoro-bundle", "config": #"{"a":[1,2,{"b":"\u00e9"}]}"#])

    /// Bytes the JSON grammar cares about, to make mutations that reach deep parser states.
    static let interesting: [UInt8] = Array("{}[]\",:\\u0123456789-+.eE tfn".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFF]

    func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        let headerEnd = min(bytes.count, 8 + Int(bytes.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } & 0xFFFF))
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            // Most mutations hit the header, where the parsing happens.
            let position = Int.random(in: 0..<(Bool.random(using: &random) ? max(1, min(headerEnd, bytes.count)) : bytes.count), using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1, 2: bytes[position] = Self.interesting.randomElement(using: &random)!
            case 3: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 4: bytes.remove(at: position)
            case 5: bytes.insert(Self.interesting.randomElement(using: &random)!, at: position)
            case 6: bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            default:
                // A new header length: small changes, or an arbitrary 64-bit value.
                let length = Bool.random(using: &random)
                    ? UInt64(max(0, headerEnd - 8 + Int.random(in: -16...16, using: &random)))
                    : random.next()
                let prefix = littleEndianBytes([length])
                for i in 0..<min(8, bytes.count) { bytes[i] = prefix[i] }
            }
        }
        return bytes
    }

    /// Opens and fully reads `bytes`; returns whether it opened.
    func exercise(_ open: () throws -> SafeTensorsFile) -> Bool {
        do {
            let file = try open()
            for name in file.names {
                let info = try file.info(name)
                let values = try file.floats(name)
                XCTAssertEqual(values.count, info.elementCount)
                let byteCount = try file.withUnsafeBytes(of: name) { $1.count }
                XCTAssertEqual(byteCount, info.byteCount)
            }
            return true
        } catch is ModelFileError {
            return false
        } catch {
            XCTFail("unexpected error type \(type(of: error)): \(error)")
            return false
        }
    }

    func testMutatedFilesInMemory() {
        XCTAssertTrue(exercise { try openInMemory(Self.seedFile) })
        var random = SplitMix64(seed: 0x6B6F_6B6F_726F)
        var opened = 0
        var rejected = 0
        for _ in 0..<10_000 {
            let bytes = mutate(Self.seedFile, using: &random)
            if exercise({ try openInMemory(bytes) }) { opened += 1 } else { rejected += 1 }
        }
        // Both outcomes must occur, or the mutations are not exploring anything.
        XCTAssertGreaterThan(opened, 50)
        XCTAssertGreaterThan(rejected, 2_500)
    }

    func testMutatedFilesOnDisk() {
        // Fewer iterations: the same parser, but through open/fstat/mmap/munmap.
        let directory = TemporaryDirectory()
        var random = SplitMix64(seed: 7)
        for iteration in 0..<100 {
            let path = directory.write(mutate(Self.seedFile, using: &random), name: "fuzz\(iteration % 4).safetensors")
            _ = exercise { try SafeTensorsFile(path: path) }
        }
    }

    func testEveryTruncationOfAValidFile() {
        for length in 0..<Self.seedFile.count {
            XCTAssertFalse(exercise { try openInMemory(Array(Self.seedFile.prefix(length))) }, "length \(length)")
        }
    }
}
