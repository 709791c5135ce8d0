import Glibc
import VulkanCompute

/// `kokoro-cli bench-kernels [--repeats N] [--variant tiled|register]`: GPU time and GFLOP/s of
/// the GEMM and conv1d kernels at the shapes Kokoro runs, per kernel variant, measured with
/// timestamp queries (median of N runs after two warm-ups). A benchmark, never a test.
func runKernelBenchmark(arguments: [String]) throws {
    var repeats = 5
    var variants = KernelVariant.allCases
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--repeats" where index + 1 < arguments.count:
            guard let value = Int(arguments[index + 1]), value > 0 else { throw BenchmarkError.usage("--repeats takes a positive integer") }
            repeats = value
            index += 2
        case "--variant" where index + 1 < arguments.count:
            guard let value = KernelVariant(rawValue: arguments[index + 1]) else { throw BenchmarkError.usage("--variant is tiled or register") }
            variants = [value]
            index += 2
        default:
            throw BenchmarkError.usage("unknown argument \(arguments[index]); usage: bench-kernels [--repeats N] [--variant tiled|register]")
        }
    }

    let device = try ComputeDevice()
    print("device: \(device.capabilities)")
    print("default variant on this device: \(device.kernelVariant)")
    guard device.capabilities.supportsTimestamps else { throw BenchmarkError.usage("the device writes no timestamps") }

    let gemms: [(String, GemmShape)] = [
        ("gemm 15x768x768 (ALBERT, 15 tokens)", GemmShape(m: 15, n: 768, k: 768)),
        ("gemm 510x768x768 (ALBERT, 510 tokens)", GemmShape(m: 510, n: 768, k: 768)),
        ("gemm 1024x768x768", GemmShape(m: 1024, n: 768, k: 768)),
        ("gemm 512x512x512", GemmShape(m: 512, n: 512, k: 512)),
    ]
    let convs: [(String, Conv1dShape)] = [
        ("conv1d 256ch k11 d5 L1400 (resblock)", Conv1dShape(inChannels: 256, outChannels: 256, inLength: 1400, kernelSize: 11, padding: 25, dilation: 5)),
        ("conv1d 128ch k11 d5 L8401 (resblock)", Conv1dShape(inChannels: 128, outChannels: 128, inLength: 8401, kernelSize: 11, padding: 25, dilation: 5)),
        ("conv1d 512ch k3 L140 (decoder)", Conv1dShape(inChannels: 512, outChannels: 512, inLength: 140, kernelSize: 3, padding: 1)),
    ]
    print("")
    print(pad("kernel", 42) + pad("variant", 10) + pad("GPU ms", 10) + "GFLOP/s")
    for variant in variants {
        for (name, shape) in gemms {
            let a = try DeviceBuffer(device: device, floats: noise(shape.m * shape.k))
            let b = try DeviceBuffer(device: device, floats: noise(shape.n * shape.k))
            let bias = try DeviceBuffer(device: device, floats: noise(shape.n))
            let c = try DeviceBuffer(device: device, byteCount: shape.m * shape.n * 4)
            let seconds = try medianSeconds(device, repeats) { try $0.gemm(a: a, b: b, c: c, bias: bias, shape: shape, variant: variant) }
            report(name, variant, seconds, shape.flops)
        }
        for (name, shape) in convs {
            let x = try DeviceBuffer(device: device, floats: noise(shape.inChannels * shape.inLength))
            let w = try DeviceBuffer(device: device, floats: noise(shape.weightCount))
            let bias = try DeviceBuffer(device: device, floats: noise(shape.outChannels))
            let y = try DeviceBuffer(device: device, byteCount: shape.outChannels * shape.outLength * 4)
            let seconds = try medianSeconds(device, repeats) { try $0.conv1d(input: x, weight: w, bias: bias, output: y, shape: shape, variant: variant) }
            report(name, variant, seconds, shape.flops)
        }
    }
}

enum BenchmarkError: Error, CustomStringConvertible {
    case usage(String)
    var description: String { if case .usage(let text) = self { return text }; return "" }
}

private func medianSeconds(_ device: ComputeDevice, _ repeats: Int, _ record: (CommandStream) throws -> Void) throws -> Double {
    var samples: [Double] = []
    for run in 0..<(repeats + 2) {
        let stream = try CommandStream(device: device, timestamps: true)
        try record(stream)
        try stream.submitAndWait()
        if run >= 2 { samples.append(stream.timings.reduce(0) { $0 + $1.seconds }) }  // the first two compile and warm
    }
    return samples.sorted()[samples.count / 2]
}

private func report(_ name: String, _ variant: KernelVariant, _ seconds: Double, _ flops: Double) {
    let milliseconds = (seconds * 1e5).rounded() / 100
    let gflops = (flops / seconds / 1e8).rounded() / 10
    print(pad(name, 42) + pad("\(variant)", 10) + pad("\(milliseconds)", 10) + "\(gflops)")
    fflush(stdout)
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

private func noise(_ count: Int) -> [Float] {
    var state: UInt32 = 12345
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Float(state >> 8) / Float(1 << 24) - 0.5
    }
}
