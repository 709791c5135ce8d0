import Foundation
import XCTest
@testable import VulkanCompute

/// Norms, softmax, data movement and the LSTM recurrence against float64 CPU references.
/// Tolerance: these kernels reduce over at most a few thousand values in float32, so results agree
/// with float64 to ~1e-6 relative; 1e-5 (of the output's magnitude, or 1e-5 absolute) leaves room
/// for exp/tanh ulps without hiding an indexing error.
final class SequenceKernelTests: XCTestCase {
    func assertNear(_ actual: [Float], _ expected: [Double], tolerance: Double = 1e-5, _ what: String, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, line: line)
        for i in 0..<min(actual.count, expected.count) {
            let error = abs(Double(actual[i]) - expected[i])
            if !(error <= tolerance * max(1, abs(expected[i]))) {
                return XCTFail("\(what): index \(i): \(actual[i]) vs \(expected[i])", line: line)
            }
        }
    }

    func layerNormReference(_ x: [Double], eps: Double) -> [Double] {
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)
        return x.map { ($0 - mean) / (variance + eps).squareRoot() }
    }

    func testLayerNormBothLayoutsResidualAndAffines() throws {
        let device = try SharedDevice.get()
        for (rows, channels) in [(13, 127), (1, 768), (70, 5)] {
            let x = randomFloats(rows * channels, seed: 31, range: -3...3).map { $0 + 0.5 }
            let r = randomFloats(rows * channels, seed: 32)
            let gamma = randomFloats(channels, seed: 33), beta = randomFloats(channels, seed: 34)
            let style = randomFloats(2 * channels, seed: 35)
            let bx = try DeviceBuffer(device: device, floats: x), br = try DeviceBuffer(device: device, floats: r)
            let bg = try DeviceBuffer(device: device, floats: gamma), bb = try DeviceBuffer(device: device, floats: beta)
            let bs = try DeviceBuffer(device: device, floats: style)
            for layout in [ChannelLayout.rowsOfChannels, .channelsOfRows] {
                let index = { (row: Int, c: Int) in layout == .rowsOfChannels ? row * channels + c : c * rows + row }
                let plainOut = try DeviceBuffer(device: device, byteCount: rows * channels * 4)
                let styleOut = try DeviceBuffer(device: device, byteCount: rows * channels * 4)
                _ = try record(device) { s in
                    try s.layerNorm(input: bx, residual: br, output: plainOut, rows: rows, channels: channels, layout: layout,
                                    affine: .plain(gamma: bg, beta: bb), eps: 1e-12)
                    try s.layerNorm(input: bx, output: styleOut, rows: rows, channels: channels, layout: layout,
                                    affine: .style(styleAffine: bs), eps: 1e-5, activation: .leakyReLU(negativeSlope: 0.2))
                }
                var expectedPlain = [Double](repeating: 0, count: rows * channels), expectedStyle = expectedPlain
                for row in 0..<rows {
                    let withResidual = layerNormReference((0..<channels).map { Double(x[index(row, $0)]) + Double(r[index(row, $0)]) }, eps: 1e-12)
                    let plain = layerNormReference((0..<channels).map { Double(x[index(row, $0)]) }, eps: 1e-5)
                    for c in 0..<channels {
                        expectedPlain[index(row, c)] = withResidual[c] * Double(gamma[c]) + Double(beta[c])
                        let v = plain[c] * (1 + Double(style[c])) + Double(style[channels + c])
                        expectedStyle[index(row, c)] = v >= 0 ? v : 0.2 * v
                    }
                }
                assertNear(try plainOut.downloadFloats(), expectedPlain, "layerNorm plain \(layout) \(rows)x\(channels)")
                assertNear(try styleOut.downloadFloats(), expectedStyle, "AdaLayerNorm \(layout) \(rows)x\(channels)")
            }
        }
    }

    /// AdaLayerNorm in place over the first 5 of 8 columns (Kokoro's DurationEncoder keeps the
    /// style vector in the last columns of each row).
    func testLayerNormOverLeadingColumnsOfWiderRows() throws {
        let device = try SharedDevice.get()
        let x = randomFloats(3 * 8, seed: 36, range: -2...2), style = randomFloats(10, seed: 37)
        let buffer = try DeviceBuffer(device: device, floats: x)
        _ = try record(device) {
            try $0.layerNorm(input: buffer, output: buffer, rows: 3, channels: 5, rowStride: 8,
                             affine: .style(styleAffine: try DeviceBuffer(device: device, floats: style)), eps: 1e-5)
        }
        var expected = x.map(Double.init)
        for row in 0..<3 {
            let n = layerNormReference((0..<5).map { Double(x[row * 8 + $0]) }, eps: 1e-5)
            for c in 0..<5 { expected[row * 8 + c] = n[c] * (1 + Double(style[c])) + Double(style[5 + c]) }
        }
        assertNear(try buffer.downloadFloats(), expected, "strided AdaLayerNorm")
    }

    func testInstanceNormAdaIN() throws {
        let device = try SharedDevice.get()
        let (channels, positions) = (13, 127)
        let x = randomFloats(channels * positions, seed: 41, range: -2...4)
        let weight = randomFloats(channels, seed: 42), bias = randomFloats(channels, seed: 43), style = randomFloats(2 * channels, seed: 44)
        let bx = try DeviceBuffer(device: device, floats: x)
        let out = try DeviceBuffer(device: device, byteCount: x.count * 4)
        _ = try record(device) { s in
            try s.instanceNormAdaIN(input: bx, normWeight: try DeviceBuffer(device: device, floats: weight),
                                    normBias: try DeviceBuffer(device: device, floats: bias),
                                    styleAffine: try DeviceBuffer(device: device, floats: style), output: out,
                                    channels: channels, positions: positions, activation: .leakyReLU(negativeSlope: 0.2))
        }
        var expected: [Double] = []
        for c in 0..<channels {
            let n = layerNormReference((0..<positions).map { Double(x[c * positions + $0]) }, eps: 1e-5)
            for v in n {
                let y = (1 + Double(style[c])) * (v * Double(weight[c]) + Double(bias[c])) + Double(style[channels + c])
                expected.append(y >= 0 ? y : 0.2 * y)
            }
        }
        assertNear(try out.downloadFloats(), expected, "instance norm + AdaIN")
    }

    func testSoftmaxWithScaleAndMask() throws {
        let device = try SharedDevice.get()
        let (rows, columns, valid) = (13, 37, 30)
        let x = randomFloats(rows * columns, seed: 51, range: -20...20)
        let buffer = try DeviceBuffer(device: device, floats: x)
        _ = try record(device) { try $0.softmax(buffer, rows: rows, columns: columns, validColumns: valid, scale: 0.125) }
        var expected: [Double] = []
        for row in 0..<rows {
            let scores = (0..<valid).map { Double(x[row * columns + $0]) * 0.125 }
            let m = scores.max()!
            let e = scores.map { Foundation.exp($0 - m) }
            let sum = e.reduce(0, +)
            expected += e.map { $0 / sum } + [Double](repeating: 0, count: columns - valid)
        }
        assertNear(try buffer.downloadFloats(), expected, "softmax")
    }

    func testTransposeBatchedStrided() throws {
        let device = try SharedDevice.get()
        // 3 heads of a [5 tokens, 3 x 8] matrix -> [3, 8, 5]: the attention head split.
        let x = randomFloats(5 * 24, seed: 61)
        let out = try DeviceBuffer(device: device, floats: [Float](repeating: 0, count: 3 * 8 * 5))
        _ = try record(device) {
            try $0.transpose(input: try DeviceBuffer(device: device, floats: x), output: out,
                             shape: {
                                 var shape = TransposeShape(rows: 5, columns: 6, batch: 3, inRowStride: 24, inBatchStride: 8,
                                                            outRowStride: 5, outBatchStride: 40)
                                 shape.inOffset = 2; shape.outOffset = 0
                                 return shape
                             }())
        }
        var expected = [Double](repeating: 0, count: 3 * 8 * 5)
        for h in 0..<3 { for d in 0..<6 { for t in 0..<5 { expected[h * 40 + d * 5 + t] = Double(x[2 + t * 24 + h * 8 + d]) } } }
        assertNear(try out.downloadFloats(), expected, tolerance: 0, "transpose")
    }

    func testGatherRowsIntoStridedOutputAndClampsIndices() throws {
        let device = try SharedDevice.get()
        let table = randomFloats(7 * 5, seed: 71)
        let index: [UInt32] = [3, 0, 6, 6, 1, 99]  // 99 is clamped to row 6
        let out = try DeviceBuffer(device: device, floats: [Float](repeating: -7, count: 6 * 9))
        _ = try record(device) {
            try $0.gatherRows(table: try DeviceBuffer(device: device, floats: table), tableRows: 7,
                              index: try DeviceBuffer(device: device, uints: index), output: out, rows: 6, columns: 5,
                              outRowStride: 9, outOffset: 2)
        }
        let result = try out.downloadFloats()
        for r in 0..<6 {
            for c in 0..<9 {
                let expected: Float = (2..<7).contains(c) ? table[Int(min(index[r], 6)) * 5 + c - 2] : -7
                XCTAssertEqual(result[r * 9 + c], expected, "row \(r) column \(c)")
            }
        }
    }

    func testUpsampleNearestAndDepthwiseTransposed() throws {
        let device = try SharedDevice.get()
        let (channels, length) = (5, 13)
        let x = randomFloats(channels * length, seed: 81), w = randomFloats(channels * 3, seed: 82), b = randomFloats(channels, seed: 83)
        let bx = try DeviceBuffer(device: device, floats: x)
        let nearest = try DeviceBuffer(device: device, byteCount: channels * 2 * length * 4)
        let pooled = try DeviceBuffer(device: device, byteCount: channels * 2 * length * 4)
        _ = try record(device) { s in
            try s.upsample2x(input: bx, output: nearest, channels: channels, length: length)
            try s.upsample2x(input: bx, output: pooled, channels: channels, length: length,
                             depthwiseTransposed: (try DeviceBuffer(device: device, floats: w), try DeviceBuffer(device: device, floats: b)))
        }
        var expectedNearest: [Double] = [], expectedPooled: [Double] = []
        for c in 0..<channels {
            for o in 0..<(2 * length) {
                expectedNearest.append(Double(x[c * length + o / 2]))
                // ConvTranspose1d by its definition: input i contributes w[k] to output 2 i - 1 + k.
                var sum = Double(b[c])
                for i in 0..<length { for k in 0..<3 where 2 * i - 1 + k == o { sum += Double(w[c * 3 + k]) * Double(x[c * length + i]) } }
                expectedPooled.append(sum)
            }
        }
        assertNear(try nearest.downloadFloats(), expectedNearest, tolerance: 0, "nearest x2")
        assertNear(try pooled.downloadFloats(), expectedPooled, "depthwise ConvTranspose1d")
    }

    func testBidirectionalLSTMRecurrence() throws {
        let device = try SharedDevice.get()
        for (steps, hidden) in [(7, 13), (3, 256), (1, 300), (600, 128), (300, 256)] {
            let gates = randomFloats(steps * 8 * hidden, seed: 91, range: -2...2)
            // Scaled by 1/sqrt(H) so the recurrence is contractive: with larger weights it is chaotic
            // and float32 rounding alone separates any two implementations after enough steps.
            let bound = Float(1.5 / Double(hidden).squareRoot())
            let weights = randomFloats(2 * 4 * hidden * hidden, seed: 92, range: -bound...bound)
            let out = try DeviceBuffer(device: device, floats: [Float](repeating: .nan, count: steps * (2 * hidden + 3)))
            _ = try record(device) {
                try $0.lstmRecurrence(inputGates: try DeviceBuffer(device: device, floats: gates),
                                      recurrentWeights: try DeviceBuffer(device: device, floats: weights),
                                      output: out, steps: steps, hidden: hidden, outRowStride: 2 * hidden + 3)
            }
            let result = try out.downloadFloats()
            func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
            directions: for direction in 0..<2 {
                var h = [Double](repeating: 0, count: hidden), c = h
                for step in 0..<steps {
                    let t = direction == 0 ? step : steps - 1 - step
                    var hNext = h
                    for j in 0..<hidden {
                        var g = (0..<4).map { q in Double(gates[t * 8 * hidden + direction * 4 * hidden + q * hidden + j]) }
                        for q in 0..<4 {
                            let row = (direction * 4 * hidden + q * hidden + j) * hidden
                            for k in 0..<hidden { g[q] += Double(weights[row + k]) * h[k] }
                        }
                        c[j] = sigmoid(g[1]) * c[j] + sigmoid(g[0]) * Foundation.tanh(g[2])
                        hNext[j] = sigmoid(g[3]) * Foundation.tanh(c[j])
                    }
                    let worst = (0..<hidden).map { abs(Double(result[t * (2 * hidden + 3) + direction * hidden + $0]) - hNext[$0]) }.max()!
                    if !(worst <= 1e-5) {
                        XCTFail("LSTM \(steps)x\(hidden) direction \(direction) step \(step): error \(worst)")
                        break directions
                    }
                    h = hNext
                }
            }
            XCTAssert((0..<steps).allSatisfy { t in (0..<3).allSatisfy { result[t * (2 * hidden + 3) + 2 * hidden + $0].isNaN } },
                      "LSTM wrote into the row padding")
        }
    }

    func testAddScaled() throws {
        let device = try SharedDevice.get()
        let a = randomFloats(515, seed: 95), b = randomFloats(515, seed: 96)
        let out = try DeviceBuffer(device: device, byteCount: 515 * 4)
        _ = try record(device) {
            try $0.elementwise(.addScaled(scale: 0.70710677), a: try DeviceBuffer(device: device, floats: a),
                               b: try DeviceBuffer(device: device, floats: b), result: out, count: 515)
        }
        assertNear(try out.downloadFloats(), zip(a, b).map { (Double($0) + Double($1)) * Double(Float(0.70710677)) }, "add scaled")
    }
}
