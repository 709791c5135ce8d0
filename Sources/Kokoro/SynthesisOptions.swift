import KokoroText

/// How to speak: the Swift form of kokoro_synthesis_options (without the callback, which
/// `Engine.synthesize` takes as a closure).
public struct SynthesisOptions: Equatable, Sendable {
    /// What the input string holds.
    public enum Input: Equatable, Sendable {
        /// Plain UTF-8 text in `language`.
        case text
        /// Kokoro phonemes, one vocabulary symbol per Unicode scalar.
        case phonemes
    }

    /// Fastest accepted speaking rate; durations are divided by `speed`.
    public static let maximumSpeed: Float = 10
    /// Largest accepted noise scale (1 is the reference's level).
    public static let maximumNoiseScale: Float = 10

    /// A voice name or a blend "a:0.7,b:0.3"; nil = the engine's default voice.
    public var voice: String?
    /// Speaking rate in (0, 10]; 1 = natural.
    public var speed: Float
    public var input: Input
    /// Seeds the generator's random initial phases and noise (chunk i uses seed + i).
    public var seed: UInt64
    /// 0 = deterministic (the reference with zero SineGen noise); 1 = the reference's noise.
    public var noiseScale: Float
    /// The language of plain-text input (unused for phonemes).
    public var language: TextLanguage

    public init(voice: String? = nil, speed: Float = 1, input: Input = .text, seed: UInt64 = 0, noiseScale: Float = 1,
                language: TextLanguage = .americanEnglish) {
        self.voice = voice
        self.speed = speed
        self.input = input
        self.seed = seed
        self.noiseScale = noiseScale
        self.language = language
    }

    /// Throws `KokoroError.invalidArgument` naming the first field out of range.
    func validate() throws {
        guard speed.isFinite && speed > 0 && speed <= Self.maximumSpeed else {
            throw KokoroError.invalidArgument("speed is \(speed); it must be in (0, \(Self.maximumSpeed)] (1 = natural pace)")
        }
        guard noiseScale.isFinite && noiseScale >= 0 && noiseScale <= Self.maximumNoiseScale else {
            throw KokoroError.invalidArgument(
                "noise_scale is \(noiseScale); it must be in [0, \(Self.maximumNoiseScale)] (0 = deterministic, 1 = the reference's noise)")
        }
    }
}
