import VulkanCompute

// Building blocks shared by the text side and (later) the decoder. Each holds its weights and
// records its forward pass into a command stream. Layouts: "token-major" [T, C] (rows are time
// steps, as nn.Linear and nn.LSTM see them) and "channel-major" [C, T] (as nn.Conv1d sees them).

/// nn.Linear: y [rows, out] = x [rows, in] · Wᵀ + b.
struct Linear {
    let weight: DeviceBuffer   // [out, in]
    let bias: DeviceBuffer?    // [out]
    let inFeatures: Int, outFeatures: Int

    init(_ weights: WeightStore, _ prefix: String, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        weight = try weights.buffer(prefix + ".weight")
        self.bias = bias ? try weights.buffer(prefix + ".bias") : nil
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// Rows of `input` are `inputRowStride` apart starting at `inputOffset`; output rows are
    /// `outputRowStride` apart starting at `outputOffset`.
    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, output: DeviceBuffer, rows: Int,
                        inputRowStride: Int? = nil, inputOffset: Int = 0, outputRowStride: Int? = nil, outputOffset: Int = 0,
                        activation: Activation = .none, label: String) throws {
        let shape = GemmShape(m: rows, n: outFeatures, k: inFeatures, lda: inputRowStride ?? inFeatures, ldb: inFeatures,
                              ldc: outputRowStride ?? outFeatures, batchStrideA: 0, batchStrideB: 0, batchStrideC: 0)
            .offset(a: inputOffset, c: outputOffset)
        try stream.gemm(a: input, b: weight, c: output, bias: bias, shape: shape, activation: activation, label: label)
    }
}

/// nn.Conv1d over a channel-major [inChannels, length] tensor (weight norm already folded).
struct Conv1d {
    let weight: DeviceBuffer   // [out, in / groups, kernel]
    let bias: DeviceBuffer?
    let inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int, stride: Int, dilation: Int

    init(_ weights: WeightStore, _ prefix: String, inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int,
         stride: Int = 1, dilation: Int = 1, bias: Bool = true) throws {
        weight = try weights.buffer(prefix + ".weight")
        self.bias = bias ? try weights.buffer(prefix + ".bias") : nil
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.padding = padding
        self.stride = stride; self.dilation = dilation
    }

    func outLength(_ length: Int) -> Int {
        Conv1dShape(inChannels: inChannels, outChannels: outChannels, inLength: length, kernelSize: kernelSize,
                    stride: stride, padding: padding, dilation: dilation).outLength
    }

    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, output: DeviceBuffer, length: Int,
                        activation: Activation = .none, label: String) throws {
        try stream.conv1d(input: input, weight: weight, bias: bias, output: output,
                          shape: Conv1dShape(inChannels: inChannels, outChannels: outChannels, inLength: length,
                                             kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation),
                          activation: activation, label: label)
    }
}

/// Bidirectional single-layer nn.LSTM (batch_first) over token-major input [steps, inFeatures] ->
/// [steps, 2 · hidden]: one GEMM for the input projections of both directions, then the
/// persistent recurrence kernel.
struct BidirectionalLSTM {
    let inputWeights: DeviceBuffer      // [2 · 4H, in]: weight_ih_l0 then weight_ih_l0_reverse
    let inputBias: DeviceBuffer         // [2 · 4H]: (bias_ih + bias_hh) per direction
    let recurrentWeights: DeviceBuffer  // [2, 4H, H]
    let state: DeviceBuffer             // [2, (h, c), H]: carried between chunks of steps
    let inFeatures: Int, hidden: Int

    init(_ weights: WeightStore, _ prefix: String, inFeatures: Int, hidden: Int) throws {
        self.inFeatures = inFeatures
        self.hidden = hidden
        inputWeights = try weights.derived(prefix + "#input_weights") {
            try weights.floats(prefix + ".weight_ih_l0") + weights.floats(prefix + ".weight_ih_l0_reverse")
        }
        inputBias = try weights.derived(prefix + "#input_bias") {
            var combined: [Float] = []
            for suffix in ["", "_reverse"] {
                let ih = try weights.floats(prefix + ".bias_ih_l0" + suffix), hh = try weights.floats(prefix + ".bias_hh_l0" + suffix)
                combined += zip(ih, hh).map { $0 + $1 }
            }
            return combined
        }
        recurrentWeights = try weights.derived(prefix + "#recurrent_weights") {
            try weights.floats(prefix + ".weight_hh_l0") + weights.floats(prefix + ".weight_hh_l0_reverse")
        }
        state = try DeviceBuffer(device: weights.device, byteCount: 4 * hidden * 4)
    }

    /// `gates` is scratch of at least steps · 8H floats.
    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, inputRowStride: Int? = nil, gates: DeviceBuffer,
                        output: DeviceBuffer, outputRowStride: Int? = nil, steps: Int, label: String) throws {
        try stream.gemm(a: input, b: inputWeights, c: gates, bias: inputBias,
                        shape: GemmShape(m: steps, n: 8 * hidden, k: inFeatures, lda: inputRowStride ?? inFeatures, ldb: inFeatures,
                                         ldc: 8 * hidden, batchStrideA: 0, batchStrideB: 0, batchStrideC: 0),
                        label: label + ".input")
        try stream.lstmRecurrence(inputGates: gates, recurrentWeights: recurrentWeights, output: output, steps: steps,
                                  hidden: hidden, outRowStride: outputRowStride, state: state, label: label + ".recurrence")
    }
}

/// AdaIN1d: (1 + gamma) · InstanceNorm(x) + beta, with gamma | beta = fc(style).
struct AdaIN1d {
    let fc: Linear
    let normWeight: DeviceBuffer, normBias: DeviceBuffer
    let channels: Int

    init(_ weights: WeightStore, _ prefix: String, styleDim: Int, channels: Int) throws {
        fc = try Linear(weights, prefix + ".fc", inFeatures: styleDim, outFeatures: 2 * channels)
        normWeight = try weights.buffer(prefix + ".norm.weight")
        normBias = try weights.buffer(prefix + ".norm.bias")
        self.channels = channels
    }

    /// gamma | beta for `style` (the [styleDim] values at `styleOffset`), into `affine` [2 · channels].
    func styleAffine(_ stream: CommandStream, style: DeviceBuffer, styleOffset: Int, affine: DeviceBuffer, label: String) throws {
        try fc(stream, input: style, output: affine, rows: 1, inputOffset: styleOffset, label: label + ".fc")
    }

    /// Rows are `length` apart; with `valid`, only the first `valid` columns are normalised and
    /// the rest are zeroed (a bucketed recording, see RuntimeLength).
    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, affine: DeviceBuffer, output: DeviceBuffer, length: Int,
                        valid: RuntimeLength? = nil, activation: Activation, label: String) throws {
        try stream.instanceNormAdaIN(input: input, normWeight: normWeight, normBias: normBias, styleAffine: affine, output: output,
                                     channels: channels, positions: length, valid: valid, activation: activation, label: label)
    }
}

/// StyleTTS2's AdainResBlk1d over channel-major input [dimIn, L] -> [dimOut, L or 2L]:
///   residual = conv2(actv(norm2(conv1(pool(actv(norm1(x)))))))
///   shortcut = conv1x1(upsample(x)) (conv1x1 only when dimIn != dimOut)
///   out = (residual + shortcut) / sqrt(2)
/// actv is LeakyReLU(0.2); pool is a depthwise ConvTranspose1d (k 3, s 2) when upsampling.
struct AdainResBlock1d {
    let norm1: AdaIN1d, norm2: AdaIN1d
    let conv1: Conv1d, conv2: Conv1d
    let shortcutConv: Conv1d?
    let pool: (weight: DeviceBuffer, bias: DeviceBuffer)?
    let dimIn: Int, dimOut: Int
    static let activation = Activation.leakyReLU(negativeSlope: 0.2)

    init(_ weights: WeightStore, _ prefix: String, dimIn: Int, dimOut: Int, styleDim: Int, upsample: Bool) throws {
        self.dimIn = dimIn; self.dimOut = dimOut
        norm1 = try AdaIN1d(weights, prefix + ".norm1", styleDim: styleDim, channels: dimIn)
        norm2 = try AdaIN1d(weights, prefix + ".norm2", styleDim: styleDim, channels: dimOut)
        conv1 = try Conv1d(weights, prefix + ".conv1", inChannels: dimIn, outChannels: dimOut, kernelSize: 3, padding: 1)
        conv2 = try Conv1d(weights, prefix + ".conv2", inChannels: dimOut, outChannels: dimOut, kernelSize: 3, padding: 1)
        shortcutConv = dimIn != dimOut
            ? try Conv1d(weights, prefix + ".conv1x1", inChannels: dimIn, outChannels: dimOut, kernelSize: 1, padding: 0, bias: false)
            : nil
        pool = upsample ? (try weights.buffer(prefix + ".pool.weight"), try weights.buffer(prefix + ".pool.bias")) : nil
    }

    var upsamples: Bool { pool != nil }

    /// Scratch buffers, each at least max(dimIn, dimOut) · outLength floats.
    struct Scratch { let a: DeviceBuffer, b: DeviceBuffer, c: DeviceBuffer, d: DeviceBuffer }

    /// `affine1` / `affine2` hold norm1's and norm2's gamma | beta for the current style.
    /// `length` is the row stride; `valid` (bucketed recordings) the input's valid length at run
    /// time. The norms zero their outputs' tails, so the convolutions after them see the zero
    /// padding of an unpadded run; the pool's bias fills its tail, which is zeroed explicitly. The
    /// output's tail holds leftovers.
    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, output: DeviceBuffer, length: Int, valid: RuntimeLength? = nil,
                        affine1: DeviceBuffer, affine2: DeviceBuffer, scratch: Scratch, label: String) throws {
        let outLength = upsamples ? 2 * length : length
        let outValid = upsamples ? valid?.scaled(by: 2) : valid
        // Residual branch.
        try norm1(stream, input: input, affine: affine1, output: scratch.a, length: length, valid: valid, activation: Self.activation,
                  label: label + ".norm1")
        var convInput = scratch.a
        if let pool {
            try stream.upsample2x(input: scratch.a, output: scratch.b, channels: dimIn, length: length, depthwiseTransposed: pool,
                                  label: label + ".pool")
            if let outValid { try stream.zeroTail(scratch.b, rows: dimIn, stride: outLength, valid: outValid, label: label + ".pool.zero_tail") }
            convInput = scratch.b
        }
        try conv1(stream, input: convInput, output: scratch.c, length: outLength, label: label + ".conv1")
        try norm2(stream, input: scratch.c, affine: affine2, output: scratch.c, length: outLength, valid: outValid, activation: Self.activation,
                  label: label + ".norm2")
        try conv2(stream, input: scratch.c, output: scratch.d, length: outLength, label: label + ".conv2")
        // Shortcut branch.
        var shortcut = input
        if upsamples {
            try stream.upsample2x(input: input, output: scratch.a, channels: dimIn, length: length, label: label + ".upsample")
            shortcut = scratch.a
        }
        if let shortcutConv {
            try shortcutConv(stream, input: shortcut, output: scratch.b, length: outLength, label: label + ".conv1x1")
            shortcut = scratch.b
        }
        // torch.rsqrt(torch.tensor(2)) in float32.
        try stream.elementwise(.addScaled(scale: Float(0.70710677)), a: scratch.d, b: shortcut, result: output,
                               count: dimOut * outLength, label: label + ".join")
    }
}

/// nn.ConvTranspose1d (groups 1, weight norm folded) over channel-major [inChannels, length],
/// with the generator's leaky_relu(x, 0.1) applied to its input as it is read.
struct ConvTranspose1d {
    let weight: DeviceBuffer   // [in, out, kernel], PyTorch's layout
    let bias: DeviceBuffer
    let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int
    static let inputActivation = Activation.leakyReLU(negativeSlope: 0.1)

    init(_ weights: WeightStore, _ prefix: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int) throws {
        weight = try weights.buffer(prefix + ".weight")
        bias = try weights.buffer(prefix + ".bias")
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernelSize = kernelSize; self.stride = stride; self.padding = padding
    }

    func shape(_ length: Int) -> ConvTranspose1dShape {
        ConvTranspose1dShape(inChannels: inChannels, outChannels: outChannels, inLength: length, kernelSize: kernelSize,
                             stride: stride, padding: padding)
    }

    func outLength(_ length: Int) -> Int { shape(length).outLength }

    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, output: DeviceBuffer, length: Int, label: String) throws {
        try stream.convTranspose1d(input: input, weight: weight, bias: bias, output: output, shape: shape(length),
                                   inputActivation: Self.inputActivation, label: label)
    }
}
