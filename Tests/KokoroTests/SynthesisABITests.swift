// kokoro_synthesize, kokoro_warm, kokoro_audio_free and the options through the exported symbols:
// every argument error a caller can make returns a status (never a crash) and leaves the audio
// zeroed; then "Hi" end to end, streamed, cancelled and refused re-entrantly.
import CKokoroABI
import Foundation
import XCTest

/// One engine of the dlopen'ed library for the process (creating one uploads the model).
enum ABIEngine {
    nonisolated(unsafe) static var handle: OpaquePointer? = nil
    nonisolated(unsafe) static var failure: String? = nil

    static func get() throws -> OpaquePointer {
        if let handle { return handle }
        if let failure { throw TestModel.Missing(description: failure) }
        let path = strdup(try TestModel.require())!
        defer { free(path) }
        var config = ABI.configDefault()
        config.model_path = UnsafePointer(path)
        var engine: OpaquePointer? = nil
        let status = ABI.create(&config, &engine)
        guard status == KOKORO_OK, let engine else {
            failure = "kokoro_create failed (\(status.rawValue)): \(text(ABI.lastCreateError()))"
            throw TestModel.Missing(description: failure!)
        }
        handle = engine
        return engine
    }
}

/// Collects streamed chunks; `stopAfter` chunks it returns non-zero.
private final class Collector {
    var samples: [Float] = []
    var chunks = 0
    var stopAfter = Int.max
    var reentrantStatus: kokoro_status? = nil
    var engine: OpaquePointer? = nil
}

private let collect: kokoro_audio_callback = { samples, count, userData in
    let collector = Unmanaged<Collector>.fromOpaque(userData!).takeUnretainedValue()
    collector.samples += UnsafeBufferPointer(start: samples, count: count)
    collector.chunks += 1
    if let engine = collector.engine, collector.reentrantStatus == nil {
        // The header forbids calling into the same engine from its callback: it must be refused.
        var audio = kokoro_audio()
        collector.reentrantStatus = "hˈI".withCString { ABI.synthesize(engine, $0, nil, &audio) }
    }
    return collector.chunks >= collector.stopAfter ? 1 : 0
}

final class SynthesisABITests: XCTestCase {
    override class func setUp() { setenv("KOKORO_LOG_LEVEL", "none", 1) }
    override class func tearDown() { unsetenv("KOKORO_LOG_LEVEL") }

    /// A kokoro_audio filled with garbage, to see that every failure zeroes it.
    private func garbageAudio() -> kokoro_audio {
        kokoro_audio(samples: UnsafeMutablePointer(bitPattern: 0xbad0), sample_count: 77, sample_rate: 5)
    }

    private func phonemeOptions(_ adjust: (inout kokoro_synthesis_options) -> Void = { _ in }) -> kokoro_synthesis_options {
        var options = ABI.synthesisOptionsDefault()
        options.flags = UInt32(KOKORO_INPUT_PHONEMES)
        adjust(&options)
        return options
    }

    /// kokoro_synthesize(engine, text, &options, &audio) with garbage in audio beforehand.
    private func synthesize(_ engine: OpaquePointer?, _ input: String?, _ options: kokoro_synthesis_options?,
                            file: StaticString = #filePath, line: UInt = #line) -> (kokoro_status, String) {
        var audio = garbageAudio()
        let status: kokoro_status
        if var options {
            status = withUnsafePointer(to: &options) { pointer in
                input.map { $0.withCString { ABI.synthesize(engine, $0, pointer, &audio) } } ?? ABI.synthesize(engine, nil, pointer, &audio)
            }
        } else {
            status = input.map { $0.withCString { ABI.synthesize(engine, $0, nil, &audio) } } ?? ABI.synthesize(engine, nil, nil, &audio)
        }
        if status == KOKORO_OK {
            ABI.audioFree(&audio)
        } else {
            XCTAssertNil(audio.samples, "a failure leaves the audio zeroed", file: file, line: line)
            XCTAssertEqual(audio.sample_count, 0, file: file, line: line)
        }
        return (status, engine.map { text(ABI.lastError($0)) } ?? "")
    }

    func testOptionsDefaults() {
        let options = ABI.synthesisOptionsDefault()
        XCTAssertEqual(Int(options.struct_size), MemoryLayout<kokoro_synthesis_options>.size)
        XCTAssertNil(options.voice)
        XCTAssertEqual(options.speed, 1)
        XCTAssertEqual(options.flags, 0)
        XCTAssertEqual(options.seed, 0)
        XCTAssertEqual(options.noise_scale, 1)
        XCTAssertNil(options.on_audio)
        XCTAssertNil(options.user_data)
        var byRef = kokoro_synthesis_options()
        XCTAssertEqual(ABI.synthesisOptionsDefaultByRef(&byRef), KOKORO_OK)
        XCTAssertEqual(byRef.struct_size, options.struct_size)
        XCTAssertEqual(byRef.speed, 1)
        XCTAssertEqual(byRef.noise_scale, 1)
        XCTAssertEqual(ABI.synthesisOptionsDefaultByRef(nil), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(KOKORO_SAMPLE_RATE, 24_000)
        XCTAssertEqual(KOKORO_MAX_CHUNK_PHONEMES, 510)
        XCTAssertEqual(KOKORO_INPUT_PHONEMES, 1)
    }

    func testAudioFreeIsHarmlessOnNullAndZeroed() {
        ABI.audioFree(nil)
        var zeroed = kokoro_audio()
        ABI.audioFree(&zeroed)
        ABI.audioFree(&zeroed)
        XCTAssertNil(zeroed.samples)
    }

    func testNullEngine() {
        XCTAssertEqual(ABI.warm(nil), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(synthesize(nil, Phonemes.hi, phonemeOptions()).0, KOKORO_ERR_INVALID_ARGUMENT)
    }

    func testArgumentErrors() throws {
        let engine = try ABIEngine.get()
        let invalid = KOKORO_ERR_INVALID_ARGUMENT
        let cases: [(String, String?, kokoro_synthesis_options?, String)] = [
            ("NULL text", nil, phonemeOptions(), "text is NULL"),
            ("empty text", "", phonemeOptions(), "text is empty"),
            ("speed 0", Phonemes.hi, phonemeOptions { $0.speed = 0 }, "speed"),
            ("speed -1", Phonemes.hi, phonemeOptions { $0.speed = -1 }, "speed"),
            ("speed NaN", Phonemes.hi, phonemeOptions { $0.speed = .nan }, "speed"),
            ("speed 10.5", Phonemes.hi, phonemeOptions { $0.speed = 10.5 }, "speed"),
            ("speed inf", Phonemes.hi, phonemeOptions { $0.speed = .infinity }, "speed"),
            ("noise -1", Phonemes.hi, phonemeOptions { $0.noise_scale = -1 }, "noise_scale"),
            ("noise NaN", Phonemes.hi, phonemeOptions { $0.noise_scale = .nan }, "noise_scale"),
            ("noise 11", Phonemes.hi, phonemeOptions { $0.noise_scale = 11 }, "noise_scale"),
            ("unknown flags", Phonemes.hi, phonemeOptions { $0.flags |= 0x80 }, "flags"),
            ("struct_size 0", Phonemes.hi, phonemeOptions { $0.struct_size = 0 }, "struct_size"),
            // Shorter than the first version (0.1 ends after user_data; 0.2 added language).
            ("struct_size short", Phonemes.hi,
             phonemeOptions { $0.struct_size = UInt32(MemoryLayout<kokoro_synthesis_options>.offset(of: \kokoro_synthesis_options.user_data)!) },
             "struct_size"),
            ("struct_size huge", Phonemes.hi, phonemeOptions { $0.struct_size = 1 << 20 }, "struct_size"),
        ]
        for (name, input, options, mention) in cases {
            let (status, message) = synthesize(engine, input, options)
            XCTAssertEqual(status, invalid, "\(name): \(message)")
            XCTAssertTrue(message.contains(mention), "\(name): expected \"\(mention)\" in \(message)")
        }
        // Voices: empty, malformed blends, not UTF-8.
        for voice in ["", "jf_alpha:", "jf_alpha,,jm_kumo", ":0.5", "jf_alpha:-1", "jf_alpha:nan"] {
            let status = voice.withCString { pointer in synthesize(engine, Phonemes.hi, phonemeOptions { $0.voice = pointer }) }
            XCTAssertEqual(status.0, invalid, "voice \"\(voice)\": \(status.1)")
        }
        var badVoice: [CChar] = [CChar(bitPattern: 0xc3), CChar(bitPattern: 0x28), 0]
        let badVoiceStatus = badVoice.withUnsafeMutableBufferPointer { buffer in
            synthesize(engine, Phonemes.hi, phonemeOptions { $0.voice = UnsafePointer(buffer.baseAddress!) })
        }
        XCTAssertEqual(badVoiceStatus.0, invalid, badVoiceStatus.1)
        XCTAssertTrue(badVoiceStatus.1.contains("UTF-8"), badVoiceStatus.1)

        // Malformed UTF-8 text (a lone continuation byte, a truncated sequence, an overlong '/').
        for bytes: [UInt8] in [[0x80], [0x68, 0xc9], [0xc0, 0xaf], [0xed, 0xa0, 0x80]] {
            var cString = bytes.map { CChar(bitPattern: $0) } + [0]
            var audio = garbageAudio()
            var options = phonemeOptions()
            let status = cString.withUnsafeMutableBufferPointer { ABI.synthesize(engine, $0.baseAddress, &options, &audio) }
            XCTAssertEqual(status, invalid, "\(bytes)")
            XCTAssertTrue(text(ABI.lastError(engine)).contains("UTF-8"))
            XCTAssertNil(audio.samples)
        }

        // NULL out without a callback.
        var options = phonemeOptions()
        XCTAssertEqual(Phonemes.hi.withCString { ABI.synthesize(engine, $0, &options, nil) }, invalid)
        XCTAssertTrue(text(ABI.lastError(engine)).contains("out is NULL"))
    }

    func testVoiceAndPhonemizeErrors() throws {
        let engine = try ABIEngine.get()
        let unknown = "af_bella".withCString { pointer in synthesize(engine, Phonemes.hi, phonemeOptions { $0.voice = pointer }) }
        XCTAssertEqual(unknown.0, KOKORO_ERR_UNKNOWN_VOICE, unknown.1)
        XCTAssertTrue(unknown.1.contains("af_bella") && unknown.1.contains("jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo"),
                      unknown.1)
        let blend = "jf_alpha:0.5,nobody:0.5".withCString { pointer in synthesize(engine, Phonemes.hi, phonemeOptions { $0.voice = pointer }) }
        XCTAssertEqual(blend.0, KOKORO_ERR_UNKNOWN_VOICE, blend.1)

        let invisible = synthesize(engine, "\u{200B}\u{FEFF}", nil)  // NULL options = defaults = plain text
        XCTAssertEqual(invisible.0, KOKORO_ERR_PHONEMIZE, invisible.1)
        XCTAssertTrue(invisible.1.contains("nothing to speak"), invisible.1)
        for nothing in ["12345", "   ", "#@&"] {
            let result = synthesize(engine, nothing, phonemeOptions())
            XCTAssertEqual(result.0, KOKORO_ERR_PHONEMIZE, "\"\(nothing)\": \(result.1)")
        }
        // The engine stays usable after each of these, and the last error follows the latest call.
        XCTAssertFalse(text(ABI.lastError(engine)).isEmpty)
        XCTAssertEqual(ABI.synthesisOptionsDefaultByRef(nil), KOKORO_ERR_INVALID_ARGUMENT)
    }

    // MARK: - End to end (the decoder and generator on the device)

    func testHiEndToEndStreamedAndCancelled() throws {
        let engine = try ABIEngine.get()
        var options = phonemeOptions { $0.seed = 3 }
        var audio = garbageAudio()
        let status = Phonemes.hi.withCString { ABI.synthesize(engine, $0, &options, &audio) }
        XCTAssertEqual(status, KOKORO_OK, text(ABI.lastError(engine)))
        defer { ABI.audioFree(&audio) }
        guard status == KOKORO_OK else { return }
        XCTAssertEqual(text(ABI.lastError(engine)), "")
        XCTAssertEqual(audio.sample_rate, 24_000)
        XCTAssertGreaterThan(audio.sample_count, 0)
        XCTAssertEqual(audio.sample_count % 600, 0)
        let samples = UnsafeBufferPointer(start: audio.samples, count: audio.sample_count)
        XCTAssertTrue(samples.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(rms(samples), 1e-3)

        // The same request streamed: one chunk (3 phonemes), identical samples; out may be NULL,
        // and a callback calling back into its engine is refused without disturbing the call.
        let collector = Collector()
        collector.engine = engine
        var streaming = phonemeOptions {
            $0.seed = 3
            $0.on_audio = collect
            $0.user_data = Unmanaged.passUnretained(collector).toOpaque()
        }
        XCTAssertEqual(Phonemes.hi.withCString { ABI.synthesize(engine, $0, &streaming, nil) }, KOKORO_OK, text(ABI.lastError(engine)))
        XCTAssertEqual(collector.chunks, 1)
        XCTAssertEqual(collector.samples, Array(samples))
        XCTAssertEqual(collector.reentrantStatus, KOKORO_ERR_INVALID_ARGUMENT)

        // Returning non-zero cancels; `out`, when given with a callback, stays zeroed.
        let stopper = Collector()
        stopper.stopAfter = 1
        var cancelling = phonemeOptions {
            $0.on_audio = collect
            $0.user_data = Unmanaged.passUnretained(stopper).toOpaque()
        }
        var untouched = garbageAudio()
        XCTAssertEqual(Phonemes.hi.withCString { ABI.synthesize(engine, $0, &cancelling, &untouched) }, KOKORO_ERR_CANCELLED)
        XCTAssertTrue(text(ABI.lastError(engine)).contains("cancelled"), text(ABI.lastError(engine)))
        XCTAssertNil(untouched.samples)
        XCTAssertEqual(stopper.chunks, 1, "the chunk already delivered stays delivered")
    }
}
