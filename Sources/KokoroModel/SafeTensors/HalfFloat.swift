// 16-bit float decoding, by hand: Swift's Float16 is unavailable on macOS/x86_64, and bfloat16
// has no standard-library type at all. Both widen to Float exactly, so there is no rounding here.

extension Float {
    /// Widens IEEE 754 binary16 bits to a Float. Exact for every input: zeros keep their sign,
    /// subnormals become normal floats, infinities stay infinite, and NaNs stay NaN with their
    /// payload shifted into the top of the binary32 mantissa (so a quiet NaN stays quiet).
    ///
    /// binary16 is sign(1) exponent(5, bias 15) mantissa(10); binary32 is sign(1)
    /// exponent(8, bias 127) mantissa(23).
    @inline(__always)
    public init(float16Bits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        var mantissa = UInt32(bits & 0x03FF)
        if exponent == 0x1F {
            // Infinity (mantissa 0) or NaN (payload kept).
            self.init(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        } else if exponent != 0 {
            // Normal: re-bias the exponent from 15 to 127.
            self.init(bitPattern: sign | (exponent + 127 - 15) << 23 | mantissa << 13)
        } else if mantissa == 0 {
            self.init(bitPattern: sign)  // +0 or -0
        } else {
            // Subnormal: value = mantissa * 2^-24. Shift the mantissa up until its leading one
            // reaches the implicit-bit position (bit 10), lowering the exponent once per shift,
            // starting from the smallest normal half's exponent 2^-14 (binary32 biased 113).
            var biased: UInt32 = 127 - 14
            repeat {
                mantissa <<= 1
                biased -= 1
            } while mantissa & 0x0400 == 0
            self.init(bitPattern: sign | biased << 23 | (mantissa & 0x03FF) << 13)
        }
    }

    /// Widens bfloat16 bits to a Float. bfloat16 is the upper 16 bits of a binary32, so this is
    /// exact for every input, subnormals, infinities and NaNs included.
    @inline(__always)
    public init(bfloat16Bits bits: UInt16) {
        self.init(bitPattern: UInt32(bits) << 16)
    }
}
