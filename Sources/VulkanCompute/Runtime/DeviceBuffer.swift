import CVulkan
import Glibc

/// A storage buffer with its own memory allocation.
///
/// `.deviceLocal` buffers hold weights and activations. Where device-local memory is also
/// host-visible (CPU drivers, integrated GPUs, resizable BAR) uploads and downloads map it
/// directly; otherwise they go through a temporary host-visible staging buffer.
public final class DeviceBuffer {
    public enum Location: Sendable { case deviceLocal, hostVisible }

    let device: ComputeDevice
    public let handle: VkBuffer
    let memory: VkDeviceMemory
    /// Bytes requested by the caller (the allocation may be larger).
    public let byteCount: Int
    public let location: Location
    /// Host pointer of a persistently mapped buffer; nil when the memory is not host-visible.
    let mapped: UnsafeMutableRawPointer?
    let isCoherent: Bool

    /// Allocates `byteCount` bytes (at least 4: Vulkan forbids empty buffers).
    public init(device: ComputeDevice, byteCount: Int, location: Location = .deviceLocal) throws {
        guard byteCount >= 0 else { throw VulkanError.invalidArgument("buffer size \(byteCount) is negative") }
        if UInt64(byteCount) > UInt64(device.capabilities.maxStorageBufferRange) {
            throw VulkanError.invalidArgument("buffer of \(byteCount) bytes exceeds the device's storage buffer range "
                + "(\(device.capabilities.maxStorageBufferRange) bytes)")
        }
        self.device = device
        self.byteCount = byteCount
        self.location = location
        let f = device.functions

        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(max(byteCount, 4))
        info.usage = VkBufferUsageFlags(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue)
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer? = nil
        try check(f.vkCreateBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer")
        handle = buffer!

        var requirements = VkMemoryRequirements()
        f.vkGetBufferMemoryRequirements(device.handle, handle, &requirements)
        let deviceLocal = VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue)
        let hostVisible = VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue)
        let hostCoherent = VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue)
        let typeIndex: UInt32?
        switch location {
        case .deviceLocal:
            typeIndex = device.memoryTypeIndex(typeBits: requirements.memoryTypeBits, required: deviceLocal, preferred: 0)
        case .hostVisible:
            typeIndex = device.memoryTypeIndex(typeBits: requirements.memoryTypeBits, required: hostVisible | hostCoherent, preferred: 0)
                ?? device.memoryTypeIndex(typeBits: requirements.memoryTypeBits, required: hostVisible, preferred: 0)
        }
        guard let typeIndex else {
            f.vkDestroyBuffer(device.handle, handle, nil)
            throw VulkanError.missingCapability("a memory type for a \(location) buffer")
        }
        var allocation = VkMemoryAllocateInfo()
        allocation.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocation.allocationSize = requirements.size
        allocation.memoryTypeIndex = typeIndex
        var allocated: VkDeviceMemory? = nil
        let allocationResult = f.vkAllocateMemory(device.handle, &allocation, nil, &allocated)
        guard allocationResult == VK_SUCCESS, let allocated else {
            f.vkDestroyBuffer(device.handle, handle, nil)
            throw VulkanError(result: allocationResult, function: "vkAllocateMemory(\(byteCount) bytes)")
        }
        memory = allocated
        let bindResult = f.vkBindBufferMemory(device.handle, handle, memory, 0)
        guard bindResult == VK_SUCCESS else {
            f.vkDestroyBuffer(device.handle, handle, nil)
            f.vkFreeMemory(device.handle, memory, nil)
            throw VulkanError(result: bindResult, function: "vkBindBufferMemory")
        }

        var typeFlags = device.memoryProperties
        let flags = withUnsafeBytes(of: &typeFlags.memoryTypes) { $0.bindMemory(to: VkMemoryType.self)[Int(typeIndex)].propertyFlags }
        isCoherent = flags & hostCoherent != 0
        if flags & hostVisible != 0 {
            var pointer: UnsafeMutableRawPointer? = nil
            let mapResult = f.vkMapMemory(device.handle, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &pointer)
            mapped = mapResult == VK_SUCCESS ? pointer : nil
        } else {
            mapped = nil
        }
    }

    deinit {
        let f = device.functions
        if mapped != nil { f.vkUnmapMemory(device.handle, memory) }
        f.vkDestroyBuffer(device.handle, handle, nil)
        f.vkFreeMemory(device.handle, memory, nil)
    }

    /// Allocates a device-local buffer holding `values`.
    public convenience init(device: ComputeDevice, floats values: [Float]) throws {
        try self.init(device: device, byteCount: values.count * 4)
        try upload(values)
    }

    /// Allocates a device-local buffer holding 32-bit unsigned integers (indices, token ids).
    public convenience init(device: ComputeDevice, uints values: [UInt32]) throws {
        try self.init(device: device, byteCount: values.count * 4)
        try values.withUnsafeBytes { try upload(bytes: $0) }
    }

    /// Copies `bytes` into the buffer at `offset`. Waits for the copy to finish.
    public func upload(bytes: UnsafeRawBufferPointer, offset: Int = 0) throws {
        guard offset >= 0, bytes.count <= byteCount - offset else {
            throw VulkanError.invalidArgument("upload of \(bytes.count) bytes at offset \(offset) into a \(byteCount)-byte buffer")
        }
        if bytes.isEmpty { return }
        if let mapped {
            (mapped + offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            try flush(offset: offset, count: bytes.count)
            return
        }
        let staging = try DeviceBuffer(device: device, byteCount: bytes.count, location: .hostVisible)
        try staging.upload(bytes: bytes)
        let stream = try CommandStream(device: device)
        stream.copy(from: staging, to: self, byteCount: bytes.count, destinationOffset: offset)
        try stream.submitAndWait()
    }

    public func upload(_ values: [Float], offset: Int = 0) throws {
        try values.withUnsafeBytes { try upload(bytes: $0, offset: offset * 4) }
    }

    /// Copies `count` bytes from `offset` into `destination`. Waits for pending device work that
    /// the caller submitted (it must have completed: every CommandStream submit waits).
    public func download(into destination: UnsafeMutableRawBufferPointer, offset: Int = 0) throws {
        guard offset >= 0, destination.count <= byteCount - offset else {
            throw VulkanError.invalidArgument("download of \(destination.count) bytes at offset \(offset) from a \(byteCount)-byte buffer")
        }
        if destination.isEmpty { return }
        if let mapped {
            try invalidate(offset: offset, count: destination.count)
            destination.baseAddress!.copyMemory(from: mapped + offset, byteCount: destination.count)
            return
        }
        let staging = try DeviceBuffer(device: device, byteCount: destination.count, location: .hostVisible)
        let stream = try CommandStream(device: device)
        stream.copy(from: self, to: staging, byteCount: destination.count, sourceOffset: offset)
        try stream.submitAndWait()
        try staging.download(into: destination)
    }

    /// Reads `count` floats starting at float index `offset` (default: the whole buffer).
    public func downloadFloats(count: Int? = nil, offset: Int = 0) throws -> [Float] {
        let n = count ?? (byteCount / 4 - offset)
        var values = [Float](repeating: 0, count: max(n, 0))
        try values.withUnsafeMutableBytes { try download(into: $0, offset: offset * 4) }
        return values
    }

    /// Reads `count` 32-bit unsigned integers starting at element `offset`.
    public func downloadUInt32s(count: Int, offset: Int = 0) throws -> [UInt32] {
        var values = [UInt32](repeating: 0, count: max(count, 0))
        try values.withUnsafeMutableBytes { try download(into: $0, offset: offset * 4) }
        return values
    }

    private func flush(offset: Int, count: Int) throws {
        if isCoherent { return }
        var range = mappedRange()
        try check(device.functions.vkFlushMappedMemoryRanges(device.handle, 1, &range), "vkFlushMappedMemoryRanges")
    }

    private func invalidate(offset: Int, count: Int) throws {
        if isCoherent { return }
        var range = mappedRange()
        try check(device.functions.vkInvalidateMappedMemoryRanges(device.handle, 1, &range), "vkInvalidateMappedMemoryRanges")
    }

    /// Non-coherent ranges must be aligned to nonCoherentAtomSize; the whole allocation always is.
    private func mappedRange() -> VkMappedMemoryRange {
        var range = VkMappedMemoryRange()
        range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE
        range.memory = memory
        range.offset = 0
        range.size = VkDeviceSize(VK_WHOLE_SIZE)
        return range
    }
}
