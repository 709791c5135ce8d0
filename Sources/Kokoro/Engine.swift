import Glibc
import VulkanCompute

/// What an engine is created from; the Swift form of kokoro_config.
public struct EngineConfiguration {
    /// The bundle's model .safetensors file.
    public var modelPath: String
    /// The voices .safetensors file; nil = voices.safetensors in the model's directory.
    public var voicesPath: String?
    /// Index into `availableDevices()`; nil = KOKORO_VULKAN_DEVICE if set, else the best device.
    public var deviceIndex: Int?
    /// Where the Vulkan pipeline cache lives (created if missing); nil = no cache.
    public var cacheDirectory: String?

    public init(modelPath: String, voicesPath: String? = nil, deviceIndex: Int? = nil, cacheDirectory: String? = nil) {
        self.modelPath = modelPath
        self.voicesPath = voicesPath
        self.deviceIndex = deviceIndex
        self.cacheDirectory = cacheDirectory
    }
}

/// One Vulkan device plus one model: the object behind a kokoro_engine handle.
/// Use from one thread at a time; separate engines are independent.
public final class Engine {
    public let configuration: EngineConfiguration
    let device: ComputeDevice

    /// Validates the configuration, opens the Vulkan device, then checks the model file.
    /// Throws `KokoroError` (or `VulkanError` wrapped in `.openingDevice`).
    public init(_ configuration: EngineConfiguration) throws {
        if configuration.modelPath.isEmpty {
            throw KokoroError.invalidArgument("model_path is empty; set it to the bundle's model .safetensors file")
        }
        if let index = configuration.deviceIndex, index < 0 {
            throw KokoroError.invalidArgument("device_index \(index) is negative (use -1 to let libkokoro choose)")
        }
        if let directory = configuration.cacheDirectory {
            try makeDirectory(directory)
        }
        self.configuration = configuration
        do {
            device = try ComputeDevice(deviceIndex: configuration.deviceIndex,
                                       pipelineCacheDirectory: configuration.cacheDirectory)
        } catch let error as VulkanError {
            throw KokoroError.openingDevice(error)
        }
        // The bundle loader (KokoroModel) replaces this check; until then the engine only makes
        // sure the files are there and look like safetensors.
        try checkSafetensorsFile(configuration.modelPath, role: "model")
        if let voices = configuration.voicesPath {
            try checkSafetensorsFile(voices, role: "voices")
        }
        Log.info("engine created on \(device.capabilities.description); model \(configuration.modelPath)")
    }

    /// The Vulkan device's name, as the driver reports it.
    public var deviceName: String { device.capabilities.name }

    /// The device's name, type and the features kernels choose variants by.
    public var deviceDescription: String { device.capabilities.description }
}

/// A Vulkan device as listed by the loader.
public struct VulkanDeviceInfo: CustomStringConvertible {
    public let index: Int
    public let name: String
    /// "discrete GPU", "integrated GPU", "virtual GPU", "CPU" or "other".
    public let type: String
    /// "MAJOR.MINOR" of the Vulkan version the driver supports.
    public let apiVersion: String

    public var description: String { "#\(index) \(name) (\(type), Vulkan \(apiVersion))" }
}

/// Every Vulkan device the loader sees, without opening one.
public func availableDevices() throws -> [VulkanDeviceInfo] {
    do {
        return try ComputeDevice.availableDevices().map {
            VulkanDeviceInfo(index: $0.index, name: $0.name, type: $0.type.description,
                             apiVersion: "\($0.apiVersion >> 22).\(($0.apiVersion >> 12) & 0x3ff)")
        }
    } catch let error as VulkanError {
        throw KokoroError.openingDevice(error)
    }
}

/// Opens the device an engine with this index would use and describes it (name, type, features).
public func describeDevice(index: Int? = nil) throws -> String {
    do {
        return try ComputeDevice(deviceIndex: index).capabilities.description
    } catch let error as VulkanError {
        throw KokoroError.openingDevice(error)
    }
}

/// `mkdir -p`: creates `path` and missing parents; an existing directory is fine.
func makeDirectory(_ path: String) throws {
    if path.isEmpty { throw KokoroError.invalidArgument("cache_dir is empty (use NULL for no cache)") }
    var info = stat()
    if stat(path, &info) == 0 {
        if (info.st_mode & S_IFMT) == S_IFDIR { return }
        throw KokoroError.invalidArgument("cache_dir \"\(path)\" exists and is not a directory")
    }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
        try makeDirectory(String(path[..<slash]))
    }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw KokoroError.invalidArgument("cannot create cache_dir \"\(path)\": \(String(cString: strerror(errno)))")
    }
}
