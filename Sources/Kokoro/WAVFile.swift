// RIFF/WAVE encoding of mono audio, written by hand (no Foundation, no audio library): what
// `kokoro-cli say` writes and the tests read back.
import Glibc

/// Sample encodings of a WAV file.
public enum WAVSampleFormat: Sendable {
    /// 16-bit signed integer PCM (format tag 1): what every player reads. Samples are clamped to
    /// [-1, 1] and scaled by 32767, rounded to nearest.
    case pcm16
    /// 32-bit IEEE float (format tag 3, with the `fact` chunk that non-PCM formats need): the
    /// engine's output bit for bit.
    case float32
}

public enum WAVFile {
    /// A complete mono WAV file holding `samples` at `sampleRate`.
    public static func encode(_ samples: [Float], sampleRate: Int, format: WAVSampleFormat = .pcm16) -> [UInt8] {
        let bytesPerSample = format == .pcm16 ? 2 : 4
        let dataBytes = samples.count * bytesPerSample
        let fmtBytes = format == .pcm16 ? 16 : 18  // float: + cbSize
        let factBytes = format == .pcm16 ? 0 : 12   // "fact", size, sample count
        var out: [UInt8] = []
        out.reserveCapacity(12 + 8 + fmtBytes + factBytes + 8 + dataBytes)

        func ascii(_ text: String) { out += Array(text.utf8) }
        func u16(_ value: Int) { out += [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)] }
        func u32(_ value: Int) { for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((value >> shift) & 0xff)) } }

        ascii("RIFF"); u32(4 + 8 + fmtBytes + factBytes + 8 + dataBytes); ascii("WAVE")
        ascii("fmt "); u32(fmtBytes)
        u16(format == .pcm16 ? 1 : 3)                 // format tag
        u16(1)                                        // channels
        u32(sampleRate)
        u32(sampleRate * bytesPerSample)              // byte rate
        u16(bytesPerSample)                           // block align
        u16(bytesPerSample * 8)                       // bits per sample
        if format == .float32 {
            u16(0)                                    // cbSize: no extension
            ascii("fact"); u32(4); u32(samples.count)
        }
        ascii("data"); u32(dataBytes)
        switch format {
        case .pcm16:
            for sample in samples {
                let clamped = sample.isNaN ? 0 : min(max(sample, -1), 1)
                u16(Int(Int16((clamped * 32767).rounded())) & 0xffff)
            }
        case .float32:
            for sample in samples { u32(Int(sample.bitPattern)) }
        }
        return out
    }

    /// Writes `encode(samples, ...)` to `path`, replacing the file.
    /// Throws `KokoroError.invalidArgument` when the file cannot be written.
    public static func write(_ samples: [Float], sampleRate: Int, format: WAVSampleFormat = .pcm16, to path: String) throws {
        let bytes = encode(samples, sampleRate: sampleRate, format: format)
        guard let file = fopen(path, "wb") else {
            throw KokoroError.invalidArgument("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count && closed == 0 else {
            throw KokoroError.invalidArgument("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
