// kokoro-cli: the command-line face of libkokoro. Arguments are parsed by hand (no dependencies).
import Glibc
import Kokoro

let usageText = """
usage: kokoro-cli <command> [options]

commands:
  devices                      list the Vulkan devices the loader sees
  info [--model PATH]          print the library version and the device an engine would use;
       [--voices PATH]         with --model, create an engine (checks the model file too)
       [--device N]
       [--cache-dir DIR]
  bench-kernels [args]         benchmark the GEMM/conv kernel variants (GFLOP/s)
  bench-text [--model PATH] [--voice NAME] [--repeats N]
                               time the text side (tokens -> durations, F0, N) per stage
  help, --help, -h             show this text

environment:
  KOKORO_VULKAN_DEVICE=N       device index when --device is not given
  KOKORO_KERNEL_VARIANT=tiled|register   force a kernel variant
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

/// Splits `--name value` / `--name=value` options; anything else is an error.
func parseOptions(_ arguments: ArraySlice<String>, allowed: Set<String>) throws -> [String: String] {
    var options: [String: String] = [:]
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        guard argument.hasPrefix("--") else { throw CLIError.usage("unexpected argument \"\(argument)\"") }
        var name = String(argument.dropFirst(2))
        var value: String
        if let equals = name.firstIndex(of: "=") {
            value = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        } else {
            guard let next = rest.popFirst() else { throw CLIError.usage("--\(name) needs a value") }
            value = next
        }
        guard allowed.contains(name) else { throw CLIError.usage("unknown option --\(name)") }
        options[name] = value
    }
    return options
}

func runDevices(_ arguments: ArraySlice<String>) throws {
    _ = try parseOptions(arguments, allowed: [])
    let devices = try availableDevices()
    if devices.isEmpty { print("no Vulkan devices") }
    for device in devices { print(device) }
}

func runInfo(_ arguments: ArraySlice<String>) throws {
    let options = try parseOptions(arguments, allowed: ["model", "voices", "device", "cache-dir"])
    var deviceIndex: Int? = nil
    if let text = options["device"] {
        guard let index = Int(text), index >= 0 else { throw CLIError.usage("--device needs a device index, got \"\(text)\"") }
        deviceIndex = index
    }
    print("libkokoro \(String(cString: kokoroVersionString()))")
    guard let model = options["model"] else {
        if options["voices"] != nil { throw CLIError.usage("--voices needs --model") }
        print("device: \(try describeDevice(index: deviceIndex))")
        return
    }
    let engine = try Engine(EngineConfiguration(modelPath: model, voicesPath: options["voices"],
                                                deviceIndex: deviceIndex, cacheDirectory: options["cache-dir"]))
    print("device: \(engine.deviceDescription)")
    print("model: \(model)")
}

func run(_ arguments: [String]) -> Int32 {
    guard let command = arguments.first else {
        fputs(usageText, stderr)
        return 64
    }
    let rest = arguments.dropFirst()
    do {
        switch command {
        case "devices": try runDevices(rest)
        case "info": try runInfo(rest)
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
