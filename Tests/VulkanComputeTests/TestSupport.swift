import XCTest
@testable import VulkanCompute

/// One device for the whole test process: creating a Vulkan device costs tens of milliseconds and
/// lavapipe compiles each pipeline on first use, so sharing it keeps the suite fast.
/// No device is a failure, never a skip: CI always has lavapipe.
enum SharedDevice {
    static let result: Result<ComputeDevice, Error> = Result { try ComputeDevice() }

    static func get(file: StaticString = #filePath, line: UInt = #line) throws -> ComputeDevice {
        switch result {
        case .success(let device): return device
        case .failure(let error):
            XCTFail("NO VULKAN DEVICE: these tests need one (install mesa-vulkan-drivers for lavapipe): \(error)", file: file, line: line)
            throw error
        }
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so a failing case reproduces exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomFloats(_ count: Int, seed: UInt64, range: ClosedRange<Float> = -1...1) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float.random(in: range, using: &generator) }
}

/// Compares device results with a float64 reference.
///
/// Tolerance: a float32 dot product of K terms accumulated in any order is within about
/// K · 2^-24 · Σ|a_i b_i| of the exact value (worst case; random rounding gives ~√K). Each check
/// passes the magnitude scale Σ|terms| per element; we allow `relative` times that scale, which
/// for K ≤ 2048 is far above rounding noise yet far below any indexing or accumulation bug
/// (those produce errors of the order of the scale itself).
func assertClose(_ actual: [Float], _ expected: [Double], scale: [Double], relative: Double = 1e-5,
                 _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(what): element count", file: file, line: line)
    var worst = 0.0, worstIndex = -1
    for i in 0..<min(actual.count, expected.count) {
        let error = abs(Double(actual[i]) - expected[i]) / max(scale[i], 1e-30)
        if !(error <= worst) { worst = error; worstIndex = i }  // NaN is caught here too
    }
    XCTAssert(worst <= relative, "\(what): worst error \(worst) of scale at index \(worstIndex) "
        + "(device \(worstIndex >= 0 ? actual[worstIndex] : .nan), reference \(worstIndex >= 0 ? expected[worstIndex] : .nan)); "
        + "tolerance \(relative)", file: file, line: line)
}

/// Runs `record` in a fresh stream and waits.
func record(_ device: ComputeDevice, timestamps: Bool = false, _ record: (CommandStream) throws -> Void) throws -> CommandStream {
    let stream = try CommandStream(device: device, timestamps: timestamps)
    try record(stream)
    try stream.submitAndWait()
    return stream
}
