// Shared by the KokoroTests: the exported C entry points looked up by name (as a C host finds
// them), the real model bundle, and one engine per process for the tests that synthesise.
import CKokoroABI
import Foundation
import Kokoro
import XCTest

/// The exported entry points, found by name in libkokoro.so as a C host finds them. The library is
/// the debug build SwiftPM puts beside the test bundle (KOKORO_LIBRARY overrides the path); the
/// test process's own copy of the Kokoro module does not export its symbols dynamically.
enum ABI {
    static let path: String = {
        if let override = ProcessInfo.processInfo.environment["KOKORO_LIBRARY"], !override.isEmpty { return override }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("libkokoro.so").path
    }()

    static let library: UnsafeMutableRawPointer = {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            fatalError("cannot load \(path) (build it with `swift build`): \(String(cString: dlerror()))")
        }
        return handle
    }()

    static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let address = dlsym(library, name) else {
            fatalError("\(name) is not exported by \(path): \(String(cString: dlerror()))")
        }
        return unsafeBitCast(address, to: type)
    }

    static let version = symbol("kokoro_version", as: (@convention(c) () -> UInt32).self)
    static let versionString = symbol("kokoro_version_string", as: (@convention(c) () -> UnsafePointer<CChar>?).self)
    static let statusString = symbol("kokoro_status_string", as: (@convention(c) (kokoro_status) -> UnsafePointer<CChar>?).self)
    static let setLogCallback = symbol("kokoro_set_log_callback",
                                       as: (@convention(c) (kokoro_log_callback?, UnsafeMutableRawPointer?) -> Void).self)
    static let configDefault = symbol("kokoro_config_default", as: (@convention(c) () -> kokoro_config).self)
    static let configDefaultByRef = symbol("kokoro_config_default_by_ref",
                                           as: (@convention(c) (UnsafeMutablePointer<kokoro_config>?) -> kokoro_status).self)
    static let create = symbol("kokoro_create", as: (@convention(c) (UnsafePointer<kokoro_config>?,
                                                                     UnsafeMutablePointer<OpaquePointer?>?) -> kokoro_status).self)
    static let lastCreateError = symbol("kokoro_last_create_error", as: (@convention(c) () -> UnsafePointer<CChar>?).self)
    static let free = symbol("kokoro_free", as: (@convention(c) (OpaquePointer?) -> Void).self)
    static let lastError = symbol("kokoro_last_error", as: (@convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?).self)
    static let deviceName = symbol("kokoro_device_name", as: (@convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?).self)
    static let synthesisOptionsDefault = symbol("kokoro_synthesis_options_default",
                                                as: (@convention(c) () -> kokoro_synthesis_options).self)
    static let synthesisOptionsDefaultByRef = symbol(
        "kokoro_synthesis_options_default_by_ref",
        as: (@convention(c) (UnsafeMutablePointer<kokoro_synthesis_options>?) -> kokoro_status).self)
    static let warm = symbol("kokoro_warm", as: (@convention(c) (OpaquePointer?) -> kokoro_status).self)
    static let synthesize = symbol("kokoro_synthesize", as: (@convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<kokoro_synthesis_options>?,
        UnsafeMutablePointer<kokoro_audio>?) -> kokoro_status).self)
    static let audioFree = symbol("kokoro_audio_free", as: (@convention(c) (UnsafeMutablePointer<kokoro_audio>?) -> Void).self)
    static let phonemize = symbol("kokoro_phonemize", as: (@convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<kokoro_synthesis_options>?,
        UnsafeMutablePointer<CChar>?, Int, UnsafeMutablePointer<Int>?) -> kokoro_status).self)
}

func text(_ pointer: UnsafePointer<CChar>?, file: StaticString = #filePath, line: UInt = #line) -> String {
    guard let pointer else {
        XCTFail("returned NULL", file: file, line: line)
        return ""
    }
    return String(cString: pointer)
}

/// The real bundle made by `make model` (KOKORO_MODEL overrides the path). Tests that need it fail,
/// never skip, when it is absent.
enum TestModel {
    static let path: String = {
        if let override = ProcessInfo.processInfo.environment["KOKORO_MODEL"], !override.isEmpty { return override }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // KokoroTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("models/kokoro-v1_0.safetensors").path
    }()

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The model path, or a thrown failure (the test fails) that says how to get the file.
    static func require() throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Missing(description: "\(path) does not exist: run `make model` to fetch and convert the Kokoro bundle")
        }
        return path
    }
}

/// "Hi" and "Hello world." in Kokoro phonemes (misaki): the end-to-end tests stay short because
/// lavapipe synthesis is slow.
enum Phonemes {
    static let hi = "hˈI"
    static let helloWorld = "həlˈO wˈɜɹld."
}

/// One Swift-level engine for the whole test process (creating one uploads 325 MB of weights).
enum SharedEngine {
    private static let result: Result<Engine, Error> = Result { try Engine(EngineConfiguration(modelPath: try TestModel.require())) }

    static func get() throws -> Engine { try result.get() }
}

/// The root mean square of `samples`.
func rms(_ samples: UnsafeBufferPointer<Float>) -> Double {
    guard !samples.isEmpty else { return 0 }
    return (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
}

func rms(_ samples: [Float]) -> Double { samples.withUnsafeBufferPointer { rms($0) } }
