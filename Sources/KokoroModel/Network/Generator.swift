import VulkanCompute

/// AdaINResBlock1 of the iSTFTNet generator (resblocks and noise_res), channel-major [C, L]:
/// three rounds of
///   xt = conv2(snake2(AdaIN2(conv1(snake1(AdaIN1(x))))));  x = x + xt
/// where conv1 has dilation 1, 3, 5 (padding d (k - 1) / 2) and conv2 dilation 1, and
/// snake(x) = x + sin²(alpha x) / alpha with one alpha per channel.
struct AdaINResBlock1 {
    let norms1: [AdaIN1d], norms2: [AdaIN1d]
    let convs1: [Conv1d], convs2: [Conv1d]
    let alphas1: [DeviceBuffer], alphas2: [DeviceBuffer]
    let channels: Int

    init(_ weights: WeightStore, _ prefix: String, channels: Int, kernelSize: Int, dilations: [Int], styleDim: Int) throws {
        self.channels = channels
        let rounds = dilations.indices
        norms1 = try rounds.map { try AdaIN1d(weights, "\(prefix).adain1.\($0)", styleDim: styleDim, channels: channels) }
        norms2 = try rounds.map { try AdaIN1d(weights, "\(prefix).adain2.\($0)", styleDim: styleDim, channels: channels) }
        convs1 = try rounds.map {
            try Conv1d(weights, "\(prefix).convs1.\($0)", inChannels: channels, outChannels: channels, kernelSize: kernelSize,
                       padding: dilations[$0] * (kernelSize - 1) / 2, dilation: dilations[$0])
        }
        convs2 = try rounds.map {
            try Conv1d(weights, "\(prefix).convs2.\($0)", inChannels: channels, outChannels: channels, kernelSize: kernelSize,
                       padding: (kernelSize - 1) / 2)
        }
        alphas1 = try rounds.map { try weights.buffer("\(prefix).alpha1.\($0)") }
        alphas2 = try rounds.map { try weights.buffer("\(prefix).alpha2.\($0)") }
    }

    /// Records fc(style) of every AdaIN into affines[0 ..< 2 · rounds].
    func styleAffines(_ stream: CommandStream, style: DeviceBuffer, styleOffset: Int, affines: ArraySlice<DeviceBuffer>, label: String) throws {
        for round in norms1.indices {
            try norms1[round].styleAffine(stream, style: style, styleOffset: styleOffset, affine: affines[affines.startIndex + 2 * round],
                                          label: "\(label).adain1.\(round)")
            try norms2[round].styleAffine(stream, style: style, styleOffset: styleOffset, affine: affines[affines.startIndex + 2 * round + 1],
                                          label: "\(label).adain2.\(round)")
        }
    }

    /// input [C, L] (unchanged) -> output [C, L]; a, b: [C, L] scratch. With `valid` (bucketed
    /// recordings) the norms work on the valid columns and zero the rest, and snake(0) = 0, so
    /// both convolutions see zeros past the end; the output's tail holds leftovers.
    func callAsFunction(_ stream: CommandStream, input: DeviceBuffer, output: DeviceBuffer, length: Int, valid: RuntimeLength? = nil,
                        affines: ArraySlice<DeviceBuffer>, a: DeviceBuffer, b: DeviceBuffer, label: String) throws {
        let count = channels * length
        for round in norms1.indices {
            let x = round == 0 ? input : output
            try norms1[round](stream, input: x, affine: affines[affines.startIndex + 2 * round], output: a, length: length,
                              valid: valid, activation: .none, label: "\(label).adain1.\(round)")
            try stream.elementwise(.snake(channels: channels, inner: length), a: a, b: alphas1[round], result: a, count: count,
                                   label: "\(label).snake1.\(round)")
            try convs1[round](stream, input: a, output: b, length: length, label: "\(label).convs1.\(round)")
            try norms2[round](stream, input: b, affine: affines[affines.startIndex + 2 * round + 1], output: b, length: length,
                              valid: valid, activation: .none, label: "\(label).adain2.\(round)")
            try stream.elementwise(.snake(channels: channels, inner: length), a: b, b: alphas2[round], result: b, count: count,
                                   label: "\(label).snake2.\(round)")
            try convs2[round](stream, input: b, output: a, length: length, label: "\(label).convs2.\(round)")
            try stream.elementwise(.add, a: a, b: x, result: output, count: count, label: "\(label).residual.\(round)")
        }
    }
}

/// Kokoro's iSTFTNet generator: decoder features [512, 2F] + F0 [2F] + style -> audio [600 F].
///   har = STFT(harmonic_source(F0))                                   [22, 120F + 1]
///   stage 0: x = ups.0(leaky 0.1 (x)) + noise_res.0(noise_convs.0(har))  [256, 20F]
///            x = mean of resblocks 0..2 (k 3, 7, 11)
///   stage 1: x = pad(ups.1(leaky 0.1 (x))) + noise_res.1(noise_convs.1(har))  [128, 120F + 1]
///            x = mean of resblocks 3..5
///   audio = iSTFT(exp | sin of conv_post(leaky 0.01 (x)))               [600F]
struct Generator {
    let source: HarmonicSource
    let noiseConvs: [Conv1d]
    let noiseResidual: [AdaINResBlock1]
    let ups: [ConvTranspose1d]
    let resblocks: [AdaINResBlock1]
    let convPost: Conv1d
    static let nFFT = 20, hop = 5, channels = [512, 256, 128]
    static let kernelSizes = [3, 7, 11], dilations = [1, 3, 5]

    init(_ weights: WeightStore, styleDim: Int) throws {
        source = try HarmonicSource(weights)
        let bins = Self.nFFT + 2
        noiseConvs = [
            try Conv1d(weights, "decoder.generator.noise_convs.0", inChannels: bins, outChannels: 256, kernelSize: 12, padding: 3, stride: 6),
            try Conv1d(weights, "decoder.generator.noise_convs.1", inChannels: bins, outChannels: 128, kernelSize: 1, padding: 0),
        ]
        noiseResidual = [
            try AdaINResBlock1(weights, "decoder.generator.noise_res.0", channels: 256, kernelSize: 7, dilations: Self.dilations, styleDim: styleDim),
            try AdaINResBlock1(weights, "decoder.generator.noise_res.1", channels: 128, kernelSize: 11, dilations: Self.dilations, styleDim: styleDim),
        ]
        ups = [
            try ConvTranspose1d(weights, "decoder.generator.ups.0", inChannels: 512, outChannels: 256, kernelSize: 20, stride: 10, padding: 5),
            try ConvTranspose1d(weights, "decoder.generator.ups.1", inChannels: 256, outChannels: 128, kernelSize: 12, stride: 6, padding: 3),
        ]
        resblocks = try (0..<6).map { index in
            try AdaINResBlock1(weights, "decoder.generator.resblocks.\(index)", channels: Self.channels[index / 3 + 1],
                               kernelSize: Self.kernelSizes[index % 3], dilations: Self.dilations, styleDim: styleDim)
        }
        convPost = try Conv1d(weights, "decoder.generator.conv_post", inChannels: 128, outChannels: bins, kernelSize: 7, padding: 3)
    }

    /// Buffers for up to `frames` frames (F): the largest activation is [128, 120F + 1].
    final class Activations {
        let rad, cycles, source, har: DeviceBuffer
        let x, xSource, a, b, c, sum, post: DeviceBuffer
        let affines: [DeviceBuffer]
        init(device: ComputeDevice, frames f: Int) throws {
            func floats(_ count: Int) throws -> DeviceBuffer { try DeviceBuffer(device: device, byteCount: count * 4) }
            let sampleFrames = 120 * f + 1, largest = max(128 * sampleFrames, 256 * 20 * f, 512 * 2 * f)
            rad = try floats(HarmonicSource.harmonics * 2 * f)
            cycles = try floats(HarmonicSource.harmonics * 2 * f)
            source = try floats(600 * f)
            har = try floats((Generator.nFFT + 2) * sampleFrames)
            x = try floats(largest); xSource = try floats(largest)
            a = try floats(largest); b = try floats(largest); c = try floats(largest); sum = try floats(largest)
            post = try floats((Generator.nFFT + 2) * sampleFrames)
            affines = try (0..<6).map { _ in try floats(2 * 256) }
        }
    }

    /// features [512, 2F] (decode.3 output), f0Curve [2F] -> audio [600F].
    /// Bucketed recordings: `frames` is the bucket B, every tensor is laid out for B, and `valid`
    /// gives the real F at run time (the noise parameters then come from its buffer too, see
    /// HarmonicSource); the audio past 600F is zeros. Where a stage depends on the end of the
    /// sequence it reads F: the norms, the harmonic source's last frame, the STFT's reflection,
    /// the iSTFT's last frames, and the zero padding before each convolution that would read
    /// leftovers past the valid end (ups.0, ups.1, conv_post; noise_convs.0 reads the STFT's
    /// zeroed frames).
    func callAsFunction(_ stream: CommandStream, features: DeviceBuffer, f0Curve: DeviceBuffer, frames f: Int, valid: RuntimeLength? = nil,
                        style: DeviceBuffer, styleOffset: Int, noiseScale: Float, seed: UInt64,
                        scratch s: Activations, audio: DeviceBuffer) throws {
        try recordHarmonics(stream, f0Curve: f0Curve, frames: f, valid: valid, noiseScale: noiseScale, seed: seed, scratch: s)
        try recordFromHarmonics(stream, features: features, harmonics: s.har, frames: f, valid: valid, style: style, styleOffset: styleOffset,
                                scratch: s, audio: audio)
    }

    /// har = STFT(harmonic_source(F0)) [22, 120F + 1] into `s.har` (the source itself in `s.source`).
    func recordHarmonics(_ stream: CommandStream, f0Curve: DeviceBuffer, frames f: Int, valid: RuntimeLength? = nil, noiseScale: Float,
                         seed: UInt64, scratch s: Activations) throws {
        try source(stream, f0: f0Curve, frames: 2 * f, validFrames: valid?.scaled(by: 2), rad: s.rad, cycles: s.cycles, output: s.source,
                   noiseScale: noiseScale, seed: seed)
        try stream.stft(signal: s.source, samples: 600 * f, validSamples: valid?.scaled(by: 600), nFFT: Self.nFFT, hop: Self.hop,
                        output: s.har, label: "decoder.generator.stft")
    }

    /// The generator from its two inputs: decoder features [512, 2F] and har [22, 120F + 1].
    /// conv_post's output stays in `s.post` [22, 120F + 1].
    func recordFromHarmonics(_ stream: CommandStream, features: DeviceBuffer, harmonics har: DeviceBuffer, frames f: Int,
                             valid: RuntimeLength? = nil, style: DeviceBuffer, styleOffset: Int, scratch s: Activations,
                             audio: DeviceBuffer) throws {
        let samples = 600 * f
        let sampleFrames = samples / Self.hop + 1
        let validSampleFrames = valid?.scaled(by: 120, plus: 1)   // 600F / hop + 1
        let name = "decoder.generator"
        var current = features
        var length = 2 * f
        var lengthValid = valid?.scaled(by: 2)
        for stage in 0..<2 {
            let channels = Self.channels[stage + 1]
            // x_source = noise_res(noise_convs(har))
            let sourceLength = noiseConvs[stage].outLength(sampleFrames)
            // 120F + 1 -> 20F (k 12, stride 6, padding 3) or 120F + 1 (1x1).
            let sourceValid = stage == 0 ? valid?.scaled(by: 20) : validSampleFrames
            try noiseConvs[stage](stream, input: har, output: s.c, length: sampleFrames, label: "\(name).noise_convs.\(stage)")
            try noiseResidual[stage].styleAffines(stream, style: style, styleOffset: styleOffset, affines: s.affines[0..<6],
                                                  label: "\(name).noise_res.\(stage)")
            try noiseResidual[stage](stream, input: s.c, output: s.xSource, length: sourceLength, valid: sourceValid, affines: s.affines[0..<6],
                                     a: s.a, b: s.b, label: "\(name).noise_res.\(stage)")
            // x = ups(leaky_relu(x, 0.1)) (the activation is applied as the ConvTranspose reads),
            // reflection-padded by one on the left in the last stage.
            let upLength = ups[stage].outLength(length)
            // The ConvTranspose reads one column past the valid end (2F, 20F), where the reference
            // has zero padding and a bucketed recording has leftovers.
            if let lengthValid {
                try stream.zeroTail(current, rows: Self.channels[stage], stride: length, valid: lengthValid,
                                    label: "\(name).ups.\(stage).zero_tail")
            }
            if stage == 0 {
                try ups[stage](stream, input: current, output: s.x, length: length, label: "\(name).ups.\(stage)")
                length = upLength
            } else {
                try ups[stage](stream, input: current, output: s.a, length: length, label: "\(name).ups.\(stage)")
                try stream.reflectionPad(input: s.a, output: s.x, channels: channels, length: upLength, left: 1, right: 0,
                                         label: "\(name).reflection_pad")
                length = upLength + 1
            }
            lengthValid = sourceValid
            guard length == sourceLength else {
                throw VulkanError.invalidArgument("generator stage \(stage): upsampled length \(length) != source length \(sourceLength)")
            }
            let count = channels * length
            try stream.elementwise(.add, a: s.x, b: s.xSource, result: s.x, count: count, label: "\(name).add_source.\(stage)")
            // x = mean of the three resblocks of this stage (sum, then (sum + last) / 3).
            for j in 0..<3 {
                let index = stage * 3 + j
                let block = resblocks[index]
                try block.styleAffines(stream, style: style, styleOffset: styleOffset, affines: s.affines[0..<6],
                                       label: "\(name).resblocks.\(index)")
                try block(stream, input: s.x, output: j == 0 ? s.sum : s.c, length: length, valid: lengthValid, affines: s.affines[0..<6],
                          a: s.a, b: s.b, label: "\(name).resblocks.\(index)")
                if j == 1 { try stream.elementwise(.add, a: s.sum, b: s.c, result: s.sum, count: count, label: "\(name).resblock_sum") }
                if j == 2 {
                    try stream.elementwise(.addScaled(scale: 1.0 / 3.0), a: s.sum, b: s.c, result: s.sum, count: count,
                                           label: "\(name).resblock_mean")
                }
            }
            // s.sum stays untouched until the next stage's ConvTranspose has read it.
            current = s.sum
        }
        // conv_post(leaky_relu(x, 0.01)), then exp | sin and the inverse STFT.
        try stream.elementwise(.leakyReLU(negativeSlope: 0.01), a: current, result: current, count: 128 * length,
                               label: "\(name).leaky_relu")
        if let lengthValid {
            try stream.zeroTail(current, rows: 128, stride: length, valid: lengthValid, label: "\(name).conv_post.zero_tail")
        }
        try convPost(stream, input: current, output: s.post, length: length, label: "\(name).conv_post")
        try stream.istft(logMagnitudeAndPhase: s.post, frames: length, validFrames: lengthValid, nFFT: Self.nFFT, hop: Self.hop,
                         output: audio, label: "\(name).istft")
    }
}
