import Foundation
import VulkanCompute
import XCTest
@testable import KokoroModel

/// Frame buckets: the decoder and generator recorded once per bucket and reused. A bucketed run
/// must compute what an exact-length run does (only float noise apart: relative max error ≤ 1e-4,
/// where a leak of the padded tail into the norms, the convolutions' edges or the STFT/iSTFT
/// ends shows up as errors of order 1e-2 and more), whichever call made the recording.
final class BucketedSynthesisTests: XCTestCase {
    /// A bucketed synthesizer and one that records per exact frame count, on the same weights.
    static let shared: Result<(weights: WeightStore, bucketed: Synthesizer, exact: Synthesizer), Error> = Result {
        guard let modelPath = RealBundleTests.requireModelFile("kokoro-v1_0.safetensors") else {
            throw ModelFileError.cannotOpen(path: "models/", reason: "run `make model`")
        }
        let weights = try WeightStore(device: try ComputeDevice(), bundle: try ModelBundle(path: modelPath))
        return (weights, try Synthesizer(weights: weights, frameCapacity: 256, bucketing: true),
                try Synthesizer(weights: weights, frameCapacity: 256, bucketing: false))
    }

    func golden(_ name: String) throws -> (ids: [Int], style: [Float], file: SafeTensorsFile) {
        let file = try SafeTensorsFile(path: TextSideGoldenTests.goldenPath(name))
        return (try file.floats("input_ids").map { Int($0) }, try file.floats("ref_s"), file)
    }

    func testBucketsCoverEveryFrameCount() {
        var previous = 0
        for frames in 1...5000 {
            let bucket = Synthesizer.bucket(frames: frames)
            XCTAssert(bucket.frames >= frames && bucket.smallest <= frames, "F = \(frames) -> \(bucket)")
            XCTAssert(Double(bucket.frames - frames) <= max(31, 0.125 * Double(frames)), "F = \(frames): padding to \(bucket.frames)")
            if bucket.frames != previous {
                XCTAssertEqual(bucket.smallest, previous + 1, "bucket \(bucket.frames) starts right after \(previous)")
                previous = bucket.frames
            }
        }
        XCTAssertEqual(Synthesizer.bucket(frames: 70).frames, 96)
        XCTAssertEqual(Synthesizer.bucket(frames: 300).frames, 320)
        XCTAssertEqual(Synthesizer.bucket(frames: 560).frames, 576)
    }

    /// The same tokens with the cache cold (this call records) and warm (it reuses): the same
    /// audio, and the audio of an exact-length recording.
    func testColdAndWarmCacheGiveTheSameAudio() throws {
        let shared = try Self.shared.get()
        let synthesizer = try Synthesizer(weights: shared.weights, frameCapacity: 96, bucketing: true)   // a cold cache
        let (ids, style, _) = try golden("hi")
        let cold = try synthesizer.synthesize(tokens: ids, style: style)
        XCTAssertEqual(synthesizer.recordingsMade, 1)
        XCTAssertEqual(synthesizer.recordingsReused, 0)
        let warm = try synthesizer.synthesize(tokens: ids, style: style)
        XCTAssertEqual(synthesizer.recordingsMade, 1)
        XCTAssertEqual(synthesizer.recordingsReused, 1)
        XCTAssertEqual(cold.count, warm.count)
        XCTAssertLessThanOrEqual(relativeMaxError(warm, cold), 1e-6, "cold vs warm cache")
        let exact = try shared.exact.synthesize(tokens: ids, style: style)
        let error = relativeMaxError(cold, exact)
        print("hi: \(cold.count / 600) frames in bucket \(Synthesizer.bucket(frames: cold.count / 600).frames); "
              + "warm \(warm == cold ? "bit-identical" : "differs") from cold; relative max error vs exact length \(String(format: "%.2e", error))")
        XCTAssertLessThanOrEqual(error, 1e-4, "bucketed vs exact-length recording")
    }

    /// Two frame counts in one bucket (hello_world at two speeds: 70 and ~82 frames, bucket 96)
    /// share one recording; each matches the exact-length run, and speed 1 the reference.
    func testTwoFrameCountsShareOneRecording() throws {
        let shared = try Self.shared.get()
        let synthesizer = shared.bucketed
        let (ids, style, file) = try golden("hello_world")
        var lengths: [Int] = []
        for speed: Float in [1, 0.85] {
            let made = synthesizer.recordingsMade, reused = synthesizer.recordingsReused
            let audio = try synthesizer.synthesize(tokens: ids, style: style, speed: speed)
            let frames = audio.count / 600
            if let first = lengths.first {
                XCTAssertNotEqual(frames, first, "speed \(speed) must change the frame count")
                XCTAssertEqual(Synthesizer.bucket(frames: frames).frames, Synthesizer.bucket(frames: first).frames, "one bucket")
                XCTAssertEqual(synthesizer.recordingsMade, made, "the second frame count reuses the recording")
                XCTAssertEqual(synthesizer.recordingsReused, reused + 1)
            }
            lengths.append(frames)
            let exact = try shared.exact.synthesize(tokens: ids, style: style, speed: speed)
            XCTAssertEqual(audio.count, exact.count)
            let error = relativeMaxError(audio, exact)
            print("hello_world speed \(speed): \(frames) frames in bucket \(Synthesizer.bucket(frames: frames).frames), "
                  + "relative max error vs exact length \(String(format: "%.2e", error))")
            XCTAssertLessThanOrEqual(error, 1e-4, "speed \(speed): bucketed vs exact-length recording")
            if speed == 1 {
                let reference = try file.floats("audio")
                XCTAssertEqual(audio.count, reference.count)
                XCTAssertLessThanOrEqual(LogMel.meanAbsoluteDifference(audio, reference), 1.0, "log-mel vs the reference")
            }
        }
    }
}
