import VulkanCompute

/// Kokoro's Decoder before the generator, channel-major throughout:
///   F0 = F0_conv(F0_curve) [1, F], N = N_conv(N) [1, F]          (k 3, stride 2: 2F -> F)
///   x = encode([asr | F0 | N])                          [514 -> 1024, F]
///   asr_res = asr_res(asr)                              [512 -> 64, F]
///   x = decode.i([x | asr_res | F0 | N]) for i = 0..3    [1090 -> 1024, F]; decode.3 -> [512, 2F]
struct Decoder {
    let f0Conv: Conv1d, nConv: Conv1d
    let encode: AdainResBlock1d
    let asrResidual: Conv1d
    let decode: [AdainResBlock1d]
    static let asrChannels = 512, hidden = 1024, residualChannels = 64, outChannels = 512
    static let concatenated = hidden + residualChannels + 2   // 1090

    init(_ weights: WeightStore, styleDim: Int) throws {
        f0Conv = try Conv1d(weights, "decoder.F0_conv", inChannels: 1, outChannels: 1, kernelSize: 3, padding: 1, stride: 2)
        nConv = try Conv1d(weights, "decoder.N_conv", inChannels: 1, outChannels: 1, kernelSize: 3, padding: 1, stride: 2)
        encode = try AdainResBlock1d(weights, "decoder.encode", dimIn: Self.asrChannels + 2, dimOut: Self.hidden, styleDim: styleDim, upsample: false)
        asrResidual = try Conv1d(weights, "decoder.asr_res.0", inChannels: Self.asrChannels, outChannels: Self.residualChannels,
                                 kernelSize: 1, padding: 0)
        decode = try (0..<4).map { i in
            try AdainResBlock1d(weights, "decoder.decode.\(i)", dimIn: Self.concatenated, dimOut: i == 3 ? Self.outChannels : Self.hidden,
                                styleDim: styleDim, upsample: i == 3)
        }
    }

    /// Buffers for up to `frames` frames.
    final class Activations {
        let f0, n, concatenated, x, asrResidual: DeviceBuffer
        let affines: [DeviceBuffer]
        let scratch: AdainResBlock1d.Scratch
        init(device: ComputeDevice, frames f: Int) throws {
            func floats(_ count: Int) throws -> DeviceBuffer { try DeviceBuffer(device: device, byteCount: count * 4) }
            f0 = try floats(f); n = try floats(f)
            concatenated = try floats(Decoder.concatenated * f)
            x = try floats(Decoder.hidden * f)
            asrResidual = try floats(Decoder.residualChannels * f)
            affines = try (0..<10).map { _ in try floats(2 * Decoder.concatenated) }
            let blockScratch = Decoder.concatenated * 2 * f
            scratch = AdainResBlock1d.Scratch(a: try floats(blockScratch), b: try floats(blockScratch),
                                              c: try floats(blockScratch), d: try floats(blockScratch))
        }
    }

    /// asr [512, F], f0Curve and nCurve [2F], style (128 values at styleOffset) -> output [512, 2F].
    /// Bucketed recordings: `frames` is the bucket B (the row stride), `valid` the real frame
    /// count F at run time; the inputs' tails past F (2F) must be zeros, the output's tail past 2F
    /// holds leftovers. Only the norms depend on F: the F0/N convolutions (stride 2) read nothing
    /// past 2F for their first F outputs, and everything else is per column.
    func callAsFunction(_ stream: CommandStream, asr: DeviceBuffer, f0Curve: DeviceBuffer, nCurve: DeviceBuffer, frames f: Int,
                        valid: RuntimeLength? = nil, style: DeviceBuffer, styleOffset: Int, scratch a: Activations,
                        output: DeviceBuffer) throws {
        try f0Conv(stream, input: f0Curve, output: a.f0, length: 2 * f, label: "decoder.F0_conv")
        try nConv(stream, input: nCurve, output: a.n, length: 2 * f, label: "decoder.N_conv")
        try asrResidual(stream, input: asr, output: a.asrResidual, length: f, label: "decoder.asr_res")
        for (index, block) in ([encode] + decode).enumerated() {
            let name = index == 0 ? "decoder.encode" : "decoder.decode.\(index - 1)"
            try block.norm1.styleAffine(stream, style: style, styleOffset: styleOffset, affine: a.affines[2 * index], label: name + ".norm1")
            try block.norm2.styleAffine(stream, style: style, styleOffset: styleOffset, affine: a.affines[2 * index + 1], label: name + ".norm2")
        }
        // encode([asr | F0 | N]): rows are channels, so concatenation is copying row blocks.
        let rowBytes = f * 4
        stream.copy(from: asr, to: a.concatenated, byteCount: Self.asrChannels * rowBytes)
        stream.copy(from: a.f0, to: a.concatenated, byteCount: rowBytes, destinationOffset: Self.asrChannels * rowBytes)
        stream.copy(from: a.n, to: a.concatenated, byteCount: rowBytes, destinationOffset: (Self.asrChannels + 1) * rowBytes)
        try encode(stream, input: a.concatenated, output: a.x, length: f, valid: valid, affine1: a.affines[0], affine2: a.affines[1],
                   scratch: a.scratch, label: "decoder.encode")
        for (index, block) in decode.enumerated() {
            // [x | asr_res | F0 | N]: every decode block gets the residual features (the
            // reference's `res` flag turns off only after the upsampling block, which is the last).
            stream.copy(from: a.x, to: a.concatenated, byteCount: Self.hidden * rowBytes)
            stream.copy(from: a.asrResidual, to: a.concatenated, byteCount: Self.residualChannels * rowBytes,
                        destinationOffset: Self.hidden * rowBytes)
            stream.copy(from: a.f0, to: a.concatenated, byteCount: rowBytes, destinationOffset: (Self.hidden + Self.residualChannels) * rowBytes)
            stream.copy(from: a.n, to: a.concatenated, byteCount: rowBytes, destinationOffset: (Self.hidden + Self.residualChannels + 1) * rowBytes)
            try block(stream, input: a.concatenated, output: index == 3 ? output : a.x, length: f, valid: valid,
                      affine1: a.affines[2 * index + 2], affine2: a.affines[2 * index + 3], scratch: a.scratch,
                      label: "decoder.decode.\(index)")
        }
    }
}
