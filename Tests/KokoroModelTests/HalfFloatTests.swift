import XCTest
@testable import KokoroModel

final class HalfFloatTests: XCTestCase {
    func testFloat16SpecialValues() {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0),
            (0x3C00, 1),
            (0xC000, -2),
            (0x3555, (1 + 341.0 / 1024) / 4),      // 0.333251953125: exponent 2^-2, mantissa 0x155
            (0x7BFF, 65504),                       // largest finite half
            (0x0400, 1.0 / 16384),                 // smallest normal, 2^-14
            (0x0001, 1.0 / 16_777_216),            // smallest subnormal, 2^-24
            (0x03FF, 1023.0 / 16_777_216),         // largest subnormal
            (0x8001, -1.0 / 16_777_216),
            (0x0200, 1.0 / 32768),                 // subnormal 2^-15
            (0x7C00, .infinity),
            (0xFC00, -.infinity),
        ]
        for (bits, expected) in cases {
            XCTAssertEqual(Float(float16Bits: bits), expected, "bits 0x\(String(bits, radix: 16))")
        }
        XCTAssertEqual(Float(float16Bits: 0x8000).bitPattern, (-0.0 as Float).bitPattern)
        let nan = Float(float16Bits: 0x7E00)
        XCTAssertTrue(nan.isNaN)
        XCTAssertFalse(nan.isSignalingNaN)
        XCTAssertTrue(Float(float16Bits: 0x7C01).isNaN)
        XCTAssertTrue(Float(float16Bits: 0xFE00).isNaN)
        XCTAssertEqual(Float(float16Bits: 0xFE00).sign, .minus)
    }

    #if !(os(macOS) && arch(x86_64))
    /// Every one of the 65,536 half-precision values against the standard library's conversion.
    func testFloat16ExhaustivelyAgainstStandardLibrary() {
        for bits in UInt16.min...UInt16.max {
            let ours = Float(float16Bits: bits)
            let reference = Float(Float16(bitPattern: bits))
            if reference.isNaN {
                XCTAssertTrue(ours.isNaN, "bits 0x\(String(bits, radix: 16))")
                XCTAssertEqual(ours.sign, reference.sign)
            } else {
                XCTAssertEqual(ours.bitPattern, reference.bitPattern, "bits 0x\(String(bits, radix: 16))")
            }
        }
    }
    #endif

    func testBFloat16() {
        XCTAssertEqual(Float(bfloat16Bits: 0x3F80), 1)
        XCTAssertEqual(Float(bfloat16Bits: 0xC040), -3)
        XCTAssertEqual(Float(bfloat16Bits: 0x8000).bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(Float(bfloat16Bits: 0x0001), Float(bitPattern: 0x0001_0000))  // subnormal
        XCTAssertTrue(Float(bfloat16Bits: 0x0001).isSubnormal)
        XCTAssertEqual(Float(bfloat16Bits: 0x7F80), .infinity)
        XCTAssertEqual(Float(bfloat16Bits: 0xFF80), -.infinity)
        XCTAssertTrue(Float(bfloat16Bits: 0x7FC0).isNaN)
        XCTAssertEqual(Float(bfloat16Bits: 0x7F7F), Float(bitPattern: 0x7F7F_0000))  // largest finite
    }
}
