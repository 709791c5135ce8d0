import VulkanCompute

/// predictor.text_encoder (StyleTTS2's DurationEncoder): three rounds of
///   BiLSTM([x | style]) -> AdaLayerNorm(style) -> [· | style]
/// over token-major rows of 640 = 512 features followed by the 128 prosody-style values.
struct DurationEncoder {
    let lstms: [BidirectionalLSTM]     // predictor.text_encoder.lstms.{0,2,4}: 640 -> 2 x 256
    let norms: [Linear]                // predictor.text_encoder.lstms.{1,3,5}.fc: style 128 -> gamma | beta (2 x 512)
    static let model = 512, style = 128, width = 640

    init(_ weights: WeightStore, layers: Int) throws {
        lstms = try (0..<layers).map {
            try BidirectionalLSTM(weights, "predictor.text_encoder.lstms.\(2 * $0)", inFeatures: Self.width, hidden: Self.model / 2)
        }
        norms = try (0..<layers).map {
            try Linear(weights, "predictor.text_encoder.lstms.\(2 * $0 + 1).fc", inFeatures: Self.style, outFeatures: 2 * Self.model)
        }
    }

    /// `rows` [T, 640] holds d_en in columns 0..<512 and the style in 512..<640 on entry, and the
    /// encoder's output d on return. `affine[i]` is [1024] scratch per layer, `gates` [T, 2048].
    /// Each LSTM reads the whole row (GEMM) before its recurrence overwrites columns 0..<512;
    /// the command stream's hazard tracking puts the barrier between them.
    func callAsFunction(_ stream: CommandStream, rows: DeviceBuffer, tokens t: Int, style: DeviceBuffer, styleOffset: Int,
                        affine: [DeviceBuffer], gates: DeviceBuffer) throws {
        for (index, (lstm, norm)) in zip(lstms, norms).enumerated() {
            try norm(stream, input: style, output: affine[index], rows: 1, inputOffset: styleOffset,
                     label: "predictor.text_encoder.lstms.\(2 * index + 1).fc")
            try lstm(stream, input: rows, inputRowStride: Self.width, gates: gates, output: rows, outputRowStride: Self.width,
                     steps: t, label: "predictor.text_encoder.lstms.\(2 * index)")
            try stream.layerNorm(input: rows, output: rows, rows: t, channels: Self.model, rowStride: Self.width,
                                 affine: .style(styleAffine: affine[index]), eps: 1e-5,
                                 label: "predictor.text_encoder.lstms.\(2 * index + 1)")
        }
    }
}

/// The F0 or N branch of ProsodyPredictor.F0Ntrain after the shared LSTM: three AdainResBlk1d
/// (512 -> 512, 512 -> 256 with 2x upsampling, 256 -> 256) and a 1x1 projection to one channel.
struct PitchEnergyBranch {
    let blocks: [AdainResBlock1d]
    let projection: Conv1d
    let name: String

    init(_ weights: WeightStore, name: String, hidden: Int, styleDim: Int) throws {
        self.name = name
        blocks = [
            try AdainResBlock1d(weights, "predictor.\(name).0", dimIn: hidden, dimOut: hidden, styleDim: styleDim, upsample: false),
            try AdainResBlock1d(weights, "predictor.\(name).1", dimIn: hidden, dimOut: hidden / 2, styleDim: styleDim, upsample: true),
            try AdainResBlock1d(weights, "predictor.\(name).2", dimIn: hidden / 2, dimOut: hidden / 2, styleDim: styleDim, upsample: false),
        ]
        projection = try Conv1d(weights, "predictor.\(name)_proj", inChannels: hidden / 2, outChannels: 1, kernelSize: 1, padding: 0)
    }

    /// input [512, F] channel-major -> output [2F] (F0_pred or N_pred).
    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, frames: Int, style: DeviceBuffer, styleOffset: Int,
                        affine: [DeviceBuffer], ping: DeviceBuffer, pong: DeviceBuffer, scratch: AdainResBlock1d.Scratch,
                        output: DeviceBuffer) throws {
        for (index, block) in blocks.enumerated() {
            try block.norm1.styleAffine(stream, style: style, styleOffset: styleOffset, affine: affine[2 * index], label: "predictor.\(name).\(index).norm1")
            try block.norm2.styleAffine(stream, style: style, styleOffset: styleOffset, affine: affine[2 * index + 1], label: "predictor.\(name).\(index).norm2")
        }
        try blocks[0](stream, input: input, output: ping, length: frames, affine1: affine[0], affine2: affine[1], scratch: scratch,
                      label: "predictor.\(name).0")
        try blocks[1](stream, input: ping, output: pong, length: frames, affine1: affine[2], affine2: affine[3], scratch: scratch,
                      label: "predictor.\(name).1")
        try blocks[2](stream, input: pong, output: ping, length: 2 * frames, affine1: affine[4], affine2: affine[5], scratch: scratch,
                      label: "predictor.\(name).2")
        try projection(stream, input: ping, output: output, length: 2 * frames, label: "predictor.\(name)_proj")
    }
}

/// Kokoro's TextEncoder: embedding (178 -> 512), three [Conv1d(k 5) -> LayerNorm over channels ->
/// LeakyReLU 0.2] in channel-major layout, then a BiLSTM back in token-major layout.
struct TextEncoder {
    let embedding: DeviceBuffer
    let convs: [Conv1d]
    let norms: [(gamma: DeviceBuffer, beta: DeviceBuffer)]
    let lstm: BidirectionalLSTM
    let channels: Int, vocabularySize: Int

    init(_ weights: WeightStore, channels: Int, kernelSize: Int, depth: Int, vocabularySize: Int) throws {
        self.channels = channels
        self.vocabularySize = vocabularySize
        embedding = try weights.buffer("text_encoder.embedding.weight")
        convs = try (0..<depth).map {
            try Conv1d(weights, "text_encoder.cnn.\($0).0", inChannels: channels, outChannels: channels, kernelSize: kernelSize,
                       padding: (kernelSize - 1) / 2)
        }
        norms = try (0..<depth).map { (try weights.buffer("text_encoder.cnn.\($0).1.gamma"), try weights.buffer("text_encoder.cnn.\($0).1.beta")) }
        lstm = try BidirectionalLSTM(weights, "text_encoder.lstm", inFeatures: channels, hidden: channels / 2)
    }

    /// tokens [T] -> output [T, 512] token-major (t_en transposed). a, b: [T, 512] scratch; gates [T, 2048].
    func callAsFunction(_ stream: CommandStream, tokens: DeviceBuffer, count t: Int, a: DeviceBuffer, b: DeviceBuffer,
                        gates: DeviceBuffer, output: DeviceBuffer) throws {
        try stream.gatherRows(table: embedding, tableRows: vocabularySize, index: tokens, output: a, rows: t, columns: channels,
                              label: "text_encoder.embedding")
        try stream.transpose(input: a, output: b, shape: TransposeShape(rows: t, columns: channels), label: "text_encoder.to_channels")
        var (current, other) = (b, a)
        for (index, conv) in convs.enumerated() {
            try conv(stream, input: current, output: other, length: t, label: "text_encoder.cnn.\(index).0")
            try stream.layerNorm(input: other, output: other, rows: t, channels: channels, layout: .channelsOfRows,
                                 affine: .plain(gamma: norms[index].gamma, beta: norms[index].beta), eps: 1e-5,
                                 activation: .leakyReLU(negativeSlope: 0.2), label: "text_encoder.cnn.\(index).1")
            swap(&current, &other)
        }
        try stream.transpose(input: current, output: other, shape: TransposeShape(rows: channels, columns: t), label: "text_encoder.to_tokens")
        try lstm(stream, input: other, gates: gates, output: output, steps: t, label: "text_encoder.lstm")
    }
}
