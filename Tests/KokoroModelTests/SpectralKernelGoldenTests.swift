import Foundation
import VulkanCompute
import XCTest
@testable import KokoroModel

/// The generator's STFT and inverse STFT kernels against the PyTorch reference's own tensors in
/// Tests/Golden/hello_world.safetensors (F = 70 frames, 42,000 samples):
///   har_source [1, 1, 42000] -> STFT -> har [1, 22, 8401] (11 magnitude rows, 11 phase rows)
///   conv_post [1, 22, 8401] -> exp | sin -> torch.istft -> audio [42000]
///
/// Tolerances (relative to the largest reference value): magnitude and audio ≤ 1e-4; both are
/// float32 computations of ≤ 20-term sums that agree with float64 to ~1e-7 of their scale, so 1e-4
/// only absorbs the reference's own float32 rounding. Phases are compared modulo 2π, only where
/// the reference magnitude exceeds 1e-3 of its maximum (the phase of a near-zero bin is arbitrary);
/// there a magnitude error of ~1e-7 of the maximum turns the angle by at most ~1e-4 rad, so ≤ 1e-3
/// rad is required. The reached errors are printed.
final class SpectralKernelGoldenTests: XCTestCase {
    static let golden: Result<SafeTensorsFile, Error> = Result {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/hello_world.safetensors").path
        return try SafeTensorsFile(path: path)
    }

    static let device: Result<ComputeDevice, Error> = Result { try ComputeDevice() }

    func testSTFTOfHarmonicSourceMatchesReference() throws {
        let golden = try Self.golden.get(), device = try Self.device.get()
        let source = try golden.floats("har_source"), har = try golden.floats("har")
        let (bins, frames) = (11, STFTLayout.frames(samples: source.count, hop: 5))
        XCTAssertEqual(har.count, 2 * bins * frames)
        let output = try DeviceBuffer(device: device, byteCount: har.count * 4)
        let start = Date()
        let stream = try CommandStream(device: device)
        try stream.stft(signal: try DeviceBuffer(device: device, floats: source), samples: source.count, output: output)
        try stream.submitAndWait()
        let elapsed = Date().timeIntervalSince(start)
        let y = try output.downloadFloats(count: har.count)

        let magnitudeCount = bins * frames
        let magnitudeError = relativeMaxError(Array(y[0..<magnitudeCount]), Array(har[0..<magnitudeCount]))
        let largest = har[0..<magnitudeCount].map { abs(Double($0)) }.max() ?? 0
        var phaseError = 0.0, compared = 0
        for i in 0..<magnitudeCount where Double(har[i]) > 1e-3 * largest {
            var delta = abs(Double(y[magnitudeCount + i]) - Double(har[magnitudeCount + i])).truncatingRemainder(dividingBy: 2 * Double.pi)
            delta = min(delta, 2 * Double.pi - delta)
            phaseError = delta.isNaN ? .nan : max(phaseError, delta)
            compared += 1
        }
        print("golden stft(har_source): magnitude relative max error \(String(format: "%.2e", magnitudeError)), "
            + "phase max error \(String(format: "%.2e", phaseError)) rad over \(compared) of \(magnitudeCount) bins, "
            + "\(String(format: "%.1f", elapsed * 1e3)) ms")
        XCTAssert(magnitudeError <= 1e-4, "STFT magnitude relative max error \(magnitudeError)")
        XCTAssert(phaseError <= 1e-3, "STFT phase error \(phaseError) rad")
        XCTAssertGreaterThan(compared, magnitudeCount / 10, "most bins of a voiced source carry energy")
    }

    func testInverseSTFTOfConvPostMatchesReferenceAudio() throws {
        let golden = try Self.golden.get(), device = try Self.device.get()
        let convPost = try golden.floats("conv_post"), audio = try golden.floats("audio")
        let frames = convPost.count / 22
        XCTAssertEqual(STFTLayout.samples(frames: frames, nFFT: 20, hop: 5), audio.count)
        let output = try DeviceBuffer(device: device, byteCount: audio.count * 4)
        let start = Date()
        let stream = try CommandStream(device: device)
        try stream.istft(logMagnitudeAndPhase: try DeviceBuffer(device: device, floats: convPost), frames: frames, output: output)
        try stream.submitAndWait()
        let elapsed = Date().timeIntervalSince(start)
        let error = relativeMaxError(try output.downloadFloats(count: audio.count), Array(audio))
        print("golden istft(conv_post): audio relative max error \(String(format: "%.2e", error)), \(String(format: "%.1f", elapsed * 1e3)) ms")
        XCTAssert(error <= 1e-4, "inverse STFT relative max error \(error)")
    }
}
