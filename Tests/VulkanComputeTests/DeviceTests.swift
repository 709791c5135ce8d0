import Glibc
import XCTest
@testable import VulkanCompute

final class DeviceTests: XCTestCase {
    func testDeviceOpensAndReportsCapabilities() throws {
        let device = try SharedDevice.get()
        let caps = device.capabilities
        XCTAssertFalse(caps.name.isEmpty)
        XCTAssertGreaterThan(caps.subgroupSize, 0)
        XCTAssertGreaterThanOrEqual(caps.maxSharedMemoryBytes, 16384, "Vulkan guarantees 16 KiB of shared memory")
        XCTAssertGreaterThanOrEqual(caps.maxWorkgroupInvocations, 128)
        XCTAssertEqual(device.kernelVariant, KernelVariant.fromEnvironment() ?? (caps.type == .cpu ? .register : .tiled))
        print("device: \(caps)")
    }

    func testAvailableDevicesAreListedAndChoiceIsOverridable() throws {
        _ = try SharedDevice.get()
        let devices = try ComputeDevice.availableDevices()
        XCTAssertFalse(devices.isEmpty)
        XCTAssertEqual(devices.map(\.index), Array(devices.indices))
        let chosen = try choosePhysicalDevice(devices, requestedIndex: nil)
        XCTAssertEqual(chosen.type, devices.map(\.type).max())
        XCTAssertEqual(try choosePhysicalDevice(devices, requestedIndex: devices.count - 1).index, devices.count - 1)
    }

    func testDeviceIndexOutOfRangeIsReported() throws {
        _ = try SharedDevice.get()
        XCTAssertThrowsError(try ComputeDevice(deviceIndex: 99)) { error in
            guard case VulkanError.deviceIndexOutOfRange(let requested, _) = error else {
                return XCTFail("expected deviceIndexOutOfRange, got \(error)")
            }
            XCTAssertEqual(requested, 99)
        }
    }

    func testDeviceIndexFromEnvironment() throws {
        _ = try SharedDevice.get()
        setenv("KOKORO_VULKAN_DEVICE", "not-a-number", 1)
        defer { unsetenv("KOKORO_VULKAN_DEVICE") }
        XCTAssertThrowsError(try ComputeDevice()) { error in
            XCTAssert("\(error)".contains("KOKORO_VULKAN_DEVICE"), "\(error)")
        }
        setenv("KOKORO_VULKAN_DEVICE", "0", 1)
        XCTAssertNoThrow(try ComputeDevice())
    }

    /// The loader re-reads VK_DRIVER_FILES / VK_ICD_FILENAMES at every vkCreateInstance, so
    /// pointing them at nothing simulates a machine with a loader but no driver.
    func testNoDriverGivesNoDeviceErrorNamingWhatToInstall() throws {
        _ = try SharedDevice.get()
        setenv("VK_DRIVER_FILES", "/nonexistent/icd.json", 1)
        setenv("VK_ICD_FILENAMES", "/nonexistent/icd.json", 1)
        defer { unsetenv("VK_DRIVER_FILES"); unsetenv("VK_ICD_FILENAMES") }
        XCTAssertThrowsError(try ComputeDevice()) { error in
            guard case VulkanError.noDevice = error else { return XCTFail("expected noDevice, got \(error)") }
            XCTAssert("\(error)".contains("mesa-vulkan-drivers"), "message should say what to install: \(error)")
        }
    }

    func testEveryEmbeddedShaderBuildsAPipeline() throws {
        let device = try SharedDevice.get()
        let names = embeddedShaderNames()
        XCTAssertEqual(names, names.sorted())
        for name in ["gemm_register", "gemm_register_vec4", "gemm_tiled", "conv1d_register", "conv1d_tiled",
                     "conv1d_depthwise", "elementwise"] {
            XCTAssert(names.contains(name), "missing \(name)")
        }
        XCTAssertThrowsError(try device.kernel("no_such_shader", bindings: 1, pushConstantBytes: 0))
    }

    func testPipelineCacheIsWrittenToTheConfiguredDirectory() throws {
        _ = try SharedDevice.get()
        let directory = "/tmp/kokoro-cache-test-\(getpid())"
        mkdir(directory, 0o755)
        do {
            let device = try ComputeDevice(pipelineCacheDirectory: directory)
            _ = try device.kernel("elementwise", bindings: 3, pushConstantBytes: 16, specialization: [64, 0, 1])
            device.savePipelineCache()
        }
        // A garbage cache file must not stop a later device from starting.
        let entries = try FileManagerLite.list(directory)
        XCTAssertEqual(entries.count, 1, "one cache file per device: \(entries)")
        let path = directory + "/" + entries[0]
        writeFileAtomically(path, [UInt8](repeating: 0xAB, count: 64))
        XCTAssertNoThrow(try ComputeDevice(pipelineCacheDirectory: directory))
        for entry in try FileManagerLite.list(directory) { unlink(directory + "/" + entry) }
        rmdir(directory)
    }
}

/// Directory listing without Foundation's FileManager quirks.
enum FileManagerLite {
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw VulkanError.invalidArgument("cannot open \(path)") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            var nameTuple = entry.pointee.d_name
            let name = withUnsafeBytes(of: &nameTuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." && !name.contains(".tmp.") { names.append(name) }
        }
        return names.sorted()
    }
}
