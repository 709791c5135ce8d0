import CVulkan
import Glibc

/// How a dispatch uses a buffer; decides where barriers go.
public enum BufferAccess: Sendable { case read, write, readWrite }

/// One storage-buffer binding of a dispatch: a buffer, a byte range and how it is used.
public struct BufferBinding {
    public let buffer: DeviceBuffer
    public let offset: Int
    public let byteCount: Int
    public let access: BufferAccess

    public init(_ buffer: DeviceBuffer, offset: Int = 0, byteCount: Int? = nil, access: BufferAccess) {
        self.buffer = buffer
        self.offset = offset
        self.byteCount = byteCount ?? (buffer.byteCount - offset)
        self.access = access
    }

    public static func read(_ buffer: DeviceBuffer) -> BufferBinding { BufferBinding(buffer, access: .read) }
    public static func write(_ buffer: DeviceBuffer) -> BufferBinding { BufferBinding(buffer, access: .write) }
    public static func readWrite(_ buffer: DeviceBuffer) -> BufferBinding { BufferBinding(buffer, access: .readWrite) }
}

/// Records many dispatches into one command buffer and submits them once.
///
/// Barriers: a memory barrier is inserted only before a command that reads or writes a buffer
/// written since the last barrier, or writes one read since then (per buffer, not per range).
/// Independent dispatches therefore run back to back. With `timestamps`, the GPU time of each
/// recorded command is measured with a query pool and reported by `timings` after the submit.
///
/// A `reusable` stream is recorded once, closed with `finish()`, and then submitted any number of
/// times right after another stream (`submitAndWait(then:)`): it holds pre-recorded work whose
/// per-call values come from buffers (see `RuntimeLength`). It starts with a full barrier, as its
/// first commands read what the stream before it wrote.
public final class CommandStream {
    public let device: ComputeDevice
    let commandBuffer: VkCommandBuffer
    private let fence: VkFence
    private var writtenSinceBarrier = Set<ObjectIdentifier>()
    private var readSinceBarrier = Set<ObjectIdentifier>()
    /// Buffers used by recorded commands, kept alive until the stream is submitted.
    private var retained: [DeviceBuffer] = []
    private var isRecording = true
    public let isReusable: Bool
    /// A reusable stream after `finish()`: ready to follow other streams.
    public private(set) var isFinished = false
    /// KOKORO_DEBUG_ALL_BARRIERS=1 puts a barrier before every command: a debugging aid that
    /// tells a missing-barrier bug (results change) from a kernel bug (they do not).
    private let barrierAfterEveryCommand = getenv("KOKORO_DEBUG_ALL_BARRIERS") != nil
    public private(set) var dispatchCount = 0
    public private(set) var barrierCount = 0

    private let queryPool: VkQueryPool?
    private let queryCapacity: UInt32
    private var labels: [String] = []
    /// (label, seconds of GPU time) per recorded command, filled by `submitAndWait` when timed.
    public private(set) var timings: [(label: String, seconds: Double)] = []

    public init(device: ComputeDevice, timestamps: Bool = false, maxTimedCommands: Int = 4096, reusable: Bool = false) throws {
        self.device = device
        isReusable = reusable
        let f = device.functions
        var allocation = VkCommandBufferAllocateInfo()
        allocation.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocation.commandPool = device.commandPool
        allocation.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocation.commandBufferCount = 1
        var buffer: VkCommandBuffer? = nil
        try check(f.vkAllocateCommandBuffers(device.handle, &allocation, &buffer), "vkAllocateCommandBuffers")
        commandBuffer = buffer!

        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var createdFence: VkFence? = nil
        let fenceResult = f.vkCreateFence(device.handle, &fenceInfo, nil, &createdFence)
        guard fenceResult == VK_SUCCESS, let createdFence else {
            var freeing: VkCommandBuffer? = commandBuffer
            f.vkFreeCommandBuffers(device.handle, device.commandPool, 1, &freeing)
            throw VulkanError(result: fenceResult, function: "vkCreateFence")
        }
        fence = createdFence

        if timestamps && !reusable && device.capabilities.supportsTimestamps {
            queryCapacity = UInt32(maxTimedCommands + 1)
            var queryInfo = VkQueryPoolCreateInfo()
            queryInfo.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
            queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP
            queryInfo.queryCount = queryCapacity
            var pool: VkQueryPool? = nil
            queryPool = f.vkCreateQueryPool(device.handle, &queryInfo, nil, &pool) == VK_SUCCESS ? pool : nil
        } else {
            queryCapacity = 0
            queryPool = nil
        }

        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = reusable ? 0 : VkCommandBufferUsageFlags(VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue)
        try check(f.vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer")
        if reusable { recordFullBarrier() }
        if let queryPool {
            f.vkCmdResetQueryPool(commandBuffer, queryPool, 0, queryCapacity)
            f.vkCmdWriteTimestamp(commandBuffer, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queryPool, 0)
        }
    }

    deinit {
        let f = device.functions
        if let queryPool { f.vkDestroyQueryPool(device.handle, queryPool, nil) }
        f.vkDestroyFence(device.handle, fence, nil)
        var freeing: VkCommandBuffer? = commandBuffer
        f.vkFreeCommandBuffers(device.handle, device.commandPool, 1, &freeing)
    }

    /// Records one dispatch of `kernel` over `groups` workgroups.
    /// - Parameter pushConstants: a POD value whose layout matches the shader's push-constant block.
    public func dispatch<Constants>(_ kernel: Kernel, bindings: [BufferBinding], pushConstants: Constants,
                                    groups: (x: UInt32, y: UInt32, z: UInt32), label: String? = nil) throws {
        try requireRecording()
        guard bindings.count == kernel.bindingCount else {
            throw VulkanError.invalidArgument("\(kernel.name) takes \(kernel.bindingCount) buffers, got \(bindings.count)")
        }
        guard MemoryLayout<Constants>.size == kernel.pushConstantBytes else {
            throw VulkanError.invalidArgument("\(kernel.name) takes \(kernel.pushConstantBytes) bytes of push constants, got \(MemoryLayout<Constants>.size)")
        }
        let limits = device.capabilities.maxWorkgroupCount
        guard groups.x <= limits.0, groups.y <= limits.1, groups.z <= limits.2 else {
            throw VulkanError.invalidArgument("\(kernel.name): \(groups) workgroups exceed the device limit \(limits)")
        }
        let alignment = Int(device.capabilities.minStorageBufferOffsetAlignment)
        for binding in bindings {
            guard binding.offset >= 0, binding.byteCount >= 0, binding.offset + binding.byteCount <= binding.buffer.byteCount,
                  alignment == 0 || binding.offset % alignment == 0 else {
                throw VulkanError.invalidArgument("\(kernel.name): binding range \(binding.offset)+\(binding.byteCount) "
                    + "does not fit a \(binding.buffer.byteCount)-byte buffer with offset alignment \(alignment)")
            }
        }
        if groups.x == 0 || groups.y == 0 || groups.z == 0 { return }

        barrierIfNeeded(reads: bindings.filter { $0.access != .write }.map { $0.buffer },
                        writes: bindings.filter { $0.access != .read }.map { $0.buffer })
        let f = device.functions
        f.vkCmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline)
        var infos = bindings.map { binding -> VkDescriptorBufferInfo in
            VkDescriptorBufferInfo(buffer: binding.buffer.handle, offset: VkDeviceSize(binding.offset),
                                   range: VkDeviceSize(max(binding.byteCount, 4)))
        }
        infos.withUnsafeMutableBufferPointer { infoPointer in
            var writes = (0..<bindings.count).map { index -> VkWriteDescriptorSet in
                var write = VkWriteDescriptorSet()
                write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                write.dstBinding = UInt32(index)
                write.descriptorCount = 1
                write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                write.pBufferInfo = UnsafePointer(infoPointer.baseAddress! + index)
                return write
            }
            f.vkCmdPushDescriptorSetKHR(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.layout, 0,
                                        UInt32(writes.count), &writes)
        }
        var constants = pushConstants
        if kernel.pushConstantBytes > 0 {
            withUnsafeBytes(of: &constants) { bytes in
                f.vkCmdPushConstants(commandBuffer, kernel.layout, VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT.rawValue),
                                     0, UInt32(bytes.count), bytes.baseAddress)
            }
        }
        f.vkCmdDispatch(commandBuffer, groups.x, groups.y, groups.z)
        dispatchCount += 1
        retained.append(contentsOf: bindings.map { $0.buffer })
        markTimestamp(label ?? kernel.name)
    }

    /// Records a buffer-to-buffer copy.
    public func copy(from source: DeviceBuffer, to destination: DeviceBuffer, byteCount: Int,
                     sourceOffset: Int = 0, destinationOffset: Int = 0) {
        precondition(sourceOffset + byteCount <= source.byteCount && destinationOffset + byteCount <= destination.byteCount,
                     "copy range outside a buffer")
        barrierIfNeeded(reads: [source], writes: [destination])
        var region = VkBufferCopy(srcOffset: VkDeviceSize(sourceOffset), dstOffset: VkDeviceSize(destinationOffset),
                                  size: VkDeviceSize(byteCount))
        device.functions.vkCmdCopyBuffer(commandBuffer, source.handle, destination.handle, 1, &region)
        retained.append(contentsOf: [source, destination])
        markTimestamp("copy")
    }

    /// Records filling a whole buffer with a 32-bit pattern (0 = zeros, 0x3f800000 = 1.0).
    public func fill(_ buffer: DeviceBuffer, with pattern: UInt32 = 0) {
        barrierIfNeeded(reads: [], writes: [buffer])
        device.functions.vkCmdFillBuffer(commandBuffer, buffer.handle, 0, VkDeviceSize(VK_WHOLE_SIZE), pattern)
        retained.append(buffer)
        markTimestamp("fill")
    }

    /// Records copying `rows` rows of `rowBytes` bytes from `source` (rows `sourceStride` bytes
    /// apart) to `destination` (rows `destinationStride` bytes apart): a change of row stride, e.g.
    /// [C, F] into the [C, B] layout of a bucketed recording. One command, `rows` regions.
    public func copyRows(from source: DeviceBuffer, to destination: DeviceBuffer, rows: Int, rowBytes: Int,
                         sourceStride: Int, destinationStride: Int) {
        guard rows > 0, rowBytes > 0 else { return }
        precondition((rows - 1) * sourceStride + rowBytes <= source.byteCount
                     && (rows - 1) * destinationStride + rowBytes <= destination.byteCount, "copy rows outside a buffer")
        barrierIfNeeded(reads: [source], writes: [destination])
        var regions = (0..<rows).map { row in
            VkBufferCopy(srcOffset: VkDeviceSize(row * sourceStride), dstOffset: VkDeviceSize(row * destinationStride),
                         size: VkDeviceSize(rowBytes))
        }
        device.functions.vkCmdCopyBuffer(commandBuffer, source.handle, destination.handle, UInt32(rows), &regions)
        retained.append(contentsOf: [source, destination])
        markTimestamp("copy")
    }

    /// Records writing a few `words` at the start of `buffer` (one 4-byte fill each): per-call
    /// values for a reusable stream that follows, ordered with the rest of this stream.
    public func update(_ buffer: DeviceBuffer, words: [UInt32]) {
        precondition(!words.isEmpty && words.count <= 64 && words.count * 4 <= buffer.byteCount, "update outside a buffer")
        barrierIfNeeded(reads: [], writes: [buffer])
        for (index, word) in words.enumerated() {
            device.functions.vkCmdFillBuffer(commandBuffer, buffer.handle, VkDeviceSize(4 * index), 4, word)
        }
        retained.append(buffer)
        markTimestamp("update")
    }

    /// Ends the recording of a reusable stream; it can then follow others any number of times.
    public func finish() throws {
        guard isReusable else { throw VulkanError.invalidArgument("finish() is for reusable streams; submit this one") }
        try requireRecording()
        isRecording = false
        try end()
        isFinished = true
    }

    /// Ends recording, submits, and waits for completion. A stream is submitted once.
    public func submitAndWait(timeoutNanoseconds: UInt64 = 600_000_000_000) throws {
        try submitAndWait(followers: [], timeoutNanoseconds: timeoutNanoseconds)
    }

    /// Ends recording and submits this stream and then `follower` (a finished reusable stream) in
    /// one vkQueueSubmit, and waits once for both. The follower's leading barrier orders its reads
    /// after this stream's writes.
    public func submitAndWait(then follower: CommandStream, timeoutNanoseconds: UInt64 = 600_000_000_000) throws {
        guard follower.isReusable && follower.isFinished, follower !== self, follower.device === device else {
            throw VulkanError.invalidArgument("a stream can only be followed by a finished reusable stream of the same device")
        }
        try submitAndWait(followers: [follower], timeoutNanoseconds: timeoutNanoseconds)
    }

    private func submitAndWait(followers: [CommandStream], timeoutNanoseconds: UInt64) throws {
        if isReusable { throw VulkanError.invalidArgument("a reusable stream is finished and submitted after another") }
        try requireRecording()
        isRecording = false
        let f = device.functions
        try end()
        var submitted: [VkCommandBuffer?] = [commandBuffer] + followers.map { $0.commandBuffer }
        var submit = VkSubmitInfo()
        submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
        submit.commandBufferCount = UInt32(submitted.count)
        let submitResult: VkResult = submitted.withUnsafeMutableBufferPointer { pointer in
            submit.pCommandBuffers = UnsafePointer(pointer.baseAddress)
            return f.vkQueueSubmit(device.queue, 1, &submit, fence)
        }
        try check(submitResult, "vkQueueSubmit")
        var waitFence: VkFence? = fence
        try check(f.vkWaitForFences(device.handle, 1, &waitFence, VkBool32(VK_TRUE), timeoutNanoseconds), "vkWaitForFences")
        retained.removeAll()
        try collectTimings()
    }

    /// Makes every shader and transfer write visible to the host (read-back of mapped memory), and
    /// ends the command buffer.
    private func end() throws {
        let f = device.functions
        var toHost = VkMemoryBarrier()
        toHost.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        toHost.srcAccessMask = VkAccessFlags(VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue)
        toHost.dstAccessMask = VkAccessFlags(VK_ACCESS_HOST_READ_BIT.rawValue)
        f.vkCmdPipelineBarrier(commandBuffer, Self.deviceStages, VkPipelineStageFlags(VK_PIPELINE_STAGE_HOST_BIT.rawValue),
                               0, 1, &toHost, 0, nil, 0, nil)
        try check(f.vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
    }

    // MARK: - Private

    private static let deviceStages = VkPipelineStageFlags(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue)

    private func requireRecording() throws {
        if !isRecording { throw VulkanError.invalidArgument("this command stream was already submitted") }
    }

    private func barrierIfNeeded(reads: [DeviceBuffer], writes: [DeviceBuffer]) {
        let readIDs = reads.map(ObjectIdentifier.init)
        let writeIDs = writes.map(ObjectIdentifier.init)
        let hazard = barrierAfterEveryCommand || readIDs.contains(where: writtenSinceBarrier.contains)
            || writeIDs.contains(where: { writtenSinceBarrier.contains($0) || readSinceBarrier.contains($0) })
        if hazard { recordFullBarrier() }
        readSinceBarrier.formUnion(readIDs)
        writtenSinceBarrier.formUnion(writeIDs)
    }

    /// Orders every earlier shader and transfer access (in submission order, so also those of a
    /// stream submitted before this one) before every later one.
    private func recordFullBarrier() {
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = VkAccessFlags(VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue)
        barrier.dstAccessMask = VkAccessFlags(VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
            | VK_ACCESS_TRANSFER_READ_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue)
        device.functions.vkCmdPipelineBarrier(commandBuffer, Self.deviceStages, Self.deviceStages, 0, 1, &barrier, 0, nil, 0, nil)
        barrierCount += 1
        writtenSinceBarrier.removeAll(keepingCapacity: true)
        readSinceBarrier.removeAll(keepingCapacity: true)
    }

    private func markTimestamp(_ label: String) {
        guard let queryPool, labels.count + 1 < Int(queryCapacity) else { return }
        labels.append(label)
        device.functions.vkCmdWriteTimestamp(commandBuffer, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queryPool, UInt32(labels.count))
    }

    private func collectTimings() throws {
        guard let queryPool, !labels.isEmpty else { return }
        let queryCount = labels.count + 1
        var ticks = [UInt64](repeating: 0, count: queryCount)
        let flags = VkQueryResultFlags(VK_QUERY_RESULT_64_BIT.rawValue | VK_QUERY_RESULT_WAIT_BIT.rawValue)
        try ticks.withUnsafeMutableBytes { bytes in
            try check(device.functions.vkGetQueryPoolResults(device.handle, queryPool, 0, UInt32(queryCount), bytes.count,
                                                             bytes.baseAddress, 8, flags), "vkGetQueryPoolResults")
        }
        let period = Double(device.capabilities.timestampPeriod) * 1e-9
        timings = labels.indices.map { i in (labels[i], Double(ticks[i + 1] &- ticks[i]) * period) }
    }
}
