import Foundation
import XCTest
@testable import VulkanCompute

final class ElementwiseTests: XCTestCase {
    /// Transcendentals on the device (exp, sin) are accurate to a few ulp in Vulkan's precision
    /// rules for these ranges; 2e-6 absolute plus 2e-6 relative covers them.
    func check(_ operation: ElementwiseOperation, count: Int, variant: KernelVariant, range: ClosedRange<Float> = -6...6,
               reference: (Double, Double) -> Double, line: UInt = #line) throws {
        let device = try SharedDevice.get()
        let aValues = randomFloats(count, seed: 21, range: range)
        var bValues = randomFloats(count, seed: 22, range: 0.2...3)
        var channels = 1, inner = count
        if case .snake(let c, let i) = operation { channels = c; inner = i; bValues = Array(bValues.prefix(c)) }
        let a = try DeviceBuffer(device: device, floats: aValues)
        let b = try DeviceBuffer(device: device, floats: bValues)
        let result = try DeviceBuffer(device: device, floats: [Float](repeating: .nan, count: count + 3))
        _ = try record(device) { try $0.elementwise(operation, a: a, b: b, result: result, count: count, variant: variant) }
        let values = try result.downloadFloats()
        XCTAssert(values.suffix(3).allSatisfy(\.isNaN), "wrote past count", line: line)
        for i in 0..<count {
            let bValue = channels > 1 || inner != count ? Double(bValues[i / inner]) : Double(bValues[i])
            let expected = reference(Double(aValues[i]), bValue)
            let tolerance = 2e-6 + 2e-6 * abs(expected)
            if !(abs(Double(values[i]) - expected) <= tolerance) {
                return XCTFail("\(operation) \(variant) at \(i): \(values[i]) vs \(expected)", line: line)
            }
        }
    }

    func testEveryOperationBothVariantsOddSizes() throws {
        for variant in KernelVariant.allCases {
            for count in [1, 13, 515] {
                try check(.add, count: count, variant: variant) { $0 + $1 }
                try check(.multiply, count: count, variant: variant) { $0 * $1 }
                try check(.leakyReLU(negativeSlope: 0.01), count: count, variant: variant) { x, _ in x >= 0 ? x : 0.01 * x }
                try check(.geluTanh, count: count, variant: variant) { x, _ in
                    0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
                }
                try check(.sigmoid, count: count, variant: variant) { x, _ in 1 / (1 + Foundation.exp(-x)) }
                try check(.tanh, count: count, variant: variant) { x, _ in Foundation.tanh(x) }
            }
            try check(.snake(channels: 13, inner: 127), count: 13 * 127, variant: variant) { x, alpha in
                x + pow(Foundation.sin(alpha * x), 2) / alpha
            }
        }
    }

    func testSaturatingInputsStayFinite() throws {
        for variant in KernelVariant.allCases {
            try check(.tanh, count: 64, variant: variant, range: -500...500) { x, _ in Foundation.tanh(x) }
            try check(.sigmoid, count: 64, variant: variant, range: -500...500) { x, _ in 1 / (1 + Foundation.exp(-x)) }
            try check(.geluTanh, count: 64, variant: variant, range: -60...60) { x, _ in
                0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
            }
        }
    }

    func testInPlace() throws {
        let device = try SharedDevice.get()
        let x = try DeviceBuffer(device: device, floats: [-2, -1, 0, 1, 2])
        _ = try record(device) { try $0.elementwise(.leakyReLU(negativeSlope: 0.5), a: x, result: x, count: 5) }
        XCTAssertEqual(try x.downloadFloats(), [-1, -0.5, 0, 1, 2])
    }
}
