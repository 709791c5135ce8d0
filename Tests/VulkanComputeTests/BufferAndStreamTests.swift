import Foundation
import XCTest
@testable import VulkanCompute

final class BufferAndStreamTests: XCTestCase {
    func testUploadDownloadRoundTripBothLocations() throws {
        let device = try SharedDevice.get()
        for location in [DeviceBuffer.Location.deviceLocal, .hostVisible] {
            let values = randomFloats(1027, seed: 1)
            let buffer = try DeviceBuffer(device: device, byteCount: values.count * 4, location: location)
            try buffer.upload(values)
            XCTAssertEqual(try buffer.downloadFloats(), values)
            try buffer.upload([42, 43], offset: 1000)
            XCTAssertEqual(try buffer.downloadFloats(count: 3, offset: 999), [values[999], 42, 43])
        }
    }

    func testOutOfRangeTransfersAreRejected() throws {
        let device = try SharedDevice.get()
        let buffer = try DeviceBuffer(device: device, byteCount: 16)
        XCTAssertThrowsError(try buffer.upload([1, 2, 3, 4, 5]))
        XCTAssertThrowsError(try buffer.upload([1], offset: 4))
        XCTAssertThrowsError(try buffer.downloadFloats(count: 2, offset: 3))
        XCTAssertThrowsError(try DeviceBuffer(device: device, byteCount: -1))
        XCTAssertThrowsError(try DeviceBuffer(device: device, byteCount: Int(device.capabilities.maxStorageBufferRange) + 1))
    }

    func testCopyAndFill() throws {
        let device = try SharedDevice.get()
        let source = try DeviceBuffer(device: device, floats: [1, 2, 3, 4])
        let destination = try DeviceBuffer(device: device, byteCount: 16)
        _ = try record(device) { stream in
            stream.fill(destination, with: 0x3f80_0000)  // 1.0
            stream.copy(from: source, to: destination, byteCount: 8, sourceOffset: 8, destinationOffset: 0)
        }
        XCTAssertEqual(try destination.downloadFloats(), [3, 4, 1, 1])
    }

    /// Barriers go only where a later command touches what an earlier one wrote (or overwrites
    /// what it read); independent commands run without one.
    func testBarriersOnlyBetweenDependentDispatches() throws {
        let device = try SharedDevice.get()
        let x = try DeviceBuffer(device: device, floats: [1, -2, 3, -4])
        let y = try DeviceBuffer(device: device, byteCount: 16)
        let z = try DeviceBuffer(device: device, byteCount: 16)
        let w = try DeviceBuffer(device: device, byteCount: 16)
        let stream = try record(device) { s in
            try s.elementwise(.tanh, a: x, result: y, count: 4)           // reads x, writes y
            try s.elementwise(.sigmoid, a: x, result: z, count: 4)        // independent: no barrier
            try s.elementwise(.add, a: y, b: z, result: w, count: 4)      // reads y, z: barrier
            try s.elementwise(.multiply, a: x, b: x, result: y, count: 4) // overwrites y that was read: barrier
        }
        XCTAssertEqual(stream.dispatchCount, 4)
        XCTAssertEqual(stream.barrierCount, 2)
        let expected: [Float] = [1, -2, 3, -4].map { (v: Float) -> Float in Foundation.tanh(v) + 1 / (1 + Foundation.exp(-v)) }
        for (a, e) in zip(try w.downloadFloats(), expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertEqual(try y.downloadFloats(), [1, 4, 9, 16])
    }

    func testStreamIsSubmittedOnceAndValidatesDispatches() throws {
        let device = try SharedDevice.get()
        let x = try DeviceBuffer(device: device, floats: [1])
        let stream = try record(device) { try $0.elementwise(.tanh, a: x, result: x, count: 1) }
        XCTAssertThrowsError(try stream.submitAndWait())
        XCTAssertThrowsError(try stream.elementwise(.tanh, a: x, result: x, count: 1))
        let fresh = try CommandStream(device: device)
        let kernel = try device.kernel("elementwise", bindings: 3, pushConstantBytes: 16, specialization: [64, 5, 8])
        XCTAssertThrowsError(try fresh.dispatch(kernel, bindings: [.read(x)], pushConstants: UInt32(0), groups: (1, 1, 1)))
        XCTAssertThrowsError(try fresh.dispatch(kernel, bindings: [.read(x), .read(x), .write(x)], pushConstants: UInt32(0), groups: (1, 1, 1)),
                             "push-constant size mismatch must be rejected")
        XCTAssertThrowsError(try fresh.elementwise(.add, a: x, result: x, count: 1), "add without b")
        XCTAssertThrowsError(try fresh.elementwise(.tanh, a: x, result: x, count: 2), "count beyond the buffer")
    }

    func testTimestampsLabelEachDispatch() throws {
        let device = try SharedDevice.get()
        XCTAssertTrue(device.capabilities.supportsTimestamps, "lavapipe and every GPU we target write timestamps")
        let x = try DeviceBuffer(device: device, floats: randomFloats(4096, seed: 2))
        let stream = try record(device, timestamps: true) { s in
            try s.elementwise(.tanh, a: x, result: x, count: 4096, label: "first")
            try s.elementwise(.sigmoid, a: x, result: x, count: 4096, label: "second")
        }
        XCTAssertEqual(stream.timings.map { $0.label }, ["first", "second"])
        XCTAssert(stream.timings.allSatisfy { (timing: (label: String, seconds: Double)) in timing.seconds >= 0 && timing.seconds < 10 })
    }
}
