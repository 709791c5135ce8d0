import Glibc
import Kokoro
import KokoroText

/// `kokoro-cli say`: text (or phonemes) in, a mono 24 kHz WAV out.
func runSay(_ arguments: ArraySlice<String>) throws {
    let options = try parseOptions(arguments,
                                   allowed: ["phonemes", "text", "output", "voice", "speed", "seed", "noise-scale", "language",
                                             "model", "voices", "device", "cache-dir"],
                                   flags: ["float"], positional: "text")
    let input: (String, SynthesisOptions.Input)
    switch (options["phonemes"], options["text"]) {
    case (let phonemes?, nil): input = (phonemes, .phonemes)
    case (nil, let text?): input = (text, .text)
    case (nil, nil): throw CLIError.usage("say needs the text to speak (or --phonemes \"...\")")
    default: throw CLIError.usage("say takes text or --phonemes, not both")
    }
    guard let output = options["output"], !output.isEmpty else { throw CLIError.usage("say needs -o FILE.wav") }
    let synthesis = SynthesisOptions(voice: options["voice"], speed: try number(options, "speed", Float(1)), input: input.1,
                                     seed: try number(options, "seed", UInt64(0)),
                                     noiseScale: try number(options, "noise-scale", Float(1)),
                                     language: try language(options))
    let format: WAVSampleFormat = options["float"] != nil ? .float32 : .pcm16

    let engine = try makeEngine(options)
    let start = monotonicSeconds()
    let samples = try engine.synthesize(input.0, options: synthesis)
    let elapsed = monotonicSeconds() - start
    try WAVFile.write(samples, sampleRate: Engine.sampleRate, format: format, to: output)

    let seconds = Double(samples.count) / Double(Engine.sampleRate)
    print("\(output): \(fixed(seconds, 2)) s of audio (\(samples.count) samples, \(Engine.sampleRate) Hz, "
          + "\(format == .pcm16 ? "16-bit PCM" : "32-bit float"), voice \(synthesis.voice ?? engine.defaultVoice)) "
          + "synthesised in \(fixed(elapsed, 2)) s on \(engine.deviceName)")
}

/// `kokoro-cli phonemize`: the phonemes of plain text, one line per paragraph, without a device.
func runPhonemize(_ arguments: ArraySlice<String>) throws {
    let options = try parseOptions(arguments, allowed: ["language", "model"], positional: "text")
    guard let text = options["text"] else { throw CLIError.usage("phonemize needs the text") }
    let frontend = TextFrontend(lexiconDirectory: siblingPath(of: options["model"] ?? defaultModelPath, named: "lexicons"))
    for line in try frontend.phonemize(text, language: try language(options)) { print(line) }
}

/// --language, checked (default en-us).
func language(_ options: [String: String]) throws -> TextLanguage {
    guard let code = options["language"] else { return .americanEnglish }
    guard let language = TextLanguage(code: code) else {
        throw CLIError.usage("--language \"\(code)\" is not one of \(TextLanguage.supportedCodes)")
    }
    return language
}

/// `value` with `digits` decimals ("1.75"); no Foundation here.
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1
    for _ in 0..<digits { scale *= 10 }
    let n = Int((abs(value) * Double(scale)).rounded())
    let sign = value < 0 && n != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(n) }
    let fraction = String(n % scale)
    return sign + "\(n / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction
}
