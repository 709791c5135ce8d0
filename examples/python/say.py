"""Speaks text (or Kokoro phonemes) to a 16-bit mono WAV file with libkokoro.

    python3 examples/python/say.py ["Some text."] [--language en-us] [--voice jf_alpha] [--speed 1]
                                   [--seed 0] [--noise-scale 1] [--stream]
                                   [--model models/kokoro-v1_0.safetensors] [-o out.wav]
    python3 examples/python/say.py --phonemes "həlˈO wˈɜɹld." ...

Without text or --phonemes it says "Hello world." from misaki's phonemes of it.

--stream receives the audio chunk by chunk through the callback instead of all at once.
Prints the file, its duration and the time synthesis took; exit status 1 with the library's message
on failure, 2 for bad arguments.
"""

import argparse
import array
import os
import sys
import time
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kokoro  # noqa: E402

HELLO_WORLD = "h\u0259l\u02c8O w\u02c8\u025c\u0279ld."  # misaki's phonemes of "Hello world."


def to_pcm16(samples):
    """float samples in [-1, 1] -> little-endian 16-bit PCM bytes (clamped, rounded)."""
    pcm = array.array("h", (int(round(max(-1.0, min(1.0, s)) * 32767)) for s in samples))
    if sys.byteorder == "big":
        pcm.byteswap()
    return pcm.tobytes()


def main(argv):
    parser = argparse.ArgumentParser(description="Speak text or Kokoro phonemes to a WAV file.")
    parser.add_argument("text", nargs="?", default=None, help="plain text to speak")
    parser.add_argument("--phonemes", default=None, help="Kokoro phonemes instead of text (default: Hello world.)")
    parser.add_argument("--language", default=None, help="language of the text: en-us (default), en-gb, es, fr, hi, it, pt-br")
    parser.add_argument("--voice", default=None, help="voice name or blend (default: the engine's)")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise-scale", type=float, default=1.0)
    parser.add_argument("--stream", action="store_true", help="receive the audio through the chunk callback")
    parser.add_argument("--model", default="models/kokoro-v1_0.safetensors")
    parser.add_argument("-o", "--output", default="out.wav")
    args = parser.parse_args(argv[1:])
    if args.text is not None and args.phonemes is not None:
        parser.error("give text or --phonemes, not both")
    if args.text is None:
        speech, as_phonemes = (args.phonemes or HELLO_WORLD), True
    else:
        speech, as_phonemes = args.text, False

    try:
        with kokoro.Engine(args.model) as engine:
            start = time.monotonic()
            if args.stream:
                audio = array.array("f")
                chunks = []

                def receive(chunk):  # a game would push this into its audio ring buffer
                    chunks.append(len(chunk))
                    audio.extend(chunk)
                    return False  # True would cancel the rest

                engine.synthesize(speech, voice=args.voice, speed=args.speed, seed=args.seed, noise_scale=args.noise_scale,
                                  phonemes=as_phonemes, language=args.language, on_audio=receive)
            else:
                audio = engine.synthesize(speech, voice=args.voice, speed=args.speed, seed=args.seed,
                                          noise_scale=args.noise_scale, phonemes=as_phonemes, language=args.language)
            elapsed = time.monotonic() - start
    except kokoro.KokoroError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    with wave.open(args.output, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(kokoro.SAMPLE_RATE)
        out.writeframes(to_pcm16(audio))
    seconds = len(audio) / kokoro.SAMPLE_RATE
    print(f"{args.output}: {seconds:.2f} s of audio ({len(audio)} samples, {kokoro.SAMPLE_RATE} Hz) "
          f"synthesised in {elapsed:.2f} s" + (f" in {len(chunks)} chunk(s)" if args.stream else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
