import VulkanCompute

/// PL-BERT: HuggingFace AlbertModel with Kokoro's sizes (embedding 128, hidden 768, 12 heads of 64,
/// feed-forward 2048, tanh GELU, LayerNorm eps 1e-12) and ONE shared layer applied 12 times.
/// Token-major throughout: [T, C].
struct Albert {
    static let embeddingSize = 128, hidden = 768, heads = 12, headSize = 64, intermediate = 2048, layers = 12
    static let eps: Float = 1e-12

    let wordEmbeddings: DeviceBuffer       // [178, 128]
    let positionAndType: DeviceBuffer      // [512, 128]: position_embeddings + token_type_embeddings[0]
    let embeddingNorm: (gamma: DeviceBuffer, beta: DeviceBuffer)
    let mappingIn: Linear                  // 128 -> 768
    let queryKeyValue: Linear              // 768 -> 3 · 768 (query | key | value fused)
    let dense: Linear                      // 768 -> 768
    let attentionNorm: (gamma: DeviceBuffer, beta: DeviceBuffer)
    let ffn: Linear                        // 768 -> 2048
    let ffnOutput: Linear                  // 2048 -> 768
    let fullLayerNorm: (gamma: DeviceBuffer, beta: DeviceBuffer)
    let vocabularySize: Int

    init(_ weights: WeightStore, vocabularySize: Int) throws {
        self.vocabularySize = vocabularySize
        wordEmbeddings = try weights.buffer("bert.embeddings.word_embeddings.weight")
        positionAndType = try weights.derived("bert.embeddings#position_and_type") {
            let positions = try weights.floats("bert.embeddings.position_embeddings.weight")
            let tokenType = Array(try weights.floats("bert.embeddings.token_type_embeddings.weight").prefix(Self.embeddingSize))
            return positions.enumerated().map { $0.element + tokenType[$0.offset % Self.embeddingSize] }
        }
        embeddingNorm = (try weights.buffer("bert.embeddings.LayerNorm.weight"), try weights.buffer("bert.embeddings.LayerNorm.bias"))
        mappingIn = try Linear(weights, "bert.encoder.embedding_hidden_mapping_in", inFeatures: Self.embeddingSize, outFeatures: Self.hidden)
        let layer = "bert.encoder.albert_layer_groups.0.albert_layers.0"
        let attention = layer + ".attention"
        _ = try weights.derived(attention + "#qkv.weight") {
            try ["query", "key", "value"].flatMap { try weights.floats("\(attention).\($0).weight") }
        }
        _ = try weights.derived(attention + "#qkv.bias") {
            try ["query", "key", "value"].flatMap { try weights.floats("\(attention).\($0).bias") }
        }
        queryKeyValue = try Linear(weights, attention + "#qkv", inFeatures: Self.hidden, outFeatures: 3 * Self.hidden)
        dense = try Linear(weights, attention + ".dense", inFeatures: Self.hidden, outFeatures: Self.hidden)
        attentionNorm = (try weights.buffer(attention + ".LayerNorm.weight"), try weights.buffer(attention + ".LayerNorm.bias"))
        ffn = try Linear(weights, layer + ".ffn", inFeatures: Self.hidden, outFeatures: Self.intermediate)
        ffnOutput = try Linear(weights, layer + ".ffn_output", inFeatures: Self.intermediate, outFeatures: Self.hidden)
        fullLayerNorm = (try weights.buffer(layer + ".full_layer_layer_norm.weight"), try weights.buffer(layer + ".full_layer_layer_norm.bias"))
    }

    /// Buffers for T ≤ maxTokens.
    struct Activations {
        let embeddings, qkv, scores, valuesTransposed, context, attentionOutput, intermediate, ffnOut: DeviceBuffer
        init(device: ComputeDevice, maxTokens t: Int) throws {
            embeddings = try DeviceBuffer(device: device, byteCount: t * embeddingSize * 4)
            qkv = try DeviceBuffer(device: device, byteCount: t * 3 * hidden * 4)
            scores = try DeviceBuffer(device: device, byteCount: heads * t * t * 4)
            valuesTransposed = try DeviceBuffer(device: device, byteCount: hidden * t * 4)
            context = try DeviceBuffer(device: device, byteCount: t * hidden * 4)
            attentionOutput = try DeviceBuffer(device: device, byteCount: t * hidden * 4)
            intermediate = try DeviceBuffer(device: device, byteCount: t * Self.intermediateSize * 4)
            ffnOut = try DeviceBuffer(device: device, byteCount: t * hidden * 4)
        }
        static let intermediateSize = Albert.intermediate
    }

    /// tokens [T] (uint ids) -> output [T, 768] (last_hidden_state; no padding: every key is valid).
    func callAsFunction(_ stream: CommandStream, tokens: DeviceBuffer, count t: Int, output hidden: DeviceBuffer,
                        scratch a: Activations) throws {
        try stream.gatherRows(table: wordEmbeddings, tableRows: vocabularySize, index: tokens, output: a.embeddings,
                              rows: t, columns: Self.embeddingSize, label: "bert.embeddings.word")
        try stream.layerNorm(input: a.embeddings, residual: positionAndType, output: a.embeddings, rows: t, channels: Self.embeddingSize,
                             affine: .plain(gamma: embeddingNorm.gamma, beta: embeddingNorm.beta), eps: Self.eps, label: "bert.embeddings.LayerNorm")
        try mappingIn(stream, input: a.embeddings, output: hidden, rows: t, label: "bert.embedding_hidden_mapping_in")
        let h = Self.headSize, d = Self.hidden
        for layer in 0..<Self.layers {
            let name = "bert.layer\(layer)"
            try queryKeyValue(stream, input: hidden, output: a.qkv, rows: t, label: name + ".qkv")
            // scores[head] [T, T] = Q_head · K_headᵀ, heads side by side in the qkv rows.
            try stream.gemm(a: a.qkv, b: a.qkv, c: a.scores,
                            shape: GemmShape(m: t, n: t, k: h, lda: 3 * d, ldb: 3 * d, ldc: t, batch: Self.heads,
                                             batchStrideA: h, batchStrideB: h, batchStrideC: t * t).offset(a: 0, b: d),
                            label: name + ".scores")
            try stream.softmax(a.scores, rows: Self.heads * t, columns: t, scale: 1 / Float(h).squareRoot(), label: name + ".softmax")
            // V_headᵀ [64, T] so that context = P · V is the A · Bᵀ product the GEMM computes.
            var split = TransposeShape(rows: t, columns: h, batch: Self.heads, inRowStride: 3 * d, inBatchStride: h,
                                       outRowStride: t, outBatchStride: h * t)
            split.inOffset = 2 * d
            try stream.transpose(input: a.qkv, output: a.valuesTransposed, shape: split, label: name + ".values")
            try stream.gemm(a: a.scores, b: a.valuesTransposed, c: a.context,
                            shape: GemmShape(m: t, n: h, k: t, lda: t, ldb: t, ldc: d, batch: Self.heads,
                                             batchStrideA: t * t, batchStrideB: h * t, batchStrideC: h),
                            label: name + ".context")
            try dense(stream, input: a.context, output: a.attentionOutput, rows: t, label: name + ".dense")
            try stream.layerNorm(input: a.attentionOutput, residual: hidden, output: a.attentionOutput, rows: t, channels: d,
                                 affine: .plain(gamma: attentionNorm.gamma, beta: attentionNorm.beta), eps: Self.eps, label: name + ".attention.LayerNorm")
            try ffn(stream, input: a.attentionOutput, output: a.intermediate, rows: t, activation: .geluTanh, label: name + ".ffn")
            try ffnOutput(stream, input: a.intermediate, output: a.ffnOut, rows: t, label: name + ".ffn_output")
            try stream.layerNorm(input: a.ffnOut, residual: a.attentionOutput, output: hidden, rows: t, channels: d,
                                 affine: .plain(gamma: fullLayerNorm.gamma, beta: fullLayerNorm.beta), eps: Self.eps, label: name + ".full_layer_layer_norm")
        }
    }
}
