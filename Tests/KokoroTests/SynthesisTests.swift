// End-to-end synthesis through the Swift API: audio shape and determinism. Kept to the 3-phoneme
// "Hi" because lavapipe synthesis in a debug build is slow; each distinct run is made once per
// process and shared by the tests.
import Kokoro
import XCTest

private enum Runs {
    struct Key: Hashable { let seed: UInt64; let noiseScale: Float }
    nonisolated(unsafe) static var cache: [Key: [Float]] = [:]

    /// "Hi" with the default voice, made once per (seed, noise scale).
    static func hi(seed: UInt64, noiseScale: Float) throws -> [Float] {
        let key = Key(seed: seed, noiseScale: noiseScale)
        if let audio = cache[key] { return audio }
        let audio = try SharedEngine.get().synthesize(Phonemes.hi, options: SynthesisOptions(input: .phonemes, seed: seed, noiseScale: noiseScale))
        cache[key] = audio
        return audio
    }
}

final class SynthesisTests: XCTestCase {
    func testAudioIsWholeFramesOfNonSilentSpeech() throws {
        let audio = try Runs.hi(seed: 1, noiseScale: 1)
        XCTAssertGreaterThan(audio.count, 0)
        XCTAssertEqual(audio.count % Engine.samplesPerFrame, 0, "600 samples per frame of the durations")
        XCTAssertTrue(audio.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(rms(audio), 1e-3, "not silent")
        XCTAssertLessThan(audio.map(abs).max() ?? 0, 4, "no blow-up")
    }

    func testSameSeedGivesIdenticalAudio() throws {
        let first = try Runs.hi(seed: 1, noiseScale: 1)
        let again = try SharedEngine.get().synthesize(Phonemes.hi, options: SynthesisOptions(input: .phonemes, seed: 1, noiseScale: 1))
        XCTAssertEqual(first, again)
    }

    func testNoiseScaleZeroIsDeterministicAcrossSeeds() throws {
        let a = try Runs.hi(seed: 1, noiseScale: 0)
        let b = try Runs.hi(seed: 2, noiseScale: 0)
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(rms(a), 1e-3)
    }

    func testDifferentSeedsGiveDifferentAudio() throws {
        let a = try Runs.hi(seed: 1, noiseScale: 1)
        let b = try Runs.hi(seed: 2, noiseScale: 1)
        XCTAssertEqual(a.count, b.count, "noise does not change the durations")
        XCTAssertNotEqual(a, b)
        let noiseless = try Runs.hi(seed: 1, noiseScale: 0)
        XCTAssertNotEqual(a, noiseless)
    }

    func testStreamingDeliversTheSameAudio() throws {
        let whole = try Runs.hi(seed: 1, noiseScale: 1)
        var streamed: [Float] = []
        var chunks = 0
        let returned = try SharedEngine.get().synthesize(Phonemes.hi, options: SynthesisOptions(input: .phonemes, seed: 1, noiseScale: 1)) {
            streamed += $0
            chunks += 1
            return true
        }
        XCTAssertTrue(returned.isEmpty, "with a callback the audio goes to the callback only")
        XCTAssertEqual(chunks, 1)
        XCTAssertEqual(streamed, whole)
    }
}
