// What the engine does before the GPU: options, voices and blends, phoneme input, chunks, seeds.
// These need the real model bundle (for its vocabulary and voices) but run no synthesis.
import KokoroModel
@testable import Kokoro
import XCTest

final class VoiceBlendTests: XCTestCase {
    private func components(_ text: String) throws -> [String] {
        try VoiceBlend(parsing: text).components.map { "\($0.name)=\($0.weight)" }
    }

    func testNamesAndWeights() throws {
        XCTAssertEqual(try components("jf_alpha"), ["jf_alpha=1.0"])
        XCTAssertEqual(try components("jf_alpha:0.7,jm_kumo:0.3"), ["jf_alpha=0.7", "jm_kumo=0.3"])
        XCTAssertEqual(try components(" jf_alpha : 3 , jm_kumo:1 "), ["jf_alpha=0.75", "jm_kumo=0.25"], "normalised, spaces ignored")
        XCTAssertEqual(try components("jf_alpha,jm_kumo"), ["jf_alpha=0.5", "jm_kumo=0.5"], "no weight = 1")
        XCTAssertEqual(try components("jf_alpha:2"), ["jf_alpha=1.0"])
    }

    func testMalformedBlendsAreInvalidArguments() {
        for text in ["", ",", "jf_alpha,", ",jf_alpha", "jf_alpha,,jm_kumo", ":0.5", "jf_alpha:", "jf_alpha:x", "jf_alpha:0",
                     "jf_alpha:-1", "jf_alpha:nan", "jf_alpha:inf", "jf_alpha:1:2", "jf_alpha:1e400"] {
            XCTAssertThrowsError(try VoiceBlend(parsing: text), text) { error in
                guard case KokoroError.invalidArgument(let message) = error else { return XCTFail("\(text): \(error)") }
                XCTAssertTrue(message.contains("voice"), message)
            }
        }
    }
}

final class SynthesisPlanTests: XCTestCase {
    private let phonemes = SynthesisOptions(input: .phonemes)

    func testHelloWorldIsOneChunkWithBoundaryTokens() throws {
        let engine = try SharedEngine.get()
        let chunks = try engine.plan(Phonemes.helloWorld, options: phonemes)
        XCTAssertEqual(chunks.count, 1)
        // The reference's ids for "həlˈO wˈɜɹld." (vocab.json of Kokoro v1.0).
        XCTAssertEqual(chunks[0].tokens, [0, 50, 83, 54, 156, 31, 16, 65, 156, 87, 123, 54, 46, 4, 0])
        XCTAssertEqual(chunks[0].style, try engine.voiceBank.style("jf_alpha", phonemeCount: 13))
        XCTAssertEqual(chunks[0].seed, 0)
        XCTAssertEqual(try engine.phonemeChunks(Phonemes.helloWorld), [chunks[0].tokens])
    }

    func testUnknownSymbolsAreDroppedAndWhitespaceIsASpace() throws {
        let engine = try SharedEngine.get()
        // Digits, '#' and '\u{7}' are not in the vocabulary; a tab and a newline read as spaces.
        let noisy = try engine.plan("h#ə1l\u{7}ˈO\twˈɜɹld.\n", options: phonemes)
        XCTAssertEqual(noisy[0].tokens, [0, 50, 83, 54, 156, 31, 16, 65, 156, 87, 123, 54, 46, 4, 0])
        XCTAssertEqual(noisy[0].style, try engine.voiceBank.style("jf_alpha", phonemeCount: 13), "style row of the kept phonemes")
    }

    func testLongInputIsChunkedWithItsOwnStyleRowsAndSeeds() throws {
        let engine = try SharedEngine.get()
        let sentence = "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ."
        let text = Array(repeating: sentence, count: 25).joined(separator: " ")  // 1224 phonemes
        let options = SynthesisOptions(voice: "jm_kumo", input: .phonemes, seed: 41)
        let chunks = try engine.plan(text, options: options)
        XCTAssertEqual(chunks.count, 3)
        XCTAssertEqual(chunks.map(\.seed), [41, 42, 43])
        var phonemeTotal = 0
        for chunk in chunks {
            XCTAssertLessThanOrEqual(chunk.tokens.count, 512)
            XCTAssertEqual(chunk.tokens.first, 0)
            XCTAssertEqual(chunk.tokens.last, 0)
            XCTAssertFalse(chunk.tokens.dropFirst().dropLast().contains(0), "no boundary token inside")
            XCTAssertEqual(chunk.tokens[chunk.tokens.count - 2], 4, "each chunk ends a sentence ('.' is id 4)")
            XCTAssertEqual(chunk.style, try engine.voiceBank.style("jm_kumo", phonemeCount: chunk.phonemeCount))
            phonemeTotal += chunk.phonemeCount
        }
        XCTAssertEqual(phonemeTotal, text.unicodeScalars.count - 2, "only the two spaces at the breaks are dropped")
        XCTAssertEqual(try engine.plan(text, options: SynthesisOptions(input: .phonemes, seed: .max)).map(\.seed), [.max, 0, 1],
                       "seeds wrap around")
    }

    func testBlendStyleIsTheWeightedSumOfRows() throws {
        let engine = try SharedEngine.get()
        let blended = try engine.plan(Phonemes.hi, options: SynthesisOptions(voice: "jf_alpha:0.7,jm_kumo:0.3", input: .phonemes))
        let alpha = try engine.voiceBank.style("jf_alpha", phonemeCount: 3)
        let kumo = try engine.voiceBank.style("jm_kumo", phonemeCount: 3)
        XCTAssertEqual(blended[0].style.count, 256)
        for i in 0..<256 { XCTAssertEqual(blended[0].style[i], 0.7 * alpha[i] + 0.3 * kumo[i], accuracy: 1e-6) }
        let equal = try engine.plan(Phonemes.hi, options: SynthesisOptions(voice: "jf_alpha,jm_kumo", input: .phonemes))
        for i in 0..<256 { XCTAssertEqual(equal[0].style[i], (alpha[i] + kumo[i]) / 2, accuracy: 1e-6) }
    }

    func testErrorsBeforeAnyGPUWork() throws {
        let engine = try SharedEngine.get()
        func status(_ text: String, _ options: SynthesisOptions) -> (KokoroError?, String) {
            do {
                _ = try engine.plan(text, options: options)
                return (nil, "")
            } catch let error as KokoroError {
                return (error, error.description)
            } catch {
                return (nil, "\(error)")
            }
        }
        if case .unknownVoice? = status(Phonemes.hi, SynthesisOptions(voice: "af_bella", input: .phonemes)).0 {} else { XCTFail("unknown voice") }
        let (blendError, blendMessage) = status(Phonemes.hi, SynthesisOptions(voice: "jf_alpha:0.5,af_sky:0.5", input: .phonemes))
        if case .unknownVoice? = blendError {} else { XCTFail(blendMessage) }
        XCTAssertTrue(blendMessage.contains("\"af_sky\"") && blendMessage.contains("jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo"),
                      blendMessage)
        let (textError, textMessage) = status("\u{200B} \u{2063}", SynthesisOptions())
        if case .phonemize? = textError {} else { XCTFail(textMessage) }
        XCTAssertTrue(textMessage.contains("nothing to speak"), textMessage)
        for nothing in ["123 456", "   ", "\n\t", "#@&"] {
            if case .phonemize? = status(nothing, phonemes).0 {} else { XCTFail("\"\(nothing)\" has no phonemes") }
        }
        if case .invalidArgument? = status("", phonemes).0 {} else { XCTFail("empty text") }
        for bad in [SynthesisOptions(speed: 0, input: .phonemes), SynthesisOptions(speed: -1, input: .phonemes),
                    SynthesisOptions(speed: .nan, input: .phonemes), SynthesisOptions(speed: 10.5, input: .phonemes),
                    SynthesisOptions(speed: .infinity, input: .phonemes), SynthesisOptions(input: .phonemes, noiseScale: -0.1),
                    SynthesisOptions(input: .phonemes, noiseScale: .nan), SynthesisOptions(input: .phonemes, noiseScale: .infinity),
                    SynthesisOptions(voice: "jf_alpha:", input: .phonemes)] {
            if case .invalidArgument? = status(Phonemes.hi, bad).0 {} else { XCTFail("\(bad)") }
        }
        XCTAssertNil(status(Phonemes.hi, SynthesisOptions(speed: 10, input: .phonemes, noiseScale: 0)).0, "the limits themselves are fine")
    }
}
