import CVulkan
import Glibc

/// A logical Vulkan device with one compute queue: the root object of the runtime. Owns the
/// instance, the kernels created on it and the pipeline cache. Use from one thread at a time.
public final class ComputeDevice {
    let instance: VulkanInstance
    let physicalDevice: VkPhysicalDevice
    public let handle: VkDevice
    let queue: VkQueue
    let queueFamilyIndex: UInt32
    var functions = kk_vk_device_functions()
    public let capabilities: DeviceCapabilities
    let memoryProperties: VkPhysicalDeviceMemoryProperties
    let commandPool: VkCommandPool
    private var pipelineCache: VkPipelineCache?
    private let pipelineCachePath: String?
    private var kernels: [String: Kernel] = [:]
    /// Which family of kernels ops use on this device: `.tiled` on GPUs, `.register` on CPU
    /// implementations. KOKORO_KERNEL_VARIANT=tiled|register overrides it (tests use both).
    public var kernelVariant: KernelVariant

    /// Lists the devices the Vulkan loader sees, without creating one.
    public static func availableDevices() throws -> [PhysicalDeviceInfo] {
        try VulkanInstance().physicalDevices
    }

    /// Opens a device.
    /// - Parameters:
    ///   - deviceIndex: index into `availableDevices()`; nil chooses (see `choosePhysicalDevice`).
    ///   - pipelineCacheDirectory: where a VkPipelineCache is loaded from and saved to; nil = none.
    public init(deviceIndex: Int? = nil, pipelineCacheDirectory: String? = nil) throws {
        instance = try VulkanInstance()
        let chosen = try choosePhysicalDevice(instance.physicalDevices, requestedIndex: deviceIndex)
        let physicalDevice = chosen.handle
        self.physicalDevice = physicalDevice
        let fi = instance.functions

        // A queue family with compute; prefer one without graphics (dedicated compute queues run
        // beside rendering in game engines).
        var familyCount: UInt32 = 0
        fi.vkGetPhysicalDeviceQueueFamilyProperties(physicalDevice, &familyCount, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(familyCount))
        fi.vkGetPhysicalDeviceQueueFamilyProperties(physicalDevice, &familyCount, &families)
        let computeBit = VkQueueFlags(VK_QUEUE_COMPUTE_BIT.rawValue)
        let graphicsBit = VkQueueFlags(VK_QUEUE_GRAPHICS_BIT.rawValue)
        let computeFamilies = families.indices.filter { families[$0].queueFlags & computeBit != 0 }
        guard let family = computeFamilies.first(where: { families[$0].queueFlags & graphicsBit == 0 })
            ?? computeFamilies.first else {
            throw VulkanError.missingCapability("a queue family with compute support on \(chosen.name)")
        }
        queueFamilyIndex = UInt32(family)

        // Push descriptors let each dispatch carry its buffer bindings in the command buffer, so
        // no descriptor pools or sets are managed on the synthesis path.
        let extensions = try Self.deviceExtensions(fi, physicalDevice)
        let pushDescriptor = "VK_KHR_push_descriptor"
        guard extensions.contains(pushDescriptor) else {
            throw VulkanError.missingCapability("\(pushDescriptor) on \(chosen.name)")
        }

        var float16Int8 = VkPhysicalDeviceShaderFloat16Int8Features()
        float16Int8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES
        var storage16 = VkPhysicalDevice16BitStorageFeatures()
        storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES
        var features2 = VkPhysicalDeviceFeatures2()
        features2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        // shaderFloat16 is core from Vulkan 1.2, an extension before.
        let float16IsCore = chosen.apiVersion >= (1 << 22 | 2 << 12)
        let float16Extension = !float16IsCore && extensions.contains("VK_KHR_shader_float16_int8")
        let hasFloat16Int8Extension = float16IsCore || float16Extension
        var createdDevice: VkDevice? = nil
        let createResult: VkResult = withUnsafeMutablePointer(to: &float16Int8) { f16 in
            withUnsafeMutablePointer(to: &storage16) { s16 in
                s16.pointee.pNext = hasFloat16Int8Extension ? UnsafeMutableRawPointer(f16) : nil
                features2.pNext = UnsafeMutableRawPointer(s16)
                fi.vkGetPhysicalDeviceFeatures2(physicalDevice, &features2)
                // Enable only what the kernels may use; everything else stays off.
                let keepFloat16 = f16.pointee.shaderFloat16
                let keepStorage16 = s16.pointee.storageBuffer16BitAccess
                f16.pointee = VkPhysicalDeviceShaderFloat16Int8Features()
                f16.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES
                f16.pointee.shaderFloat16 = keepFloat16
                let chainNext = s16.pointee.pNext
                s16.pointee = VkPhysicalDevice16BitStorageFeatures()
                s16.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES
                s16.pointee.storageBuffer16BitAccess = keepStorage16
                s16.pointee.pNext = chainNext
                var enabled = VkPhysicalDeviceFeatures2()
                enabled.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
                enabled.pNext = UnsafeMutableRawPointer(s16)

                var priority: Float = 1
                return withUnsafePointer(to: &priority) { priorityPointer in
                    var queueInfo = VkDeviceQueueCreateInfo()
                    queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
                    queueInfo.queueFamilyIndex = UInt32(family)
                    queueInfo.queueCount = 1
                    queueInfo.pQueuePriorities = priorityPointer
                    let extensionNames = [pushDescriptor] + (float16Extension ? ["VK_KHR_shader_float16_int8"] : [])
                    let cNames: [UnsafePointer<CChar>?] = extensionNames.map { UnsafePointer(strdup($0)) }
                    defer { cNames.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
                    return cNames.withUnsafeBufferPointer { namesPointer in
                        withUnsafePointer(to: &queueInfo) { queuePointer in
                            withUnsafePointer(to: &enabled) { enabledPointer in
                                var info = VkDeviceCreateInfo()
                                info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                                info.pNext = UnsafeRawPointer(enabledPointer)
                                info.queueCreateInfoCount = 1
                                info.pQueueCreateInfos = queuePointer
                                info.enabledExtensionCount = UInt32(namesPointer.count)
                                info.ppEnabledExtensionNames = namesPointer.baseAddress
                                return fi.vkCreateDevice(physicalDevice, &info, nil, &createdDevice)
                            }
                        }
                    }
                }
            }
        }
        try check(createResult, "vkCreateDevice")
        guard let device = createdDevice else { throw VulkanError.callFailed(function: "vkCreateDevice", result: 0) }
        handle = device
        if let missing = kk_vk_load_device_functions(&instance.functions, device, &functions) {
            let name = String(cString: missing)
            if let destroy = fi.vkGetDeviceProcAddr(device, "vkDestroyDevice") {
                unsafeBitCast(destroy, to: PFN_vkDestroyDevice.self)(device, nil)
            }
            throw VulkanError.missingCapability("device function \(name)")
        }

        var createdQueue: VkQueue? = nil
        functions.vkGetDeviceQueue(device, UInt32(family), 0, &createdQueue)
        queue = createdQueue!

        var memory = VkPhysicalDeviceMemoryProperties()
        fi.vkGetPhysicalDeviceMemoryProperties(physicalDevice, &memory)
        memoryProperties = memory

        let capabilities = Self.queryCapabilities(fi, physicalDevice, chosen,
                                              float16Arithmetic: float16Int8.shaderFloat16 != 0,
                                              float16Storage: storage16.storageBuffer16BitAccess != 0,
                                              timestampBits: families[family].timestampValidBits)
        self.capabilities = capabilities
        kernelVariant = KernelVariant.fromEnvironment() ?? (capabilities.prefersSharedMemoryTiling ? .tiled : .register)

        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VkCommandPoolCreateFlags(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue)
        poolInfo.queueFamilyIndex = UInt32(family)
        var pool: VkCommandPool? = nil
        let poolResult = functions.vkCreateCommandPool(device, &poolInfo, nil, &pool)
        guard poolResult == VK_SUCCESS, let pool else {
            functions.vkDestroyDevice(device, nil)
            throw VulkanError(result: poolResult, function: "vkCreateCommandPool")
        }
        commandPool = pool

        pipelineCachePath = pipelineCacheDirectory.map { Self.cacheFileName(directory: $0, capabilities: capabilities) }
        pipelineCache = createPipelineCache()
    }

    deinit {
        _ = functions.vkDeviceWaitIdle(handle)
        savePipelineCache()
        kernels.removeAll()  // pipelines must go before the device
        if let cache = pipelineCache { functions.vkDestroyPipelineCache(handle, cache, nil) }
        functions.vkDestroyCommandPool(handle, commandPool, nil)
        functions.vkDestroyDevice(handle, nil)
    }

    /// Blocks until the queue is idle.
    public func waitIdle() throws { try check(functions.vkDeviceWaitIdle(handle), "vkDeviceWaitIdle") }

    /// The kernel for an embedded pipeline, created once per (name, specialization) and cached.
    public func kernel(_ name: String, bindings: Int, pushConstantBytes: Int, specialization: [UInt32] = []) throws -> Kernel {
        let key = name + "/" + specialization.map(String.init).joined(separator: ",")
        if let existing = kernels[key] { return existing }
        let kernel = try Kernel(device: self, shaderName: name, bindingCount: bindings,
                                pushConstantBytes: pushConstantBytes, specialization: specialization,
                                pipelineCache: pipelineCache)
        kernels[key] = kernel
        return kernel
    }

    /// Number of distinct pipelines created so far.
    public var kernelCount: Int { kernels.count }

    /// Index of a memory type allowed by `typeBits` that has all `required` property flags,
    /// preferring one that also has `preferred`.
    func memoryTypeIndex(typeBits: UInt32, required: VkMemoryPropertyFlags, preferred: VkMemoryPropertyFlags) -> UInt32? {
        var properties = memoryProperties
        let types = withUnsafeBytes(of: &properties.memoryTypes) { raw in
            Array(raw.bindMemory(to: VkMemoryType.self).prefix(Int(properties.memoryTypeCount)))
        }
        func find(_ flags: VkMemoryPropertyFlags) -> UInt32? {
            types.indices.first { typeBits & (1 << UInt32($0)) != 0 && types[$0].propertyFlags & flags == flags }.map(UInt32.init)
        }
        return find(required | preferred) ?? find(required)
    }

    // MARK: - Set-up helpers

    private static func deviceExtensions(_ fi: kk_vk_instance_functions, _ device: VkPhysicalDevice) throws -> Set<String> {
        var count: UInt32 = 0
        try check(fi.vkEnumerateDeviceExtensionProperties(device, nil, &count, nil), "vkEnumerateDeviceExtensionProperties")
        var properties = [VkExtensionProperties](repeating: VkExtensionProperties(), count: Int(count))
        try check(fi.vkEnumerateDeviceExtensionProperties(device, nil, &count, &properties), "vkEnumerateDeviceExtensionProperties")
        return Set(properties.prefix(Int(count)).map { p in var p = p; return fixedString(&p.extensionName) })
    }

    private static func queryCapabilities(_ fi: kk_vk_instance_functions, _ device: VkPhysicalDevice, _ info: PhysicalDeviceInfo,
                                          float16Arithmetic: Bool, float16Storage: Bool, timestampBits: UInt32) -> DeviceCapabilities {
        var subgroup = VkPhysicalDeviceSubgroupProperties()
        subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        var properties2 = VkPhysicalDeviceProperties2()
        properties2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        withUnsafeMutablePointer(to: &subgroup) { pointer in
            properties2.pNext = UnsafeMutableRawPointer(pointer)
            fi.vkGetPhysicalDeviceProperties2(device, &properties2)
        }
        let limits = properties2.properties.limits
        return DeviceCapabilities(
            name: info.name, type: info.type, vendorID: properties2.properties.vendorID,
            apiVersion: properties2.properties.apiVersion, subgroupSize: subgroup.subgroupSize,
            supportsFloat16Arithmetic: float16Arithmetic, supportsFloat16Storage: float16Storage,
            maxSharedMemoryBytes: limits.maxComputeSharedMemorySize,
            maxWorkgroupInvocations: limits.maxComputeWorkGroupInvocations,
            maxWorkgroupCount: limits.maxComputeWorkGroupCount,
            maxStorageBufferRange: limits.maxStorageBufferRange,
            minStorageBufferOffsetAlignment: limits.minStorageBufferOffsetAlignment,
            timestampPeriod: limits.timestampPeriod,
            supportsTimestamps: timestampBits > 0 && limits.timestampPeriod > 0)
    }

    // MARK: - Pipeline cache

    /// One file per device model and driver build, so a cache never meets another driver.
    private static func cacheFileName(directory: String, capabilities: DeviceCapabilities) -> String {
        let safeName = String(capabilities.name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return directory + "/kokoro-pipelines-\(safeName)-\(capabilities.vendorID)-\(capabilities.apiVersion).bin"
    }

    private func createPipelineCache() -> VkPipelineCache? {
        // The driver checks the cache header (vendor, device, UUID) and ignores data from another
        // driver, so a stale or foreign file costs only the compile it fails to save.
        let initialData = pipelineCachePath.flatMap(readWholeFile) ?? []
        var cache: VkPipelineCache? = nil
        let result: VkResult = initialData.withUnsafeBytes { bytes in
            var info = VkPipelineCacheCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
            info.initialDataSize = bytes.count
            info.pInitialData = bytes.baseAddress
            return functions.vkCreatePipelineCache(handle, &info, nil, &cache)
        }
        if result == VK_SUCCESS { return cache }
        // A rejected file must not stop start-up: fall back to an empty cache.
        var info = VkPipelineCacheCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
        return functions.vkCreatePipelineCache(handle, &info, nil, &cache) == VK_SUCCESS ? cache : nil
    }

    /// Writes the pipeline cache to the configured directory (atomically: temp file + rename).
    public func savePipelineCache() {
        guard let path = pipelineCachePath, let cache = pipelineCache else { return }
        var size = 0
        guard functions.vkGetPipelineCacheData(handle, cache, &size, nil) == VK_SUCCESS, size > 0 else { return }
        var data = [UInt8](repeating: 0, count: size)
        guard functions.vkGetPipelineCacheData(handle, cache, &size, &data) == VK_SUCCESS else { return }
        writeFileAtomically(path, Array(data.prefix(size)))
    }
}

/// Reads a whole regular file (at most 256 MB), or nil.
func readWholeFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= 256 << 20 else { return nil }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return nil }
        done += n
    }
    return bytes
}

func writeFileAtomically(_ path: String, _ bytes: [UInt8]) {
    let temporary = path + ".tmp.\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { break }
        done += n
    }
    close(fd)
    if done == bytes.count { rename(temporary, path) } else { unlink(temporary) }
}
