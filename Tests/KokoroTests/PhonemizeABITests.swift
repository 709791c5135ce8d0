// kokoro_phonemize and options.language through the exported symbols: the size protocol
// (KOKORO_ERR_BUFFER_TOO_SMALL, *out_size always set, nothing written when it does not fit), every
// argument error, and hostile text (malformed UTF-8, empty, only emoji, 1 MB) - each a documented
// status, never a crash.
import CKokoroABI
import Foundation
import XCTest

final class PhonemizeABITests: XCTestCase {
    override class func setUp() { setenv("KOKORO_LOG_LEVEL", "none", 1) }
    override class func tearDown() { unsetenv("KOKORO_LOG_LEVEL") }

    private struct Result {
        var status: kokoro_status
        var size: Int
        var phonemes: String
        var message: String
    }

    /// kokoro_phonemize with a buffer of `capacity` bytes (nil = a NULL buffer) pre-filled with 'x'.
    private func phonemize(_ engine: OpaquePointer?, _ input: [UInt8]?, capacity: Int? = 1 << 22,
                           language: String? = nil, phonemes: Bool = false,
                           file: StaticString = #filePath, line: UInt = #line) -> Result {
        var options = ABI.synthesisOptionsDefault()
        if phonemes { options.flags = UInt32(KOKORO_INPUT_PHONEMES) }
        var buffer = capacity.map { [CChar](repeating: CChar(UInt8(ascii: "x")), count: $0) }
        var size = -1
        let languageCopy = language.map { strdup($0)! }
        defer { free(languageCopy) }
        options.language = languageCopy.map { UnsafePointer($0) }
        let status: kokoro_status = withUnsafePointer(to: &options) { optionsPointer in
            let call = { (text: UnsafePointer<CChar>?) -> kokoro_status in
                if buffer != nil {
                    return buffer!.withUnsafeMutableBufferPointer {
                        ABI.phonemize(engine, text, optionsPointer, $0.baseAddress, $0.count, &size)
                    }
                }
                return ABI.phonemize(engine, text, optionsPointer, nil, 0, &size)
            }
            guard let input else { return call(nil) }
            return (input + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { call($0.baseAddress) }
            }
        }
        var phonemes = ""
        if status == KOKORO_OK, let buffer {
            XCTAssertEqual(buffer[size - 1], 0, "NUL-terminated at out_size - 1", file: file, line: line)
            phonemes = String(cString: buffer)
            XCTAssertEqual(phonemes.utf8.count + 1, size, "out_size counts the bytes and the NUL", file: file, line: line)
        } else if let buffer {
            XCTAssertTrue(buffer.allSatisfy { $0 == CChar(UInt8(ascii: "x")) }, "nothing written on failure", file: file, line: line)
        }
        return Result(status: status, size: size, phonemes: phonemes, message: engine.map { text(ABI.lastError($0)) } ?? "")
    }

    func testSizeProtocol() throws {
        let engine = try ABIEngine.get()
        let hello = Array(Phonemes.helloWorld.utf8)
        let needed = hello.count + 1
        let query = phonemize(engine, hello, capacity: nil, phonemes: true)
        XCTAssertEqual(query.status, KOKORO_ERR_BUFFER_TOO_SMALL, query.message)
        XCTAssertEqual(query.size, needed)
        XCTAssertTrue(query.message.contains("\(needed) bytes"), query.message)
        let short = phonemize(engine, hello, capacity: needed - 1, phonemes: true)
        XCTAssertEqual(short.status, KOKORO_ERR_BUFFER_TOO_SMALL)
        XCTAssertEqual(short.size, needed)
        let exact = phonemize(engine, hello, capacity: needed, phonemes: true)
        XCTAssertEqual(exact.status, KOKORO_OK, exact.message)
        XCTAssertEqual(exact.phonemes, Phonemes.helloWorld)
        XCTAssertEqual(exact.message, "", "a success clears the last error")
    }

    func testLongPhonemeInputComesBackAsChunks() throws {
        let engine = try ABIEngine.get()
        let sentence = "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. "
        let long = String(repeating: sentence, count: 30)
        let result = phonemize(engine, Array(long.utf8), phonemes: true)
        XCTAssertEqual(result.status, KOKORO_OK, result.message)
        let chunks = result.phonemes.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertGreaterThan(chunks.count, 2)
        for chunk in chunks {
            XCTAssertLessThanOrEqual(chunk.unicodeScalars.count, Int(KOKORO_MAX_CHUNK_PHONEMES))
            XCTAssertTrue(chunk.hasSuffix("."), "breaks at a sentence end: \(chunk.suffix(20))")
        }
        // Only the spaces at the breaks are gone.
        XCTAssertEqual(chunks.joined(separator: " "), long.trimmingCharacters(in: .whitespaces))
    }

    func testArgumentErrors() throws {
        let engine = try ABIEngine.get()
        let hi = Array(Phonemes.hi.utf8)
        var size = 99
        XCTAssertEqual(ABI.phonemize(nil, "x", nil, nil, 0, &size), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(size, 0, "out_size is set even for a NULL engine")
        XCTAssertEqual(phonemize(engine, nil).status, KOKORO_ERR_INVALID_ARGUMENT)
        let noSize = "hˈI".withCString { ABI.phonemize(engine, $0, nil, nil, 0, nil) }
        XCTAssertEqual(noSize, KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertTrue(text(ABI.lastError(engine)).contains("out_size"))
        let nullBuffer = "hˈI".withCString { ABI.phonemize(engine, $0, nil, nil, 16, &size) }
        XCTAssertEqual(nullBuffer, KOKORO_ERR_INVALID_ARGUMENT)
        for bad: [UInt8] in [[], [0x68, 0xC9], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            let result = phonemize(engine, bad)
            XCTAssertEqual(result.status, KOKORO_ERR_INVALID_ARGUMENT, "\(bad): \(result.message)")
        }
        let unknown = phonemize(engine, hi, language: "xx-yy")
        XCTAssertEqual(unknown.status, KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertTrue(unknown.message.contains("en-us") && unknown.message.contains("pt-br"), unknown.message)
        let japanese = phonemize(engine, Array("こんにちは".utf8), language: "ja")
        XCTAssertEqual(japanese.status, KOKORO_ERR_PHONEMIZE)
        XCTAssertTrue(japanese.message.contains("KOKORO_INPUT_PHONEMES"), japanese.message)
        let badLanguage: [CChar] = [CChar(bitPattern: 0xC3), 0]
        var options = ABI.synthesisOptionsDefault()
        let status = badLanguage.withUnsafeBufferPointer { language -> kokoro_status in
            options.language = language.baseAddress
            return "hi".withCString { ABI.phonemize(engine, $0, &options, nil, 0, &size) }
        }
        XCTAssertEqual(status, KOKORO_ERR_INVALID_ARGUMENT)
        // A struct from 0.1 (no language field) is accepted and reads as en-us.
        var old = ABI.synthesisOptionsDefault()
        old.struct_size = UInt32(MemoryLayout<kokoro_synthesis_options>.offset(of: \kokoro_synthesis_options.language)!)
        old.language = UnsafePointer(bitPattern: 0xbad)  // beyond struct_size: must not be read
        let oldStatus = "Hi".withCString { ABI.phonemize(engine, $0, &old, nil, 0, &size) }
        XCTAssertEqual(oldStatus, KOKORO_ERR_BUFFER_TOO_SMALL, text(ABI.lastError(engine)))
    }

    func testPlainText() throws {
        let engine = try ABIEngine.get()
        let hello = phonemize(engine, Array("Hello world.".utf8))
        XCTAssertEqual(hello.status, KOKORO_OK, hello.message)
        XCTAssertEqual(hello.phonemes, Phonemes.helloWorld, "misaki's phonemes")
        let british = phonemize(engine, Array("Hello world.".utf8), language: "en-GB")
        XCTAssertEqual(british.status, KOKORO_OK, british.message)
        XCTAssertEqual(british.phonemes, "həlˈQ wˈɜːld.")
        // Paragraphs never share a chunk.
        let paragraphs = phonemize(engine, Array("Hello world.\n\nHello world.\r\nHello".utf8))
        XCTAssertEqual(paragraphs.phonemes, [Phonemes.helloWorld, Phonemes.helloWorld, "həlˈO"].joined(separator: "\n"))
        for nothing in ["\u{200B}\u{FEFF}", "   \n\t ", "\u{2063} \u{00AD}"] {
            let result = phonemize(engine, Array(nothing.utf8))
            XCTAssertEqual(result.status, KOKORO_ERR_PHONEMIZE, "\(nothing.unicodeScalars.map { $0.value }): \(result.message)")
            XCTAssertTrue(result.message.contains("nothing to speak"), result.message)
        }
        // Emoji are read by name through espeak-ng, as Kokoro's pipeline (misaki + EspeakFallback)
        // does; without espeak-ng they are skipped (see Tests/python/test_text.py).
        let emoji = phonemize(engine, Array("\u{1F600}".utf8))
        XCTAssertEqual(emoji.status, KOKORO_OK, emoji.message)
        XCTAssertFalse(emoji.phonemes.isEmpty)
        // Punctuation alone is spoken as the pause it is (misaki passes it through).
        let punctuation = phonemize(engine, Array("?!".utf8))
        XCTAssertEqual(punctuation.status, KOKORO_OK, punctuation.message)
        XCTAssertEqual(punctuation.phonemes, "?!")
    }

    func testOneMegabyteOfText() throws {
        let engine = try ABIEngine.get()
        let paragraph = "Dr. Smith paid $5.50 for 3 apples on May 1st, 2024; it's 10:30 and I'm 50% done! "
        var book = ""
        while book.utf8.count < 1 << 20 { book += paragraph + (book.count % 7 == 0 ? "\n" : "") }
        let start = Date()
        let result = phonemize(engine, Array(book.utf8), capacity: 8 << 20)
        print("phonemized \(book.utf8.count) bytes in \(String(format: "%.2f", Date().timeIntervalSince(start))) s "
              + "-> \(result.size) bytes of phonemes")
        XCTAssertEqual(result.status, KOKORO_OK, result.message)
        let chunks = result.phonemes.split(separator: "\n")
        XCTAssertGreaterThan(chunks.count, 1_000)
        XCTAssertTrue(chunks.allSatisfy { $0.unicodeScalars.count <= Int(KOKORO_MAX_CHUNK_PHONEMES) })
    }
}
