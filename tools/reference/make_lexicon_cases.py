#!/usr/bin/env python3
"""Write the lexicon reference table (misaki 0.9.4's en.Lexicon) for EnglishLexiconTests.

    .venv-ref/bin/python tools/reference/make_lexicon_cases.py

Writes Tests/KokoroTextTests/Data/lexicon_cases.tsv: lines starting with '#' are comments; each other
line is one call of misaki's `Lexicon.__call__(tk, ctx)` with these tab-separated columns:

    british       True for the gb lexicons, False for us
    word          tk.text
    tag           tk.tag (a Penn Treebank tag, as spaCy gives it)
    stress        tk._.stress: None or a number
    future_vowel  ctx.future_vowel: None, True or False
    future_to     ctx.future_to: True or False
    currency      tk._.currency: None or a symbol
    is_head       tk._.is_head: True or False
    num_flags     tk._.num_flags (often empty)
    phonemes      the expected phonemes, or None when misaki has none
    rating        the expected rating, or None

The cases cover gold and silver words, tag-dependent entries, capitalisation, possessives, the
-s/-ed/-ing stems, every special case, every get_number branch, currency, NFKC and Unicode digits,
for both the us and gb lexicons. misaki reads its lexicons from its own package; this script checks
that they are byte-identical to models/lexicons (what libkokoro loads) before writing anything.
"""
from __future__ import annotations

import filecmp
import importlib.resources
import os
import sys
from importlib import metadata as importlib_metadata

from misaki import data as misaki_data
from misaki import en
from misaki.token import MToken

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "Tests", "KokoroTextTests", "Data", "lexicon_cases.tsv")
COMMAND = ".venv-ref/bin/python tools/reference/make_lexicon_cases.py"
EXPECTED_MISAKI = "0.9.4"


def case(word, tag="NN", stress=None, future_vowel=None, future_to=False, currency=None, is_head=True, num_flags=""):
    return (word, tag, stress, future_vowel, future_to, currency, is_head, num_flags)


# Words first, then numbers; (british?, [cases]) groups.
US_WORDS = [
    # Gold and silver words, and capitalisation stress (Title -> 0.5, CAPS -> 2).
    case("hello"), case("Hello"), case("HELLO"), case("world"), case("cats", "NNS"), case("tweets", "NNS"),
    case("aahing", "VBG"), case("ambushes", "VBZ"),
    # Grown entries: "london" reaches "London", "Polish"/"polish" each keep their own.
    case("london", "NNP"), case("polish", "VB"), case("Polish", "JJ"),
    # Tag-dependent entries: tag, parent tag, DEFAULT; the "None" key when nothing follows.
    case("read", "VBD", future_vowel=False), case("read", "VBP", future_vowel=False), case("read", "NN", future_vowel=False),
    case("read", "VB", future_vowel=False), case("read", "JJ", future_vowel=False), case("that", "DT", future_vowel=False),
    case("that", "IN", future_vowel=False), case("overall", "RB", future_vowel=False), case("overall", "JJ", future_vowel=False),
    case("by", "IN", future_vowel=None), case("by", "IN", future_vowel=True), case("can", "MD", future_vowel=None),
    case("can", "MD", future_vowel=False), case("have", "VBP", future_vowel=None), case("wound", "VBD", future_vowel=True),
    case("wound", "NN", future_vowel=True), case("AA", "NN"), case("AA", "UH"), case("ACT", "NNP"),
    # All caps and NNPs: lower-cased when known, spelled when short and unstressed or unknown.
    case("NASA", "NNP"), case("NASA", "NN"), case("BBC", "NNP"), case("IBM", "NN"), case("APPLE", "NNP"),
    case("IT", "NNP"), case("IT", "PRP"), case("US", "NNP"), case("QWXZ", "NN"), case("WASHINGTON", "NNP"),
    case("WASHINGTON", "NN"), case("Apple", "NNP"), case("iPhone", "NN"), case("McDonald", "NNP"),
    case("PODCASTS", "NNS"), case("Xqzvb", "NNP"), case("xyzzyq", "NN"),
    # Possessives and apostrophes.
    case("John's", "NNP"), case("dog's", "NN"), case("dogs'", "NNS"), case("James'", "NNP"), case("children's", "NNS"),
    case("don't", "VB"), case("'s", "POS"), case("O'Brien", "NNP"), case("rock'n'roll", "NN"), case("don’t", "VB"),
    case("dog’s", "NN"),
    # Stems: -s, -ed (t / d / ᵻd / flap), -ing (plain, +e, doubled consonant, flap).
    case("dogs", "NNS"), case("podcasts", "NNS"), case("cities", "NNS"), case("memes", "NNS"), case("hashtags", "NNS"),
    case("buses", "NNS"), case("podcasted", "VBD"), case("retweeted", "VBD"), case("texted", "VBD"), case("googled", "VBD"),
    case("skyped", "VBD"), case("waited", "VBD"), case("blogged", "VBD"), case("upvoted", "VBD"), case("retweeting", "VBG"),
    case("googling", "VBG"), case("blogging", "VBG"), case("emailing", "VBG"), case("screenshotting", "VBG"),
    case("Retweeting", "VBG"), case("RETWEETED", "VBD"),
    # Special cases.
    case("a", "DT"), case("a", "NN"), case("A", "DT"), case("A", "NNP"), case("an", "DT"), case("AN", "NNP"),
    case("am", "VBP"), case("am", "VBP", future_vowel=True), case("am", "VBP", stress=1, future_vowel=True),
    case("Am", "VBP", future_vowel=True), case("AM", "NNP"), case("AM", "VBP", future_vowel=True), case("I", "PRP"),
    case("I", "NNP"), case("by", "RB"), case("By", "RB", future_vowel=False), case("to", "TO"),
    case("to", "TO", future_vowel=True), case("to", "TO", future_vowel=False), case("To", "IN", future_vowel=True),
    case("TO", "IN", future_vowel=False), case("TO", "NNP", future_vowel=False), case("in", "IN"),
    case("in", "IN", future_vowel=True), case("in", "RB", future_vowel=True), case("In", "IN", future_vowel=False),
    case("IN", "NNP"), case("IN", "IN", future_vowel=False), case("the", "DT", future_vowel=True),
    case("the", "DT", future_vowel=False), case("the", "DT"), case("The", "DT", future_vowel=True),
    case("THE", "DT", future_vowel=True), case("THE", "NNP"), case("vs", "IN"), case("vs.", "IN"), case("VS", "IN"),
    case("vs", "NN"), case("used", "VBD", future_to=True), case("used", "VBD"), case("used", "JJ", future_to=True),
    case("Used", "VBN", future_to=True), case("%", "NN"), case("&", "CC"), case("+", "SYM"), case("@", "IN"),
    case(".", "ADD"), case("/", "ADD"), case(".", "."), case("U.S.", "NNP"), case("e.g.", "FW"), case("a.m.", "NN"),
    case("Ph.D", "NN"), case("U.S.A.", "NNP"), case("etc.", "FW"),
    # Tokens the lexicon cannot read, and stress overrides from markup.
    case("café", "NN"), case("naïve", "JJ"), case("", "NN"), case("well-known", "JJ"), case("3D", "NN"),
    case("1e5", "CD"), case("hello", stress=-1), case("hello", stress=-2), case("cat", stress=2), case("the", "DT", stress=1),
    # Currency after a word: "$5 million".
    case("million", "CD", currency="$"), case("thousand", "CD", currency="£"), case("billion", "CD", currency="€"),
    # NFKC and Unicode digits.
    case("ＨＥＬＬＯ", "NN"), case("ﬁne", "JJ"), case("𝐡𝐞𝐥𝐥𝐨", "NN"), case("½", "CD"), case("Ⅻ", "CD"),
]

US_NUMBERS = [
    # Plain cardinals, years, decimals, negatives.
    case("0", "CD"), case("1", "CD"), case("42", "CD"), case("100", "CD"), case("101", "CD"), case("007", "CD"),
    case("12345", "CD"), case("123456789012", "CD"), case("1999", "CD"), case("2005", "CD"), case("2000", "CD"),
    case("1066", "CD"), case("1,000", "CD"), case("1,000,000", "CD"), case("1,234.56", "CD"), case("3.14", "CD"),
    case("0.5", "CD"), case(".5", "CD"), case("5.", "CD"), case("-5", "CD"), case("-3.5", "CD"), case("-1999", "CD"),
    # Dotted groups.
    case("1.2.3", "CD"), case("192.168.0.1", "CD"), case("10.05.2020", "CD"),
    # Ordinals and suffixes.
    case("1st", "JJ"), case("2nd", "JJ"), case("3rd", "JJ"), case("4th", "JJ"), case("11th", "JJ"), case("21st", "JJ"),
    case("100th", "JJ"), case("1,000th", "JJ"), case("1990s", "NNS"), case("80s", "NNS"), case("80's", "NNS"),
    case("5ed", "VBD"), case("2'd", "VBD"), case("10ing", "VBG"), case("1920s", "NNS"),
    # Numbers inside words (not the head piece).
    case("123", "CD", is_head=False), case("105", "CD", is_head=False), case("100", "CD", is_head=False),
    case("007", "CD", is_head=False), case("42", "CD", is_head=False), case("1234", "CD", is_head=False),
    case("5", "CD", is_head=False), case("3.5", "CD", is_head=False), case("1.05", "CD", is_head=False),
    case("380", "CD", is_head=False),
    # Number flags from "[100](#a#)" markup.
    case("100", "CD", num_flags="a"), case("1000", "CD", num_flags="a"), case("101", "CD", num_flags="n"),
    case("101", "CD", num_flags="&"), case("2,001", "CD", num_flags="n"), case("120", "CD", num_flags="&a"),
    case("1,100", "CD", num_flags="a"),
    # Currency.
    case("5", "CD", currency="$"), case("1", "CD", currency="$"), case("5.50", "CD", currency="$"),
    case("0.99", "CD", currency="$"), case("1.01", "CD", currency="$"), case("1.001", "CD", currency="$"),
    case("2000", "CD", currency="$"), case("1,000", "CD", currency="$"), case("5", "CD", currency="£"),
    case("0.50", "CD", currency="£"), case("1.01", "CD", currency="£"), case("2.5", "CD", currency="€"),
    case("-5", "CD", currency="$"), case("5.00", "CD", currency="$"), case(".99", "CD", currency="$"),
    case("5", "CD", currency="¥"), case("12", "CD", stress=2),
    # Unicode digits: fullwidth, circled, Arabic-Indic, superscript.
    case("１２", "CD"), case("①", "CD"), case("١٢", "CD"), case("²", "CD"), case("𝟗", "CD"),
]

GB_WORDS = [
    case("hello"), case("tomato"), case("schedule"), case("cats", "NNS"), case("dogs", "NNS"), case("buses", "NNS"),
    case("podcasted", "VBD"), case("retweeted", "VBD"), case("texted", "VBD"), case("needed", "VBD"),
    case("retweeting", "VBG"), case("blogging", "VBG"), case("angoraing", "VBG"), case("stirring", "VBG"),
    case("the", "DT", future_vowel=True), case("to", "TO"), case("read", "VBD", future_vowel=False), case("NASA", "NNP"),
    case("BBC", "NNP"), case("John's", "NNP"), case("Hello"), case("U.K.", "NNP"), case("used", "VBD", future_to=True),
    case("million", "CD", currency="£"),
]

GB_NUMBERS = [
    case("1999", "CD"), case("42", "CD"), case("3.14", "CD"), case("1st", "JJ"), case("1990s", "NNS"),
    case("5.50", "CD", currency="£"), case("1", "CD", currency="$"), case("105", "CD", is_head=False),
    case("80's", "NNS"), case("10ing", "VBG"), case("101", "CD", num_flags="n"),
]


def field(value) -> str:
    return "None" if value is None else str(value)


def run(lexicon: en.Lexicon, british: bool, spec) -> str:
    word, tag, stress, future_vowel, future_to, currency, is_head, num_flags = spec
    token = MToken(text=word, tag=tag, whitespace=" ",
                   _=MToken.Underscore(is_head=is_head, num_flags=num_flags, prespace=False, stress=stress,
                                       currency=currency))
    phonemes, rating = lexicon(token, en.TokenContext(future_vowel=future_vowel, future_to=future_to))
    for column in (word, tag, num_flags, phonemes or ""):
        assert "\t" not in column and "\n" not in column, spec
    return "\t".join(field(v) for v in (british, word, tag, stress, future_vowel, future_to, currency, is_head, num_flags,
                                          phonemes, rating))


def main() -> int:
    version = importlib_metadata.version("misaki")
    if version != EXPECTED_MISAKI:
        print(f"misaki {version} installed, the table is for {EXPECTED_MISAKI}", file=sys.stderr)
        return 1
    for name in ("us_gold", "us_silver", "gb_gold", "gb_silver"):
        with importlib.resources.as_file(importlib.resources.files(misaki_data) / f"{name}.json") as packaged:
            bundled = os.path.join(ROOT, "models", "lexicons", f"{name}.json")
            if not os.path.exists(bundled) or not filecmp.cmp(packaged, bundled, shallow=False):
                print(f"{bundled} is missing or differs from misaki's {name}.json (run make model)", file=sys.stderr)
                return 1
    lines = [f"# misaki {version} en.Lexicon, written by {COMMAND}",
             "# british\tword\ttag\tstress\tfuture_vowel\tfuture_to\tcurrency\tis_head\tnum_flags\tphonemes\trating"]
    for british, groups in ((False, (("words", US_WORDS), ("numbers", US_NUMBERS))),
                            (True, (("words", GB_WORDS), ("numbers", GB_NUMBERS)))):
        lexicon = en.Lexicon(british)
        for title, specs in groups:
            lines.append(f"# {'gb' if british else 'us'} {title}")
            lines.extend(run(lexicon, british, spec) for spec in specs)
    with open(OUTPUT, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print(f"wrote {sum(not l.startswith('#') for l in lines)} cases to {os.path.relpath(OUTPUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
