import XCTest
@testable import VulkanCompute

/// The pieces of bucketed recordings: zeroTail with a runtime length, per-call values written by
/// one stream and read by a reusable stream that follows it in the same submission.
final class BucketedRecordingTests: XCTestCase {
    /// zeroTail over [rows, stride] with valid = 3 F + 2 read at run time: the tail is zeroed,
    /// the head untouched, for F down to the smallest the recording was made for.
    func testZeroTailFollowsTheRuntimeLength() throws {
        let device = try SharedDevice.get()
        let rows = 13, stride = 127
        for frames in [41, 30, 25] {
            let x = randomFloats(rows * stride, seed: UInt64(frames))
            let buffer = try DeviceBuffer(device: device, floats: x)
            let lengths = try DeviceBuffer(device: device, uints: [UInt32(frames)])
            _ = try record(device) {
                try $0.zeroTail(buffer, rows: rows, stride: stride, valid: RuntimeLength(buffer: lengths, scale: 3, offset: 2, minimumFrames: 25))
            }
            let y = try buffer.downloadFloats(count: rows * stride)
            let valid = 3 * frames + 2
            for r in 0..<rows {
                XCTAssertEqual(Array(y[(r * stride)..<(r * stride + valid)]), Array(x[(r * stride)..<(r * stride + valid)]), "row \(r) head")
                XCTAssert(y[(r * stride + valid)..<((r + 1) * stride)].allSatisfy { $0 == 0 }, "row \(r) tail, F = \(frames)")
            }
        }
    }

    /// One reusable recording, submitted after two streams that write different lengths: each run
    /// uses its own length, and the recording can be submitted again.
    func testReusableStreamReadsPerCallValues() throws {
        let device = try SharedDevice.get()
        let rows = 3, stride = 64
        let buffer = try DeviceBuffer(device: device, byteCount: rows * stride * 4)
        let lengths = try DeviceBuffer(device: device, byteCount: 16)
        let recording = try CommandStream(device: device, reusable: true)
        try recording.zeroTail(buffer, rows: rows, stride: stride, valid: RuntimeLength(buffer: lengths, minimumFrames: 1))
        XCTAssertThrowsError(try CommandStream(device: device).submitAndWait(then: recording), "not finished yet")
        try recording.finish()
        XCTAssertThrowsError(try recording.submitAndWait(), "a reusable stream follows another")
        for frames in [50, 10, 63, 10] {
            let call = try CommandStream(device: device)
            call.fill(buffer, with: Float(1).bitPattern)
            call.update(lengths, words: [UInt32(frames), 99])
            try call.submitAndWait(then: recording)
            let y = try buffer.downloadFloats(count: rows * stride)
            for r in 0..<rows {
                XCTAssert(y[(r * stride)..<(r * stride + frames)].allSatisfy { $0 == 1 }, "F = \(frames): head")
                XCTAssert(y[(r * stride + frames)..<((r + 1) * stride)].allSatisfy { $0 == 0 }, "F = \(frames): tail")
            }
        }
        XCTAssertEqual(try lengths.downloadUInt32s(count: 2), [10, 99])
    }

    /// copyRows changes the row stride ([C, F] into [C, B]).
    func testCopyRowsChangesTheStride() throws {
        let device = try SharedDevice.get()
        let x = randomFloats(5 * 7, seed: 3)
        let source = try DeviceBuffer(device: device, floats: x)
        let destination = try DeviceBuffer(device: device, floats: [Float](repeating: -1, count: 5 * 11))
        _ = try record(device) { $0.copyRows(from: source, to: destination, rows: 5, rowBytes: 7 * 4, sourceStride: 7 * 4, destinationStride: 11 * 4) }
        let y = try destination.downloadFloats(count: 55)
        for r in 0..<5 {
            XCTAssertEqual(Array(y[(r * 11)..<(r * 11 + 7)]), Array(x[(r * 7)..<(r * 7 + 7)]))
            XCTAssertEqual(Array(y[(r * 11 + 7)..<(r * 11 + 11)]), [-1, -1, -1, -1])
        }
    }
}
