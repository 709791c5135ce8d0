import VulkanCompute

/// Every tensor of a model bundle in device-local buffers, uploaded once at creation, plus the few
/// derived tensors the kernels want in another arrangement (fused Q/K/V, both LSTM directions in
/// one matrix). Looked up by PyTorch state-dict name, like the reference's modules.
public final class WeightStore {
    public let device: ComputeDevice
    public let bundle: ModelBundle
    private var buffers: [String: DeviceBuffer] = [:]

    /// Uploads every tensor of `bundle` (F16/BF16 are widened to F32 on the host).
    public init(device: ComputeDevice, bundle: ModelBundle) throws {
        self.device = device
        self.bundle = bundle
        for name in bundle.file.names {
            buffers[name] = try DeviceBuffer(device: device, floats: try bundle.floats(name))
        }
    }

    /// The buffer of a bundle tensor or a derived one.
    public func buffer(_ name: String) throws -> DeviceBuffer {
        guard let buffer = buffers[name] else {
            throw ModelFileError.missingTensor(path: bundle.path, tensor: name)
        }
        return buffer
    }

    /// A tensor built on the host from bundle tensors, created and uploaded on first use.
    func derived(_ name: String, _ build: () throws -> [Float]) throws -> DeviceBuffer {
        if let existing = buffers[name] { return existing }
        let buffer = try DeviceBuffer(device: device, floats: try build())
        buffers[name] = buffer
        return buffer
    }

    func floats(_ name: String) throws -> [Float] { try bundle.floats(name) }

    /// Bytes of device memory held.
    public var byteCount: Int { buffers.values.reduce(0) { $0 + $1.byteCount } }
}
