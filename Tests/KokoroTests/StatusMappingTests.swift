// kokoroStatus(for:) is the single place errors become status codes; every case is pinned here so
// a new error case cannot silently change what callers see.
import CKokoroABI
@testable import Kokoro
import KokoroModel
import VulkanCompute
import XCTest

final class StatusMappingTests: XCTestCase {
    private func status(_ error: Error) -> kokoro_status { kokoroStatus(for: error).status }

    func testVulkanErrors() {
        XCTAssertEqual(status(VulkanError.loaderUnavailable("x")), KOKORO_ERR_NO_DEVICE)
        XCTAssertEqual(status(VulkanError.noDevice("x")), KOKORO_ERR_NO_DEVICE)
        XCTAssertEqual(status(VulkanError.deviceIndexOutOfRange(requested: 3, available: 1)), KOKORO_ERR_NO_DEVICE)
        XCTAssertEqual(status(VulkanError.missingCapability("x")), KOKORO_ERR_NO_DEVICE)
        XCTAssertEqual(status(VulkanError.outOfMemory("x")), KOKORO_ERR_OUT_OF_MEMORY)
        XCTAssertEqual(status(VulkanError.deviceLost("x")), KOKORO_ERR_DEVICE_LOST)
        // Outside device set-up these are libkokoro's own mistakes.
        XCTAssertEqual(status(VulkanError.invalidArgument("x")), KOKORO_ERR_INTERNAL)
        XCTAssertEqual(status(VulkanError.callFailed(function: "vkQueueSubmit", result: -3)), KOKORO_ERR_INTERNAL)
    }

    func testErrorsWhileOpeningTheDevice() {
        // KOKORO_VULKAN_DEVICE=abc is the caller's input; a failing call means the device is unusable.
        XCTAssertEqual(status(KokoroError.openingDevice(.invalidArgument("KOKORO_VULKAN_DEVICE"))), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(status(KokoroError.openingDevice(.callFailed(function: "vkCreateDevice", result: -8))), KOKORO_ERR_NO_DEVICE)
        XCTAssertEqual(status(KokoroError.openingDevice(.noDevice("x"))), KOKORO_ERR_NO_DEVICE)
        XCTAssertEqual(status(KokoroError.openingDevice(.outOfMemory("x"))), KOKORO_ERR_OUT_OF_MEMORY)
    }

    func testKokoroErrorsAndOthers() {
        struct Unexpected: Error {}
        XCTAssertEqual(status(KokoroError.invalidArgument("x")), KOKORO_ERR_INVALID_ARGUMENT)
        XCTAssertEqual(status(KokoroError.model("x")), KOKORO_ERR_MODEL)
        XCTAssertEqual(status(KokoroError.internalError("x")), KOKORO_ERR_INTERNAL)
        XCTAssertEqual(status(KokoroError.unknownVoice("x")), KOKORO_ERR_UNKNOWN_VOICE)
        XCTAssertEqual(status(KokoroError.phonemize("x")), KOKORO_ERR_PHONEMIZE)
        XCTAssertEqual(status(KokoroError.cancelled("x")), KOKORO_ERR_CANCELLED)
        XCTAssertEqual(status(Unexpected()), KOKORO_ERR_INTERNAL)
        XCTAssertTrue(kokoroStatus(for: KokoroError.model("model file \"m\" is empty")).message.contains("\"m\""))
    }

    func testModelFileErrors() {
        XCTAssertEqual(status(ModelFileError.unknownVoice(path: "v", voice: "x", available: ["a"])), KOKORO_ERR_UNKNOWN_VOICE)
        XCTAssertEqual(status(ModelFileError.cannotOpen(path: "m", reason: "gone")), KOKORO_ERR_MODEL)
        XCTAssertEqual(status(ModelFileError.missingTensor(path: "m", tensor: "t")), KOKORO_ERR_MODEL)
        XCTAssertTrue(kokoroStatus(for: ModelFileError.cannotOpen(path: "m.safetensors", reason: "gone")).message.contains("m.safetensors"))
    }

    func testKokoroVulkanDeviceEnvironmentVariable() throws {
        let saved = getenv("KOKORO_VULKAN_DEVICE").map { String(cString: $0) }
        defer { if let saved { setenv("KOKORO_VULKAN_DEVICE", saved, 1) } else { unsetenv("KOKORO_VULKAN_DEVICE") } }
        setenv("KOKORO_VULKAN_DEVICE", "not-a-number", 1)
        XCTAssertThrowsError(try Engine(EngineConfiguration(modelPath: "/unused"))) { error in
            XCTAssertEqual(self.status(error), KOKORO_ERR_INVALID_ARGUMENT, "\(error)")
        }
        setenv("KOKORO_VULKAN_DEVICE", "77", 1)
        XCTAssertThrowsError(try Engine(EngineConfiguration(modelPath: "/unused"))) { error in
            XCTAssertEqual(self.status(error), KOKORO_ERR_NO_DEVICE, "\(error)")
        }
    }
}
