import CVulkan
import Glibc

/// The kind of a physical device, ordered by how much we prefer it for inference.
public enum DeviceType: Int, Comparable, CustomStringConvertible, Sendable {
    case other = 0, cpu = 1, virtualGPU = 2, integratedGPU = 3, discreteGPU = 4

    init(_ type: VkPhysicalDeviceType) {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: self = .discreteGPU
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: self = .integratedGPU
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: self = .virtualGPU
        case VK_PHYSICAL_DEVICE_TYPE_CPU: self = .cpu
        default: self = .other
        }
    }

    public static func < (lhs: DeviceType, rhs: DeviceType) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .discreteGPU: return "discrete GPU"
        case .integratedGPU: return "integrated GPU"
        case .virtualGPU: return "virtual GPU"
        case .cpu: return "CPU"
        case .other: return "other"
        }
    }
}

/// A physical device as listed by the instance, before a logical device is created on it.
public struct PhysicalDeviceInfo: CustomStringConvertible {
    public let index: Int
    public let name: String
    public let type: DeviceType
    public let apiVersion: UInt32
    let handle: VkPhysicalDevice

    public var description: String {
        "#\(index) \(name) (\(type), Vulkan \(apiVersion >> 22).\((apiVersion >> 12) & 0x3ff))"
    }
}

/// A Vulkan instance plus its function table. Owned by `ComputeDevice`; kept alive while any
/// device created from it exists.
final class VulkanInstance {
    let handle: VkInstance
    var functions = kk_vk_instance_functions()
    private(set) var physicalDevices: [PhysicalDeviceInfo] = []

    init() throws {
        var global = kk_vk_global_functions()
        var loaderError: UnsafePointer<CChar>? = nil
        if kk_vk_open_loader(&global, &loaderError) != 0 {
            throw VulkanError.loaderUnavailable(loaderError.map { String(cString: $0) } ?? "unknown reason")
        }
        var created: VkInstance? = nil
        let result: VkResult = "libkokoro".withCString { appName in
            var app = VkApplicationInfo()
            app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
            app.pApplicationName = appName
            app.pEngineName = appName
            app.apiVersion = (1 << 22) | (2 << 12)  // up to Vulkan 1.2: subgroup queries, 16-bit storage, fp16
            return withUnsafePointer(to: &app) { appPointer in
                var info = VkInstanceCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                info.pApplicationInfo = appPointer
                return global.vkCreateInstance(&info, nil, &created)
            }
        }
        try check(result, "vkCreateInstance")
        guard let instance = created else { throw VulkanError.noDevice("vkCreateInstance returned no instance") }
        handle = instance
        if let missing = kk_vk_load_instance_functions(instance, &functions) {
            let name = String(cString: missing)
            // vkDestroyInstance is loaded first; if even it is missing, the instance leaks once.
            if name != "vkDestroyInstance" { functions.vkDestroyInstance(instance, nil) }
            throw VulkanError.loaderUnavailable("the loader does not provide \(name)")
        }
        do {
            physicalDevices = try enumerate()
        } catch {
            functions.vkDestroyInstance(instance, nil)
            throw error
        }
    }

    deinit { functions.vkDestroyInstance(handle, nil) }

    private func enumerate() throws -> [PhysicalDeviceInfo] {
        var count: UInt32 = 0
        try check(functions.vkEnumeratePhysicalDevices(handle, &count, nil), "vkEnumeratePhysicalDevices")
        var handles = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try check(functions.vkEnumeratePhysicalDevices(handle, &count, &handles), "vkEnumeratePhysicalDevices")
        return handles.prefix(Int(count)).enumerated().compactMap { index, device in
            guard let device else { return nil }
            var properties = VkPhysicalDeviceProperties()
            functions.vkGetPhysicalDeviceProperties(device, &properties)
            return PhysicalDeviceInfo(index: index, name: fixedString(&properties.deviceName),
                                      type: DeviceType(properties.deviceType),
                                      apiVersion: properties.apiVersion, handle: device)
        }
    }
}

/// Chooses a physical device. An explicit index wins, then the KOKORO_VULKAN_DEVICE environment
/// variable, then the best type (discrete > integrated > virtual > CPU), ties broken by index.
func choosePhysicalDevice(_ devices: [PhysicalDeviceInfo], requestedIndex: Int?) throws -> PhysicalDeviceInfo {
    if devices.isEmpty { throw VulkanError.noDevice("the Vulkan loader found no physical device") }
    var index = requestedIndex
    if index == nil, let text = getenv("KOKORO_VULKAN_DEVICE").map({ String(cString: $0) }), !text.isEmpty {
        guard let parsed = Int(text) else {
            throw VulkanError.invalidArgument("KOKORO_VULKAN_DEVICE must be a device index, got \"\(text)\"")
        }
        index = parsed
    }
    if let index {
        guard index >= 0 && index < devices.count else {
            throw VulkanError.deviceIndexOutOfRange(requested: index, available: devices.count)
        }
        return devices[index]
    }
    return devices.max { a, b in a.type < b.type || (a.type == b.type && a.index > b.index) }!
}

/// Reads a fixed-size C char array (imported as a tuple) as a String.
func fixedString<T>(_ tuple: inout T) -> String {
    withUnsafeBytes(of: &tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
