// kokoro-cli: the command-line face of libkokoro. Arguments are parsed by hand (no dependencies).
import Glibc
import Kokoro

let usageText = """
usage: kokoro-cli <command> [options]

commands:
  say TEXT -o FILE             speak plain text to a mono 24 kHz WAV
  say --phonemes PHONEMES -o FILE
                               speak Kokoro phonemes (e.g. "həlˈO wˈɜɹld.") instead
      [--language CODE]        language of TEXT: en-us (default), en-gb, es, fr, hi, it, pt-br
      [--voice NAME|BLEND]     a voice, or a blend such as "jf_alpha:0.7,jm_kumo:0.3"
      [--speed X]              speaking rate in (0, 10], default 1
      [--seed N]               random seed of the generator's noise, default 0
      [--noise-scale X]        0 = deterministic, 1 = the reference's noise (default)
      [--float]                32-bit float samples instead of 16-bit PCM
      [--model PATH] [--voices PATH] [--device N] [--cache-dir DIR]
  phonemize TEXT [--language CODE] [--model PATH]
                               print the phonemes of TEXT, one line per paragraph (uses the
                               bundle's lexicons and espeak-ng if installed; no Vulkan needed)
  voices [--model PATH] [--voices PATH]
                               list the voices (the default one marked)
  devices                      list the Vulkan devices the loader sees
  info [--model PATH]          print the library version and the device an engine would use;
       [--voices PATH]         with --model, create an engine (loads the model too)
       [--device N]
       [--cache-dir DIR]
  bench [--model PATH] [--voice NAME] [--repeats N] [--max-seconds S]
        [--inputs hi,hello,sentence,paragraph] [--json FILE]
                               warm end-to-end latency and real-time factor for phoneme inputs
                               of 5, 15, 50 and 448 tokens (use a release build): median of up
                               to N runs (default 5) after a warm-up, fewer past S s (default 60)
  bench-kernels [args]         benchmark the GEMM/conv kernel variants (GFLOP/s)
  bench-text [--model PATH] [--voice NAME] [--repeats N] [--buckets]
                               time the text side (tokens -> durations, F0, N) per stage;
                               --buckets: whole syntheses with and without frame buckets
                               (recording time saved, padding cost, recordings reused)
  help, --help, -h             show this text

The model defaults to models/kokoro-v1_0.safetensors, the voices to voices.safetensors beside it.

environment:
  KOKORO_VULKAN_DEVICE=N       device index when --device is not given
  KOKORO_KERNEL_VARIANT=tiled|register   force a kernel variant
  KOKORO_FRAME_BUCKETS=on|off  frame-count buckets (default: on for GPUs, off for CPU drivers)
  KOKORO_ESPEAK_LIBRARY=PATH|none   the espeak-ng to dlopen (none = behave as if not installed)
  KOKORO_LOG_LEVEL=debug|info|warn|error|none   stderr log threshold (default warn)
  VK_DRIVER_FILES=FILE.json    which Vulkan driver(s) the loader uses

exit status: 0 success, 1 failure, 64 usage error

"""

/// A failure to report on stderr with an exit status.
struct CLIError: Error {
    let message: String
    let status: Int32
    static func usage(_ message: String) -> CLIError { CLIError(message: "\(message) (see kokoro-cli --help)", status: 64) }
}

/// Splits `--name value` / `--name=value` options (and `-o FILE` = `--output FILE`); names in
/// `flags` take no value and map to "". With `positional`, one argument that is not an option is
/// stored under that name. Anything else is an error.
func parseOptions(_ arguments: ArraySlice<String>, allowed: Set<String>, flags: Set<String> = [],
                  positional: String? = nil) throws -> [String: String] {
    var options: [String: String] = [:]
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        if let positional, !argument.hasPrefix("--"), argument != "-o", options[positional] == nil {
            options[positional] = argument
            continue
        }
        if argument == "-o" && allowed.contains("output") {
            guard let next = rest.popFirst() else { throw CLIError.usage("-o needs a file name") }
            options["output"] = next
            continue
        }
        guard argument.hasPrefix("--") else { throw CLIError.usage("unexpected argument \"\(argument)\"") }
        var name = String(argument.dropFirst(2))
        var value: String
        if flags.contains(name) {
            options[name] = ""
            continue
        }
        if let equals = name.firstIndex(of: "=") {
            value = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        } else {
            guard allowed.contains(name) else { throw CLIError.usage("unknown option --\(name)") }
            guard let next = rest.popFirst() else { throw CLIError.usage("--\(name) needs a value") }
            value = next
        }
        guard allowed.contains(name) else { throw CLIError.usage("unknown option --\(name)") }
        options[name] = value
    }
    return options
}

/// The value of a numeric option, or `fallback` when it is absent.
func number<T: LosslessStringConvertible>(_ options: [String: String], _ name: String, _ fallback: T) throws -> T {
    guard let text = options[name] else { return fallback }
    guard let value = T(text) else { throw CLIError.usage("--\(name) needs a number, got \"\(text)\"") }
    return value
}

/// The default model bundle, relative to the working directory (the repository root for `make`).
let defaultModelPath = "models/kokoro-v1_0.safetensors"

/// An engine from the common --model / --voices / --device / --cache-dir options.
func makeEngine(_ options: [String: String]) throws -> Engine {
    var deviceIndex: Int? = nil
    if let text = options["device"] {
        guard let index = Int(text), index >= 0 else { throw CLIError.usage("--device needs a device index, got \"\(text)\"") }
        deviceIndex = index
    }
    return try Engine(EngineConfiguration(modelPath: options["model"] ?? defaultModelPath, voicesPath: options["voices"],
                                          deviceIndex: deviceIndex, cacheDirectory: options["cache-dir"]))
}

func runDevices(_ arguments: ArraySlice<String>) throws {
    _ = try parseOptions(arguments, allowed: [])
    let devices = try availableDevices()
    if devices.isEmpty { print("no Vulkan devices") }
    for device in devices { print(device) }
}

func runInfo(_ arguments: ArraySlice<String>) throws {
    let options = try parseOptions(arguments, allowed: ["model", "voices", "device", "cache-dir"])
    print("libkokoro \(String(cString: kokoroVersionString()))")
    guard let model = options["model"] else {
        if options["voices"] != nil { throw CLIError.usage("--voices needs --model") }
        var deviceIndex: Int? = nil
        if let text = options["device"] {
            guard let index = Int(text), index >= 0 else { throw CLIError.usage("--device needs a device index, got \"\(text)\"") }
            deviceIndex = index
        }
        print("device: \(try describeDevice(index: deviceIndex))")
        return
    }
    let engine = try makeEngine(options)
    print("device: \(engine.deviceDescription)")
    print("model: \(model)")
    print("voices: \(engine.voices.joined(separator: ", ")) (default \(engine.defaultVoice))")
}

func runVoices(_ arguments: ArraySlice<String>) throws {
    let options = try parseOptions(arguments, allowed: ["model", "voices"])
    let voices = try voiceList(modelPath: options["model"] ?? defaultModelPath, voicesPath: options["voices"])
    for name in voices.names { print(name == voices.defaultVoice ? "\(name) (default)" : name) }
}

func run(_ arguments: [String]) -> Int32 {
    guard let command = arguments.first else {
        fputs(usageText, stderr)
        return 64
    }
    let rest = arguments.dropFirst()
    do {
        switch command {
        case "say": try runSay(rest)
        case "phonemize": try runPhonemize(rest)
        case "voices": try runVoices(rest)
        case "devices": try runDevices(rest)
        case "info": try runInfo(rest)
        case "bench": try runSynthesisBenchmark(rest)
        case "bench-kernels": try runKernelBenchmark(arguments: Array(rest))
        case "bench-text": try runTextSideBenchmark(arguments: Array(rest))
        case "help", "--help", "-h": print(usageText, terminator: "")
        default: throw CLIError.usage("unknown command \"\(command)\"")
        }
        return 0
    } catch let error as CLIError {
        fputs("kokoro-cli: \(error.message)\n", stderr)
        return error.status
    } catch {
        fputs("kokoro-cli: error: \(error)\n", stderr)
        return 1
    }
}

exit(run(Array(CommandLine.arguments.dropFirst())))
