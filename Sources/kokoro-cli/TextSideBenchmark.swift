import Glibc
import KokoroModel
import VulkanCompute

/// `kokoro-cli bench-text --model PATH [--voice NAME] [--repeats N] [--buckets]`: the text side's
/// GPU time per stage (timestamp queries, median of N runs after one warm-up) and its wall time,
/// for phoneme strings of about 5, 15, 50 and 215 tokens. With `--buckets`, then whole syntheses
/// showing the decoder/generator recording per frame bucket: the host time a recording costs,
/// what a call that reuses one saves, and the padding's cost against exact-length recordings.
/// A benchmark, never a test.
func runTextSideBenchmark(arguments: [String]) throws {
    var modelPath = "models/kokoro-v1_0.safetensors"
    var voiceName: String? = nil
    var repeats = 3
    var buckets = false
    var index = 0
    while index < arguments.count {
        let value = index + 1 < arguments.count ? arguments[index + 1] : nil
        switch (arguments[index], value) {
        case ("--model", let v?): modelPath = v
        case ("--voice", let v?): voiceName = v
        case ("--repeats", let v?):
            guard let n = Int(v), n > 0 else { throw BenchmarkError.usage("--repeats takes a positive integer") }
            repeats = n
        case ("--buckets", _):
            buckets = true
            index -= 1
        default:
            throw BenchmarkError.usage("usage: bench-text [--model PATH] [--voice NAME] [--repeats N] [--buckets]")
        }
        index += 2
    }
    let voicesPath = String(modelPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
    let device = try ComputeDevice()
    let bundle = try ModelBundle(path: modelPath)
    let voices = try VoiceBank(path: (voicesPath.isEmpty ? "." : voicesPath) + "/voices.safetensors")
    let voice = voiceName ?? voices.names[0]
    let weights = try WeightStore(device: device, bundle: bundle)
    let textSide = try TextSide(weights: weights)
    print("device: \(device.capabilities.name); voice \(voice)")

    let sentence = "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. "
    let inputs: [(String, String)] = [
        ("hi", "hˈI"),
        ("hello world", "həlˈO wˈɜɹld."),
        ("sentence", sentence),
        ("paragraph", String(repeating: sentence, count: 4)),
    ]
    print(pad("input", 14) + pad("tokens", 8) + pad("frames", 8) + pad("wall ms", 10) + "GPU ms per stage")
    for (name, phonemes) in inputs {
        let ids = [0] + phonemes.unicodeScalars.compactMap { bundle.config.tokenID(for: $0) } + [0]
        let style = try voices.style(voice, phonemeCount: ids.count - 2)
        _ = try textSide.run(tokens: ids, style: style)  // warm-up: pipelines, first-dispatch compiles
        var walls: [Double] = []
        var stageRuns: [[String: Double]] = []
        var frames = 0
        for _ in 0..<repeats {
            let start = monotonicSeconds()
            let result = try textSide.run(tokens: ids, style: style, profile: true)
            walls.append(monotonicSeconds() - start)
            frames = result.frames
            var stages: [String: Double] = [:]
            for (label, seconds) in result.timings { stages[stageName(label), default: 0] += seconds }
            stageRuns.append(stages)
        }
        let wall = walls.sorted()[walls.count / 2]
        let stageOrder = ["bert", "bert_encoder", "predictor.text_encoder", "predictor.lstm", "predictor.duration", "text_encoder",
                          "alignment", "predictor.shared", "predictor.F0", "predictor.N", "other"]
        let parts = stageOrder.compactMap { stage -> String? in
            let values = stageRuns.compactMap { $0[stage] }.sorted()
            guard !values.isEmpty else { return nil }
            return "\(stage) \(format(values[values.count / 2] * 1000))"
        }
        print(pad(name, 14) + pad("\(ids.count)", 8) + pad("\(frames)", 8) + pad(format(wall * 1000), 10) + parts.joined(separator: ", "))
        fflush(stdout)
    }
    if buckets {
        try benchmarkBuckets(weights: weights, inputs: inputs.dropLast().map { name, phonemes in
            (name, [0] + phonemes.unicodeScalars.compactMap { bundle.config.tokenID(for: $0) } + [0])
        }, voices: voices, voice: voice)
    }
}

/// Per input (speeds 1 and 0.9: two frame counts, usually one bucket): wall time of a bucketed
/// call that records, of calls that reuse the recording, and of an exact-length synthesizer's
/// call (which records every time), with the recording's host time.
private func benchmarkBuckets(weights: WeightStore, inputs: [(String, [Int])], voices: VoiceBank, voice: String) throws {
    let bucketed = try Synthesizer(weights: weights, bucketing: true)
    let exact = try Synthesizer(weights: weights, bucketing: false)
    print("\nframe buckets: decoder + generator recorded once per bucket (recording = host ms to record it)")
    print(pad("input", 14) + pad("speed", 7) + pad("frames", 8) + pad("bucket", 8) + pad("call", 10) + pad("record ms", 11) + "wall ms")
    for (name, ids) in inputs {
        let style = try voices.style(voice, phonemeCount: ids.count - 2)
        for speed: Float in [1, 0.9] {
            for (label, synthesizer) in [("exact", exact), ("bucketed", bucketed), ("bucketed", bucketed)] {
                let made = synthesizer.recordingsMade
                let start = monotonicSeconds()
                let samples = try synthesizer.synthesize(tokens: ids, style: style, speed: speed).count
                let wall = monotonicSeconds() - start
                let frames = samples / Synthesizer.samplesPerFrame
                let recorded = synthesizer.recordingsMade > made
                print(pad(name, 14) + pad("\(speed)", 7) + pad("\(frames)", 8)
                      + pad(synthesizer.bucketing ? "\(Synthesizer.bucket(frames: frames).frames)" : "-", 8)
                      + pad(label + (recorded ? "+rec" : ""), 10) + pad(format(synthesizer.lastRecordingSeconds * 1000), 11) + format(wall * 1000))
                fflush(stdout)
            }
        }
    }
    print("recordings: bucketed \(bucketed.recordingsMade) made, \(bucketed.recordingsReused) reused; "
          + "exact-length \(exact.recordingsMade) made, \(exact.recordingsReused) reused")
}

/// Groups dispatch labels into the reference's top-level modules.
private func stageName(_ label: String) -> String {
    for prefix in ["bert_encoder", "bert", "predictor.text_encoder", "predictor.lstm", "predictor.duration", "text_encoder",
                   "alignment", "predictor.shared", "predictor.F0", "predictor.N", "predictor.style"] where label.hasPrefix(prefix) {
        return prefix == "predictor.style" ? "predictor.text_encoder" : prefix
    }
    return "other"
}

private func format(_ milliseconds: Double) -> String { String((milliseconds * 10).rounded() / 10) }

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}
