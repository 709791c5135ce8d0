import CVulkan

/// Every failure of the Vulkan layer. Messages are written for the person reading a log: they say
/// what failed and, where it helps, what to install or change.
public enum VulkanError: Error, CustomStringConvertible, Equatable {
    /// libvulkan.so.1 could not be opened or lacks its entry point.
    case loaderUnavailable(String)
    /// The loader works but no driver (ICD) accepted the instance, or no device is present.
    case noDevice(String)
    /// A device index outside the list of devices was requested.
    case deviceIndexOutOfRange(requested: Int, available: Int)
    /// The device lacks something the runtime needs (an extension, a queue, a memory type).
    case missingCapability(String)
    /// Device or host memory ran out.
    case outOfMemory(String)
    /// The device was lost (driver reset, hang, removal). The context must be recreated.
    case deviceLost(String)
    /// A caller passed something the runtime cannot use (size mismatch, unknown shader, ...).
    case invalidArgument(String)
    /// Any other failing Vulkan call, with the function and the VkResult code.
    case callFailed(function: String, result: Int32)

    public var description: String {
        switch self {
        case .loaderUnavailable(let why):
            return "Vulkan loader unavailable: \(why). Install a Vulkan loader and driver, e.g. "
                + "`apt-get install libvulkan1 mesa-vulkan-drivers` (lavapipe, CPU) or your GPU's driver."
        case .noDevice(let why):
            return "no Vulkan device: \(why). Install a Vulkan driver, e.g. `apt-get install "
                + "mesa-vulkan-drivers` (lavapipe, CPU) or your GPU vendor's driver."
        case .deviceIndexOutOfRange(let requested, let available):
            return "Vulkan device index \(requested) requested, but only \(available) device(s) exist"
        case .missingCapability(let what):
            return "the Vulkan device lacks a required capability: \(what)"
        case .outOfMemory(let what):
            return "out of memory: \(what)"
        case .deviceLost(let what):
            return "Vulkan device lost during \(what)"
        case .invalidArgument(let what):
            return "invalid argument: \(what)"
        case .callFailed(let function, let result):
            return "\(function) failed with \(vulkanResultName(result))"
        }
    }
}

/// Turns a VkResult into `VulkanError` in one place, so every call site reads `try check(...)`.
@inline(__always)
func check(_ result: VkResult, _ function: @autoclosure () -> String) throws {
    if result == VK_SUCCESS { return }
    throw VulkanError(result: result, function: function())
}

extension VulkanError {
    init(result: VkResult, function: String) {
        switch result {
        case VK_ERROR_OUT_OF_HOST_MEMORY: self = .outOfMemory("host memory in \(function)")
        case VK_ERROR_OUT_OF_DEVICE_MEMORY: self = .outOfMemory("device memory in \(function)")
        case VK_ERROR_DEVICE_LOST: self = .deviceLost(function)
        case VK_ERROR_INCOMPATIBLE_DRIVER: self = .noDevice("\(function) found no compatible driver (VK_ERROR_INCOMPATIBLE_DRIVER)")
        case VK_ERROR_INITIALIZATION_FAILED where function == "vkCreateInstance" || function == "vkEnumeratePhysicalDevices":
            self = .noDevice("\(function) failed to initialise a driver (VK_ERROR_INITIALIZATION_FAILED)")
        default: self = .callFailed(function: function, result: result.rawValue)
        }
    }
}

func vulkanResultName(_ code: Int32) -> String {
    switch VkResult(rawValue: code) {
    case VK_NOT_READY: return "VK_NOT_READY"
    case VK_TIMEOUT: return "VK_TIMEOUT"
    case VK_INCOMPLETE: return "VK_INCOMPLETE"
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY"
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY"
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED"
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST"
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED"
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT"
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT"
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT"
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER"
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS"
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED"
    case VK_ERROR_UNKNOWN: return "VK_ERROR_UNKNOWN"
    default: return "VkResult \(code)"
    }
}
