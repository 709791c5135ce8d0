import CVulkan

/// What a kernel needs to know about the device to pick a variant.
public struct DeviceCapabilities: Sendable, CustomStringConvertible {
    public let name: String
    public let type: DeviceType
    public let vendorID: UInt32
    public let apiVersion: UInt32
    /// Threads per subgroup (warp / wavefront / SIMD width); 8 on lavapipe with 256-bit AVX2.
    public let subgroupSize: UInt32
    /// fp16 arithmetic in shaders (shaderFloat16) and fp16 storage buffers (storageBuffer16BitAccess).
    public let supportsFloat16Arithmetic: Bool
    public let supportsFloat16Storage: Bool
    public let maxSharedMemoryBytes: UInt32
    public let maxWorkgroupInvocations: UInt32
    public let maxWorkgroupCount: (UInt32, UInt32, UInt32)
    public let maxStorageBufferRange: UInt32
    public let minStorageBufferOffsetAlignment: UInt64
    /// Nanoseconds per timestamp tick, and whether the compute queue writes timestamps at all.
    public let timestampPeriod: Float
    public let supportsTimestamps: Bool

    /// Tiled shared-memory kernels pay off on GPUs; on CPU implementations barrier() and shared
    /// memory are emulated and cost far more than they save.
    public var prefersSharedMemoryTiling: Bool { type != .cpu }

    public var description: String {
        "\(name) (\(type)); subgroup \(subgroupSize), shared memory \(maxSharedMemoryBytes) B, "
            + "fp16 arithmetic \(supportsFloat16Arithmetic), fp16 storage \(supportsFloat16Storage), "
            + "timestamps \(supportsTimestamps)"
    }
}
