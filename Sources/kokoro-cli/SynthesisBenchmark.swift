import Glibc
import Kokoro

/// The benchmark's inputs: misaki-style American English phonemes of about 5, 15, 50 and 450
/// tokens (phonemes + the two boundary tokens). `tools/bench_onnxruntime.py` reads them from
/// `--json` so ONNX Runtime runs exactly the same token ids.
let benchmarkInputs: [(key: String, name: String, phonemes: String)] = {
    let sentences = [
        "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ.",
        "ɪt wʌz ðə bˈɛst ʌv tˈImz, ɪt wʌz ðə wˈɜɹst ʌv tˈImz.",
        "ˈɔl hjˈumən bˈiɪŋz ɑɹ bˈɔɹn fɹˈi ænd ˈikwəl ɪn dˈɪɡnᵻɾi ænd ɹˈIts.",
        "ðA ɑɹ ɛndˈWd wɪð ɹˈizᵊn ænd kˈɑnʃəns, ænd ʃʊd ˈækt təwˈɔɹdz wˈʌn ənˈʌðəɹ ɪn ə spˈɪɹᵻt ʌv bɹˈʌðəɹhˌʊd.",
        "ðə sˈʌn wʌz ʃˈIniŋ ˈɔn ðə sˈi, ʃˈIniŋ wɪð ˈɔl ɪz mˈIt.",
        "hi dˈɪd hɪz vˈɛɹi bˈɛst tə mˈAk ðə bˈɪlOz smˈuð ænd bɹˈIt.",
        "ænd ðɪs wʌz ˈɑd, bɪkˈʌz ɪt wʌz ðə mˈɪdᵊl ʌv ðə nˈIt.",
        "ðə ˈɛnd.",
    ]
    return [
        ("hi", "Hi", "hˈI"),
        ("hello", "Hello world.", "həlˈO wˈɜɹld."),
        ("sentence", "sentence", sentences[0]),
        ("paragraph", "paragraph", sentences.joined(separator: " ")),
    ]
}()

/// `kokoro-cli bench [--model PATH] [--voice NAME] [--repeats N] [--max-seconds S] [--inputs LIST]
/// [--json FILE]`: end-to-end warm latency (the median of up to N timed runs after `warm()` and one
/// warm-up run per input; an input stops repeating once its timed runs passed S seconds, so slow
/// CPU drivers finish) and speed as a multiple of real time (audio seconds per second of compute).
/// A benchmark, never a test: build with -c release.
func runSynthesisBenchmark(_ arguments: ArraySlice<String>) throws {
    let options = try parseOptions(arguments, allowed: ["model", "voices", "device", "cache-dir", "voice", "repeats", "json",
                                                        "seed", "noise-scale", "max-seconds", "inputs"])
    let repeats: Int = try number(options, "repeats", 5)
    guard repeats > 0 else { throw CLIError.usage("--repeats needs a positive number") }
    let maxSeconds: Double = try number(options, "max-seconds", 60)
    let selected = options["inputs"].map { $0.split(separator: ",").map { String($0.filter { $0 != " " }) } }
    let inputs = benchmarkInputs.filter { input in selected?.contains(input.key) ?? true }
    guard !inputs.isEmpty else {
        throw CLIError.usage("--inputs takes a comma-separated list of \(benchmarkInputs.map(\.key).joined(separator: ", "))")
    }
    let noiseScale: Float = try number(options, "noise-scale", 1)
    let seed: UInt64 = try number(options, "seed", 0)

    let createStart = monotonicSeconds()
    let engine = try makeEngine(options)
    let createSeconds = monotonicSeconds() - createStart
    let voice = options["voice"] ?? engine.defaultVoice
    let synthesis = SynthesisOptions(voice: voice, input: .phonemes, seed: seed, noiseScale: noiseScale)
    let warmStart = monotonicSeconds()
    try engine.warm()
    let warmSeconds = monotonicSeconds() - warmStart
    #if DEBUG
    let build = "debug"
    print("warning: this is a debug build; benchmark a release build (swift build -c release)")
    #else
    let build = "release"
    #endif
    print("libkokoro \(String(cString: kokoroVersionString())) on \(engine.deviceDescription)")
    print("voice \(voice), noise scale \(noiseScale); engine created in \(fixed(createSeconds, 2)) s, "
          + "kokoro_warm \(fixed(warmSeconds, 2)) s; median of up to \(repeats) runs (\(fixed(maxSeconds, 0)) s per input) "
          + "after 1 warm-up run")
    print(pad("input", 14) + pad("tokens", 8) + pad("audio s", 9) + pad("runs", 6) + pad("median ms", 11) + pad("min ms", 10)
          + "x real time")

    var rows: [String] = []
    for input in inputs {
        let chunks = try engine.phonemeChunks(input.phonemes)
        guard chunks.count == 1 else { throw CLIError(message: "benchmark input \(input.name) is not one chunk", status: 1) }
        let tokens = chunks[0]
        _ = try engine.synthesize(input.phonemes, options: synthesis)  // warm-up for this length
        var times: [Double] = []
        var sampleCount = 0
        while times.count < repeats && (times.isEmpty || times.reduce(0, +) < maxSeconds) {
            let start = monotonicSeconds()
            sampleCount = try engine.synthesize(input.phonemes, options: synthesis).count
            times.append(monotonicSeconds() - start)
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        let audioSeconds = Double(sampleCount) / Double(Engine.sampleRate)
        print(pad(input.name, 14) + pad("\(tokens.count)", 8) + pad(fixed(audioSeconds, 2), 9) + pad("\(times.count)", 6)
              + pad(fixed(median * 1000, 0), 11) + pad(fixed(times[0] * 1000, 0), 10) + fixed(audioSeconds / median, 2) + "x")
        fflush(stdout)
        rows.append("    {\"name\": \(jsonString(input.name)), \"phonemes\": \(jsonString(input.phonemes)), "
                    + "\"token_ids\": [\(tokens.map(String.init).joined(separator: ", "))], "
                    + "\"samples\": \(sampleCount), \"median_ms\": \(fixed(median * 1000, 3)), "
                    + "\"times_ms\": [\(times.map { fixed($0 * 1000, 3) }.joined(separator: ", "))]}")
    }
    if let path = options["json"] {
        let json = "{\n  \"library\": \(jsonString(String(cString: kokoroVersionString()))),\n  \"build\": \"\(build)\",\n"
            + "  \"device\": \(jsonString(engine.deviceDescription)),\n  \"voice\": \(jsonString(voice)),\n"
            + "  \"noise_scale\": \(noiseScale),\n  \"repeats\": \(repeats),\n"
            + "  \"create_s\": \(fixed(createSeconds, 3)),\n  \"warm_s\": \(fixed(warmSeconds, 3)),\n"
            + "  \"sample_rate\": \(Engine.sampleRate),\n  \"inputs\": [\n" + rows.joined(separator: ",\n") + "\n  ]\n}\n"
        guard let file = fopen(path, "w") else { throw CLIError(message: "cannot write \(path)", status: 1) }
        fputs(json, file)
        fclose(file)
    }
}

/// A JSON string literal (UTF-8 kept as is).
private func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
