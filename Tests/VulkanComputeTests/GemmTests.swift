import XCTest
@testable import VulkanCompute

/// GEMM against a float64 CPU reference, for every kernel variant.
final class GemmTests: XCTestCase {
    /// Reference C[b][i][j] = Σ_k A[b][i][k] B[b][j][k] + bias[j], activation applied; returns the
    /// value and the magnitude scale Σ|A B| + |bias| used by the tolerance.
    static func reference(_ a: [Float], _ b: [Float], _ bias: [Float]?, _ s: GemmShape, _ activation: Activation,
                          batch: Int, row i: Int, column j: Int) -> (value: Double, scale: Double) {
        var sum = 0.0, scale = 0.0
        let aBase = s.offsetA + batch * s.batchStrideA + i * s.lda, bBase = s.offsetB + batch * s.batchStrideB + j * s.ldb
        for k in 0..<s.k {
            let term = Double(a[aBase + k]) * Double(b[bBase + k])
            sum += term; scale += abs(term)
        }
        if let bias { sum += Double(bias[j]); scale += abs(Double(bias[j])) }
        return (applyReference(activation, sum), max(scale, 1e-6))
    }

    static func applyReference(_ activation: Activation, _ x: Double) -> Double {
        switch activation {
        case .none: return x
        case .leakyReLU(let slope): return x >= 0 ? x : x * Double(slope)
        case .geluTanh: return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
        case .sigmoid: return 1 / (1 + exp(-x))
        case .tanh: return tanh(x)
        }
    }

    /// Runs one GEMM and checks either every element or `samples` random ones (large shapes: the
    /// float64 reference of a 510 x 768 x 768 product takes seconds in a debug build).
    func check(_ s: GemmShape, bias useBias: Bool = true, activation: Activation = .none,
               variant: KernelVariant, samples: Int? = nil, seed: UInt64 = 7, line: UInt = #line) throws {
        let device = try SharedDevice.get()
        let aValues = randomFloats(s.offsetA + s.extent(rows: s.m, columns: s.k, rowStride: s.lda, batchStride: s.batchStrideA), seed: seed)
        let bValues = randomFloats(s.offsetB + s.extent(rows: s.n, columns: s.k, rowStride: s.ldb, batchStride: s.batchStrideB), seed: seed + 1)
        let biasValues = useBias ? randomFloats(s.n, seed: seed + 2) : nil
        let cCount = s.offsetC + s.extent(rows: s.m, columns: s.n, rowStride: s.ldc, batchStride: s.batchStrideC)
        let a = try DeviceBuffer(device: device, floats: aValues)
        let b = try DeviceBuffer(device: device, floats: bValues)
        let bias = try biasValues.map { try DeviceBuffer(device: device, floats: $0) }
        let c = try DeviceBuffer(device: device, floats: [Float](repeating: .nan, count: cCount))
        _ = try record(device) { try $0.gemm(a: a, b: b, c: c, bias: bias, shape: s, activation: activation, variant: variant) }
        let result = try c.downloadFloats()

        var generator = SeededGenerator(seed: seed + 3)
        var points: [(Int, Int, Int)] = []
        if let samples {
            points = (0..<samples).map { _ in (Int.random(in: 0..<s.batch, using: &generator), Int.random(in: 0..<s.m, using: &generator),
                                               Int.random(in: 0..<s.n, using: &generator)) }
        } else {
            for batch in 0..<s.batch { for i in 0..<s.m { for j in 0..<s.n { points.append((batch, i, j)) } } }
        }
        var actual: [Float] = [], expected: [Double] = [], scale: [Double] = []
        for (batch, i, j) in points {
            let r = Self.reference(aValues, bValues, biasValues, s, activation, batch: batch, row: i, column: j)
            actual.append(result[s.offsetC + batch * s.batchStrideC + i * s.ldc + j]); expected.append(r.value); scale.append(r.scale)
        }
        assertClose(actual, expected, scale: scale, "GEMM \(variant) \(s)", line: line)
        if samples == nil {
            // Padding between rows (ldc > n) must be left untouched.
            for batch in 0..<s.batch { for i in 0..<s.m { for j in s.n..<s.ldc where s.offsetC + batch * s.batchStrideC + i * s.ldc + j < cCount {
                XCTAssert(result[s.offsetC + batch * s.batchStrideC + i * s.ldc + j].isNaN, "GEMM wrote outside C", line: line)
            } } }
            XCTAssert(result.prefix(s.offsetC).allSatisfy(\.isNaN), "GEMM wrote before its offset", line: line)
        }
    }

    func testOddSizes() throws {
        for variant in KernelVariant.allCases {
            try check(GemmShape(m: 13, n: 127, k: 515), variant: variant)   // K % 4 != 0: scalar path
            try check(GemmShape(m: 127, n: 13, k: 516), variant: variant)   // K % 4 == 0: vec4 path
            try check(GemmShape(m: 1, n: 1, k: 1), variant: variant)
            try check(GemmShape(m: 65, n: 66, k: 17), bias: false, variant: variant)
        }
    }

    func testStridedBatchedWithActivations() throws {
        // Three batches of 7 x 9 x 20 with padded rows: lda 24, ldb 21 (forces the scalar path), ldc 11.
        let s = GemmShape(m: 7, n: 9, k: 20, lda: 24, ldb: 21, ldc: 11, batch: 3,
                          batchStrideA: 7 * 24 + 4, batchStrideB: 9 * 21, batchStrideC: 7 * 11 + 3)
        let vec4 = GemmShape(m: 7, n: 9, k: 20, lda: 24, ldb: 20, ldc: 11, batch: 3,
                             batchStrideA: 7 * 24, batchStrideB: 9 * 20 + 4, batchStrideC: 7 * 11)
        for variant in KernelVariant.allCases {
            try check(s, activation: .leakyReLU(negativeSlope: 0.1), variant: variant)
            try check(vec4, activation: .geluTanh, variant: variant)
            try check(GemmShape(m: 5, n: 33, k: 64), activation: .sigmoid, variant: variant)
            try check(GemmShape(m: 5, n: 33, k: 64), activation: .tanh, variant: variant)
            // Attention's head split: Q and K side by side in one [T, 3 x 64] buffer, 3 heads of 16.
            let heads = GemmShape(m: 9, n: 9, k: 16, lda: 48 * 3, ldb: 48 * 3, ldc: 9, batch: 3,
                                  batchStrideA: 16, batchStrideB: 16, batchStrideC: 81)
            try check(heads.offset(a: 0, b: 48, c: 5), bias: false, variant: variant)
            try check(GemmShape(m: 6, n: 7, k: 12).offset(a: 3, b: 1, c: 2), variant: variant)  // unaligned: scalar path
        }
    }

    /// ALBERT's projections: 768 x 768 over 15 and 510 tokens; the feed-forward 768 -> 2048.
    func testKokoroShapes() throws {
        for variant in KernelVariant.allCases {
            try check(GemmShape(m: 15, n: 768, k: 768), variant: variant, samples: 3000)
            try check(GemmShape(m: 510, n: 768, k: 768), variant: variant, samples: 3000)
            try check(GemmShape(m: 510, n: 2048, k: 768), activation: .geluTanh, variant: variant, samples: 2000)
        }
    }

    func testInvalidShapesAreRejected() throws {
        let device = try SharedDevice.get()
        let small = try DeviceBuffer(device: device, byteCount: 64)
        let stream = try CommandStream(device: device)
        XCTAssertThrowsError(try stream.gemm(a: small, b: small, c: small, shape: GemmShape(m: 4, n: 4, k: 5)), "A too small")
        XCTAssertThrowsError(try stream.gemm(a: small, b: small, c: small,
                                             shape: GemmShape(m: 2, n: 2, k: 4, lda: 3, ldb: 4, ldc: 2, batchStrideA: 0, batchStrideB: 0, batchStrideC: 0)),
                             "lda < k")
        XCTAssertThrowsError(try stream.gemm(a: small, b: small, c: small, shape: GemmShape(m: -1, n: 2, k: 2)))
        XCTAssertEqual(stream.dispatchCount, 0)
    }
}
