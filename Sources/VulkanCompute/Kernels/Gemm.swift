/// C[b] = A[b] · B[b]ᵀ + bias, with optional activation: the shape of every linear layer
/// (x [rows, in] · W [out, in]ᵀ) and of attention's Q·Kᵀ.
///   A: [batch, M, K] (row stride lda, batch stride batchStrideA), B: [batch, N, K], C: [batch, M, N]
public struct GemmShape: Equatable, Sendable {
    public var m: Int, n: Int, k: Int
    public var lda: Int, ldb: Int, ldc: Int
    public var batch: Int
    public var batchStrideA: Int, batchStrideB: Int, batchStrideC: Int
    /// Where each operand starts in its buffer (elements).
    public var offsetA = 0, offsetB = 0, offsetC = 0

    /// Dense row-major operands; batches packed one after another.
    public init(m: Int, n: Int, k: Int, batch: Int = 1) {
        self.init(m: m, n: n, k: k, lda: k, ldb: k, ldc: n, batch: batch,
                  batchStrideA: m * k, batchStrideB: n * k, batchStrideC: m * n)
    }

    public init(m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, batch: Int = 1,
                batchStrideA: Int, batchStrideB: Int, batchStrideC: Int) {
        self.m = m; self.n = n; self.k = k
        self.lda = lda; self.ldb = ldb; self.ldc = ldc
        self.batch = batch
        self.batchStrideA = batchStrideA; self.batchStrideB = batchStrideB; self.batchStrideC = batchStrideC
    }

    /// Multiply-adds times two.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }

    /// Floats an operand must hold: its last batch's last row ends there.
    func extent(rows: Int, columns: Int, rowStride: Int, batchStride: Int) -> Int {
        rows == 0 || columns == 0 || batch == 0 ? 0 : (batch - 1) * batchStride + (rows - 1) * rowStride + columns
    }

    /// The same shape with operands starting at the given element offsets.
    public func offset(a: Int = 0, b: Int = 0, c: Int = 0) -> GemmShape {
        var shape = self
        shape.offsetA = a; shape.offsetB = b; shape.offsetC = c
        return shape
    }
}

/// Mirrors `GemmParams` in gemm_params.glsl (15 x 4 bytes, no padding).
struct GemmPushConstants {
    var m, n, k, lda, ldb, ldc, batchStrideA, batchStrideB, batchStrideC, hasBias, activation: UInt32
    var activationParameter: Float
    var offsetA, offsetB, offsetC: UInt32
}

extension CommandStream {
    /// Records C = A · Bᵀ (+ bias[N]) (then activation). `variant` defaults to the device's.
    public func gemm(a: DeviceBuffer, b: DeviceBuffer, c: DeviceBuffer, bias: DeviceBuffer? = nil,
                     shape s: GemmShape, activation: Activation = .none, variant: KernelVariant? = nil,
                     label: String? = nil) throws {
        let values = [s.m, s.n, s.k, s.lda, s.ldb, s.ldc, s.batch, s.batchStrideA, s.batchStrideB, s.batchStrideC,
                      s.offsetA, s.offsetB, s.offsetC]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }), s.lda >= s.k, s.ldb >= s.k, s.ldc >= s.n else {
            throw VulkanError.invalidArgument("GEMM shape \(s) is inconsistent")
        }
        try requireFloats(a, s.offsetA + s.extent(rows: s.m, columns: s.k, rowStride: s.lda, batchStride: s.batchStrideA), "GEMM operand A")
        try requireFloats(b, s.offsetB + s.extent(rows: s.n, columns: s.k, rowStride: s.ldb, batchStride: s.batchStrideB), "GEMM operand B")
        try requireFloats(c, s.offsetC + s.extent(rows: s.m, columns: s.n, rowStride: s.ldc, batchStride: s.batchStrideC), "GEMM result C")
        if let bias { try requireFloats(bias, s.n, "GEMM bias") }
        if s.m == 0 || s.n == 0 || s.batch == 0 { return }

        let constants = GemmPushConstants(
            m: UInt32(s.m), n: UInt32(s.n), k: UInt32(s.k), lda: UInt32(s.lda), ldb: UInt32(s.ldb), ldc: UInt32(s.ldc),
            batchStrideA: UInt32(s.batchStrideA), batchStrideB: UInt32(s.batchStrideB), batchStrideC: UInt32(s.batchStrideC),
            hasBias: bias == nil ? 0 : 1, activation: activation.code, activationParameter: activation.parameter,
            offsetA: UInt32(s.offsetA), offsetB: UInt32(s.offsetB), offsetC: UInt32(s.offsetC))
        // Without a bias the result buffer fills binding 3; the shader never reads it then.
        let bindings: [BufferBinding] = [.read(a), .read(b), .write(c), bias.map { .read($0) } ?? .write(c)]
        let batchGroups = try workgroupCount(s.batch, "GEMM batch")
        switch variant ?? device.kernelVariant {
        case .tiled:
            let kernel = try device.kernel("gemm_tiled", bindings: 4, pushConstantBytes: MemoryLayout<GemmPushConstants>.size)
            try dispatch(kernel, bindings: bindings, pushConstants: constants,
                         groups: (try workgroupCount(ceilDiv(s.n, 64), "GEMM"), try workgroupCount(ceilDiv(s.m, 64), "GEMM"), batchGroups),
                         label: label)
        case .register:
            // vec4 loads need every row start 16-byte aligned: K, lda, ldb, batch strides, offsets % 4 == 0.
            let vectorised = [s.k, s.lda, s.ldb, s.batchStrideA, s.batchStrideB, s.offsetA, s.offsetB].allSatisfy { $0 % 4 == 0 }
            let width = Self.registerWorkgroupWidth
            let kernel = try device.kernel(vectorised ? "gemm_register_vec4" : "gemm_register", bindings: 4,
                                           pushConstantBytes: MemoryLayout<GemmPushConstants>.size,
                                           specialization: [UInt32(width)])
            try dispatch(kernel, bindings: bindings, pushConstants: constants,
                         groups: (try workgroupCount(ceilDiv(ceilDiv(s.n, 8), width), "GEMM"),
                                  try workgroupCount(ceilDiv(s.m, 4), "GEMM"), batchGroups),
                         label: label)
        }
    }

    /// Invocations per workgroup of the register-blocked kernels: one 8-lane AVX2 SIMD group on
    /// lavapipe times two, so narrow matrices (N of a few blocks) waste few lanes.
    static let registerWorkgroupWidth = 16
}
