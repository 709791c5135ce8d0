// The C ABI contract of include/kokoro.h, exercised through the exported symbols themselves:
// every function is looked up by name with dlsym (as a C host would find it) and called through a
// C function pointer. Tests that need a device fail, never skip, when no Vulkan device is present;
// tests that create an engine need the real model bundle (`make model`) and fail without it.
import CKokoroABI
import Foundation
import Kokoro
import XCTest

/// Every status the header declares, with the code it must have.
private let allStatuses: [(kokoro_status, Int32)] = [
    (KOKORO_OK, 0), (KOKORO_ERR_INVALID_ARGUMENT, -1), (KOKORO_ERR_NO_DEVICE, -2), (KOKORO_ERR_MODEL, -3),
    (KOKORO_ERR_UNKNOWN_VOICE, -4), (KOKORO_ERR_PHONEMIZE, -5), (KOKORO_ERR_OUT_OF_MEMORY, -6),
    (KOKORO_ERR_DEVICE_LOST, -7), (KOKORO_ERR_CANCELLED, -8), (KOKORO_ERR_BUFFER_TOO_SMALL, -9),
    (KOKORO_ERR_INTERNAL, -10),
]

/// Compile-time check that each @_cdecl function has exactly the type of the header's declaration.
private func sameType<T>(_ a: T, _ b: T) {}
private func signaturesMatchHeader() {
    sameType(kokoro_version, kokoroVersion)
    sameType(kokoro_version_string, kokoroVersionString)
    sameType(kokoro_status_string, kokoroStatusString)
    sameType(kokoro_set_log_callback, kokoroSetLogCallback)
    sameType(kokoro_config_default, kokoroConfigDefault)
    sameType(kokoro_config_default_by_ref, kokoroConfigDefaultByRef)
    sameType(kokoro_create, kokoroCreate)
    sameType(kokoro_last_create_error, kokoroLastCreateError)
    sameType(kokoro_free, kokoroFree)
    sameType(kokoro_last_error, kokoroLastError)
    sameType(kokoro_device_name, kokoroDeviceName)
    sameType(kokoro_synthesis_options_default, kokoroSynthesisOptionsDefault)
    sameType(kokoro_synthesis_options_default_by_ref, kokoroSynthesisOptionsDefaultByRef)
    sameType(kokoro_warm, kokoroWarm)
    sameType(kokoro_synthesize, kokoroSynthesize)
    sameType(kokoro_audio_free, kokoroAudioFree)
    sameType(kokoro_phonemize, kokoroPhonemize)
}

final class CAPITests: XCTestCase {
    private var scratch: URL!

    override class func setUp() {
        // Every failure is also logged; keep the expected ones out of the test output.
        setenv("KOKORO_LOG_LEVEL", "none", 1)
    }

    override class func tearDown() {
        unsetenv("KOKORO_LOG_LEVEL")
    }

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kokoro-capi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A tiny file with a valid safetensors header and no tensors: not a model bundle, but enough
    /// for the tests that fail before the model is read (arguments, device choice).
    private func fakeModel(_ name: String = "model.safetensors") throws -> String {
        let header = Array(#"{"__metadata__":{"format":"pt"}}"#.utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
        bytes += header
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Calls kokoro_create with a default config changed by `adjust`; returns status, engine, message.
    private func create(model: String?, _ adjust: (inout kokoro_config) -> Void = { _ in })
        -> (status: kokoro_status, engine: OpaquePointer?, message: String) {
        var config = ABI.configDefault()
        let modelCString = model.map { strdup($0)! }
        defer { modelCString.map { Foundation.free($0) } }
        config.model_path = modelCString.map { UnsafePointer($0) }
        adjust(&config)
        var engine: OpaquePointer? = OpaquePointer(bitPattern: 0xdead)
        let status = ABI.create(&config, &engine)
        return (status, engine, text(ABI.lastCreateError()))
    }

    func testSignaturesMatchHeader() {
        signaturesMatchHeader()
    }

    func testVersionMatchesHeaderMacros() {
        let expected = UInt32(KOKORO_VERSION_MAJOR * 10000 + KOKORO_VERSION_MINOR * 100 + KOKORO_VERSION_PATCH)
        XCTAssertEqual(ABI.version(), expected)
        XCTAssertEqual(text(ABI.versionString()), "\(KOKORO_VERSION_MAJOR).\(KOKORO_VERSION_MINOR).\(KOKORO_VERSION_PATCH)")
        XCTAssertEqual(text(ABI.versionString()), KOKORO_VERSION_STRING)
        XCTAssertEqual(text(ABI.versionString()), "0.2.0")
    }

    func testStatusCodesAndStrings() {
        var seen = Set<String>()
        for (status, code) in allStatuses {
            XCTAssertEqual(status.rawValue, code)
            let description = text(ABI.statusString(status))
            XCTAssertFalse(description.isEmpty)
            XCTAssertNotEqual(description, "unknown status", "code \(code)")
            XCTAssertTrue(seen.insert(description).inserted, "\(description) used twice")
        }
        XCTAssertEqual(text(ABI.statusString(kokoro_status(rawValue: 42))), "unknown status")
        XCTAssertEqual(text(ABI.statusString(kokoro_status(rawValue: -11))), "unknown status")
        XCTAssertEqual(text(ABI.statusString(kokoro_status(rawValue: Int32.min))), "unknown status")
    }

    func testConfigDefaults() {
        let config = ABI.configDefault()
        XCTAssertEqual(Int(config.struct_size), MemoryLayout<kokoro_config>.size)
        XCTAssertNil(config.model_path)
        XCTAssertNil(config.voices_path)
        XCTAssertNil(config.cache_dir)
        XCTAssertEqual(config.device_index, -1)

        var byRef = kokoro_config()
        XCTAssertEqual(ABI.configDefaultByRef(&byRef), KOKORO_OK)
        XCTAssertEqual(byRef.struct_size, config.struct_size)
        XCTAssertEqual(byRef.device_index, -1)
        XCTAssertNil(byRef.model_path)
        XCTAssertEqual(ABI.configDefaultByRef(nil), KOKORO_ERR_INVALID_ARGUMENT)
    }

    func testCreateRejectsNullPointers() throws {
        var config = ABI.configDefault()
        var engine: OpaquePointer? = OpaquePointer(bitPattern: 0xdead)
        XCTAssertEqual(ABI.create(nil, &engine), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertNil(engine, "*out must be NULL after a failure")
        XCTAssertTrue(text(ABI.lastCreateError()).contains("config is NULL"))
        XCTAssertEqual(ABI.create(&config, nil), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertTrue(text(ABI.lastCreateError()).contains("out is NULL"))
        XCTAssertEqual(ABI.create(nil, nil), KOKORO_ERR_INVALID_ARGUMENT)

        let missingModel = create(model: nil)
        XCTAssertEqual(missingModel.status, KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertNil(missingModel.engine)
        XCTAssertTrue(missingModel.message.contains("model_path"), missingModel.message)
    }

    func testCreateRejectsBadStructSize() throws {
        let model = try fakeModel()
        for size: UInt32 in [0, 1, 4, 8, UInt32(MemoryLayout<kokoro_config>.size - 1), 4097, 1 << 20, .max] {
            let result = create(model: model) { $0.struct_size = size }
            XCTAssertEqual(result.status, KOKORO_ERR_INVALID_ARGUMENT, "struct_size \(size)")
            XCTAssertNil(result.engine)
            XCTAssertTrue(result.message.contains("struct_size"), result.message)
        }
    }

    func testCreateRejectsBadFields() throws {
        let model = try fakeModel()
        let negative = create(model: model) { $0.device_index = -2 }
        XCTAssertEqual(negative.status, KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertTrue(negative.message.contains("device_index"), negative.message)

        let empty = create(model: "")
        XCTAssertEqual(empty.status, KOKORO_ERR_INVALID_ARGUMENT)

        var invalidUTF8: [CChar] = [CChar(bitPattern: 0xff), CChar(bitPattern: 0xfe), 0]
        let badPath = invalidUTF8.withUnsafeMutableBufferPointer { buffer in
            create(model: model) { $0.model_path = UnsafePointer(buffer.baseAddress!) }
        }
        XCTAssertEqual(badPath.status, KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertTrue(badPath.message.contains("UTF-8"), badPath.message)
    }

    func testCreateAndFreeOnTheDevice() throws {
        let result = create(model: try TestModel.require())
        XCTAssertEqual(result.status, KOKORO_OK, "a Vulkan device (lavapipe at least) is required: \(result.message)")
        let engine = try XCTUnwrap(result.engine)
        XCTAssertEqual(result.message, "")
        XCTAssertFalse(text(ABI.deviceName(engine)).isEmpty)
        XCTAssertEqual(text(ABI.lastError(engine)), "")
        ABI.free(engine)
    }

    func testLargerStructSizeFromANewerHeaderIsAccepted() throws {
        // A newer caller's struct: the known fields, then fields this version does not know.
        let model = try XCTUnwrap(strdup(try TestModel.require()))
        defer { Foundation.free(model) }
        let size = MemoryLayout<kokoro_config>.size + 64
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { raw.deallocate() }
        memset(raw, 0x5a, size)
        var config = ABI.configDefault()
        config.model_path = UnsafePointer(model)
        config.struct_size = UInt32(size)
        raw.storeBytes(of: config, as: kokoro_config.self)
        var engine: OpaquePointer? = nil
        let status = ABI.create(raw.assumingMemoryBound(to: kokoro_config.self), &engine)
        XCTAssertEqual(status, KOKORO_OK, text(ABI.lastCreateError()))
        ABI.free(engine)
    }

    func testModelFileErrors() throws {
        let directory = scratch.appendingPathComponent("a-directory").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            (scratch.appendingPathComponent("missing.safetensors").path, "No such file"),
            (directory, "is a directory"),
            (try write([], "empty.safetensors"), "0 bytes"),
            (try write(Array("this is not a model, just some text".utf8), "garbage.safetensors"), "not a safetensors file"),
            (try write([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, UInt8(ascii: "{"), UInt8(ascii: "}")], "huge-header.safetensors"),
             "header length"),
            (try write([2, 0, 0, 0, 0, 0, 0, 0, UInt8(ascii: "["), UInt8(ascii: "]")], "not-json.safetensors"),
             "expected an object"),
            (try write([1, 2, 3], "short.safetensors"), "too short"),
            // A well-formed safetensors file that is not a Kokoro bundle.
            (try fakeModel("not-a-bundle.safetensors"), "metadata \"format\""),
        ]
        for (path, reason) in cases {
            let result = create(model: path)
            XCTAssertEqual(result.status, KOKORO_ERR_MODEL, "\(path): \(result.message)")
            XCTAssertNil(result.engine)
            XCTAssertTrue(result.message.contains(path), "message should name the path: \(result.message)")
            XCTAssertTrue(result.message.contains(reason), "expected \"\(reason)\" in: \(result.message)")
        }
    }

    func testVoicesPathIsCheckedWhenGiven() throws {
        let model = try TestModel.require()
        let missing = scratch.appendingPathComponent("no-voices.safetensors").path
        let notVoices = try fakeModel("not-voices.safetensors")
        for (path, reason) in [(missing, "No such file"), (notVoices, "metadata \"format\""), (scratch.path, "is a directory")] {
            let voices = strdup(path)!
            defer { Foundation.free(voices) }
            let result = create(model: model) { $0.voices_path = UnsafePointer(voices) }
            XCTAssertEqual(result.status, KOKORO_ERR_MODEL, result.message)
            XCTAssertNil(result.engine)
            XCTAssertTrue(result.message.contains(path) && result.message.contains(reason), result.message)
        }
        // The model file is not a voices file either.
        let modelAsVoices = strdup(model)!
        defer { Foundation.free(modelAsVoices) }
        let result = create(model: model) { $0.voices_path = UnsafePointer(modelAsVoices) }
        XCTAssertEqual(result.status, KOKORO_ERR_MODEL, result.message)
    }

    func testModelWithoutVoicesBesideIt() throws {
        // voices_path NULL means voices.safetensors in the model's directory; a model copied alone
        // into another directory has none there.
        let lonely = scratch.appendingPathComponent("kokoro-v1_0.safetensors").path
        try FileManager.default.createSymbolicLink(atPath: lonely, withDestinationPath: try TestModel.require())
        let result = create(model: lonely)
        XCTAssertEqual(result.status, KOKORO_ERR_MODEL, result.message)
        XCTAssertTrue(result.message.contains(scratch.appendingPathComponent("voices.safetensors").path), result.message)
    }

    func testNoDriverReturnsNoDevice() throws {
        let saved = ["VK_DRIVER_FILES", "VK_ICD_FILENAMES"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        setenv("VK_DRIVER_FILES", "/nonexistent", 1)
        setenv("VK_ICD_FILENAMES", "/nonexistent", 1)
        let model = try fakeModel()
        let result = create(model: model)
        XCTAssertEqual(result.status, KOKORO_ERR_NO_DEVICE, result.message)
        XCTAssertNil(result.engine)
        XCTAssertTrue(result.message.contains("mesa-vulkan-drivers"), "should say what to install: \(result.message)")

        // The loader re-reads the variables: with them gone the same process finds the device again.
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        let again = create(model: try TestModel.require())
        XCTAssertEqual(again.status, KOKORO_OK, again.message)
        ABI.free(again.engine)
    }

    func testDeviceIndexOutOfRange() throws {
        let result = create(model: try fakeModel()) { $0.device_index = 999 }
        XCTAssertEqual(result.status, KOKORO_ERR_NO_DEVICE, result.message)
        XCTAssertTrue(result.message.contains("999"), result.message)
    }

    func testCacheDirectoryIsCreated() throws {
        let cache = scratch.appendingPathComponent("cache/nested").path
        let cachePointer = strdup(cache)!
        defer { Foundation.free(cachePointer) }
        let result = create(model: try TestModel.require()) { $0.cache_dir = UnsafePointer(cachePointer) }
        XCTAssertEqual(result.status, KOKORO_OK, result.message)
        ABI.free(result.engine)
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache, isDirectory: &isDirectory) && isDirectory.boolValue)

        let file = try write([1], "not-a-directory")
        let filePointer = strdup(file)!
        defer { Foundation.free(filePointer) }
        let bad = create(model: try fakeModel()) { $0.cache_dir = UnsafePointer(filePointer) }
        XCTAssertEqual(bad.status, KOKORO_ERR_INVALID_ARGUMENT, bad.message)
    }

    func testNullEngineIsHarmless() {
        ABI.free(nil)
        XCTAssertTrue(text(ABI.lastError(nil)).contains("kokoro_last_create_error"))
        XCTAssertEqual(text(ABI.deviceName(nil)), "")
    }

    func testCreateErrorIsPerThread() throws {
        let missing = scratch.appendingPathComponent("thread-missing.safetensors").path
        XCTAssertEqual(create(model: missing).status, KOKORO_ERR_MODEL)
        // A failure on another thread leaves this thread's message alone.
        final class Box: @unchecked Sendable { var message = "" }
        let box = Box()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            var config = ABI.configDefault()
            var engine: OpaquePointer? = nil
            _ = ABI.create(&config, &engine)
            box.message = String(cString: ABI.lastCreateError()!)
            finished.signal()
        }.start()
        XCTAssertEqual(finished.wait(timeout: .now() + 30), .success)
        let otherMessage = box.message
        XCTAssertTrue(otherMessage.contains("model_path is NULL"), otherMessage)
        XCTAssertTrue(text(ABI.lastCreateError()).contains(missing))
    }

    func testSeparateEnginesOnSeparateThreads() throws {
        // The header promises kokoro_create may run on several threads at once, and that separate
        // engines are independent. (One engine per thread: each uploads the whole model.)
        let model = try TestModel.require()
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var statuses: [kokoro_status] = []
            var names: [String] = []
        }
        let results = Results()
        let group = DispatchGroup()
        for _ in 0..<3 {
            group.enter()
            Thread {
                for _ in 0..<1 {
                    let path = strdup(model)!
                    var config = ABI.configDefault()
                    config.model_path = UnsafePointer(path)
                    var engine: OpaquePointer? = nil
                    let status = ABI.create(&config, &engine)
                    let name = engine.map { String(cString: ABI.deviceName($0)!) } ?? String(cString: ABI.lastCreateError()!)
                    ABI.free(engine)
                    Foundation.free(path)
                    results.lock.lock()
                    results.statuses.append(status)
                    results.names.append(name)
                    results.lock.unlock()
                }
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(results.statuses, Array(repeating: KOKORO_OK, count: 3), "\(results.names)")
        XCTAssertEqual(Set(results.names).count, 1, "\(results.names)")
    }

    func testLogCallbackReceivesErrorsAndNullRestoresStderr() throws {
        final class Collected { var lines: [(kokoro_log_level, String)] = [] }
        let collected = Collected()
        let callback: kokoro_log_callback = { level, message, userData in
            let box = Unmanaged<Collected>.fromOpaque(userData!).takeUnretainedValue()
            box.lines.append((level, String(cString: message!)))
        }
        ABI.setLogCallback(callback, Unmanaged.passUnretained(collected).toOpaque())
        let missing = scratch.appendingPathComponent("log-missing.safetensors").path
        let result = create(model: missing)
        ABI.setLogCallback(nil, nil)
        XCTAssertEqual(result.status, KOKORO_ERR_MODEL)
        XCTAssertTrue(collected.lines.contains { $0.0 == KOKORO_LOG_ERROR && $0.1 == result.message },
                      "log lines: \(collected.lines.map(\.1))")

        let count = collected.lines.count
        _ = create(model: missing)
        XCTAssertEqual(collected.lines.count, count, "after NULL, messages no longer reach the callback")
    }
}

/// The Swift-level API the CLI uses.
final class EngineTests: XCTestCase {
    func testAvailableDevicesListsAtLeastOne() throws {
        let devices = try availableDevices()
        XCTAssertFalse(devices.isEmpty, "a Vulkan device (lavapipe at least) is required")
        XCTAssertEqual(devices.map(\.index), Array(devices.indices))
    }

    func testEngineThrowsAModelErrorNamingThePath() {
        XCTAssertThrowsError(try Engine(EngineConfiguration(modelPath: "/nonexistent/model.safetensors"))) { error in
            guard case KokoroError.model(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("/nonexistent/model.safetensors"))
        }
    }

    func testEngineVoicesAndDefault() throws {
        let engine = try SharedEngine.get()
        XCTAssertEqual(engine.voices, ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"])
        XCTAssertEqual(engine.defaultVoice, "jf_alpha")
        let listed = try voiceList(modelPath: try TestModel.require())
        XCTAssertEqual(listed.names, engine.voices)
        XCTAssertEqual(listed.defaultVoice, "jf_alpha")
        XCTAssertThrowsError(try voiceList(modelPath: "/nonexistent/model.safetensors")) { error in
            guard case KokoroError.model(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("/nonexistent/voices.safetensors"), message)
        }
    }
}
