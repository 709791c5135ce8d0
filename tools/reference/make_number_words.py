#!/usr/bin/env python3
"""Write the number-words reference table (num2words 0.5.14, lang 'en') for NumberWordsTests.

    .venv-ref/bin/python tools/reference/make_number_words.py

Writes Tests/KokoroTextTests/Data/number_words.tsv: one row per case, `kind<TAB>input<TAB>expected`,
lines starting with '#' are comments. Kinds and what `expected` is:
    cardinal  an integer       num2words(int(input))
    ordinal   an integer >= 0  num2words(int(input), to='ordinal')
    year      an integer       num2words(int(input), to='year')
    decimal   digits, one dot  num2words(float(input))
These are what misaki 0.9.4 (kokoro's G2P) asks num2words for. Cases where num2words raises
(negative ordinals, decimals of 2**63 and more, or below about 1e-308) are not in the table;
NumberWordsTests checks libkokoro's documented answers for those by hand.
The random cases use a fixed seed, so re-running gives a byte-identical file.
"""
from __future__ import annotations

import os
import random
import sys
from importlib import metadata as importlib_metadata

from num2words import num2words

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "Tests", "KokoroTextTests", "Data", "number_words.tsv")
COMMAND = ".venv-ref/bin/python tools/reference/make_number_words.py"
EXPECTED_NUM2WORDS = "0.5.14"
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def random_by_digit_count(rng: random.Random, count: int, max_digits: int = 19) -> list[int]:
    """Integers whose digit count is uniform in 1...max_digits, so every scale word gets cases."""
    values = []
    for _ in range(count):
        digits = rng.randint(1, max_digits)
        values.append(min(rng.randint(10 ** (digits - 1), 10**digits - 1), INT64_MAX))
    return values


def cardinal_inputs(rng: random.Random) -> list[int]:
    every_small = list(range(0, 121))
    # Each joint of merge: "and" after hundreds, ", " between groups, hyphens, scale words.
    edges = [
        999, 1000, 1001, 1010, 1099, 1100, 1101, 1234, 1999, 2000, 9999, 10000, 10001, 12345,
        99999, 100000, 100001, 101000, 123456, 999999, 1000000, 1000001, 1000100, 1001000,
        1234567, 2001000, 10**9, 10**9 + 1, 10**12, 10**15, 10**18, 10**18 + 1,
        2**31 - 1, 2**32, 2**53, INT64_MAX,
        -1, -5, -21, -100, -1234, -(10**18), INT64_MIN,
    ]
    randoms = random_by_digit_count(rng, 40)
    negatives = [-value for value in random_by_digit_count(rng, 8)]
    return every_small + edges + randoms + negatives


def ordinal_inputs(rng: random.Random) -> list[int]:
    # one..twelve are irregular, -ty becomes -tieth, everything else takes -th.
    return (list(range(0, 26)) + [29, 30, 40, 50, 60, 70, 80, 90, 99, 100, 101, 102, 103, 111,
            112, 113, 120, 121, 200, 1000, 1001, 1012, 1100, 10**6, 10**9, 10**18, INT64_MAX]
            + random_by_digit_count(rng, 15))


def year_inputs(rng: random.Random) -> list[int]:
    # to_year's branches: 00XX, X00X and >= 10000 are cardinals; "hundred", "oh-", pairs; BC.
    edges = [
        0, 1, 5, 9, 10, 11, 99, 100, 101, 105, 110, 999, 1000, 1001, 1005, 1010, 1066, 1100, 1200,
        1492, 1776, 1800, 1805, 1900, 1901, 1905, 1910, 1999, 2000, 2001, 2005, 2009, 2010, 2019,
        2020, 2024, 2099, 2100, 2101, 2999, 9999, 10000, 12345,
        -1, -44, -500, -2000, -2024, INT64_MAX, INT64_MIN,
    ]
    sampled = sorted(rng.sample(range(1, 3000), 40))
    return edges + sampled


def decimal_inputs(rng: random.Random) -> list[str]:
    edges = [
        "3.14", "0.5", "10.05", "5.", ".5", "1.50", "0.1", "3.10", "0.0", "0.", "00.5", "007.25",
        "100.0", "1.005", "2.675", "0.3", "1.1", "0.07", "0.0001", "0.00001", "0.000001234",
        "123456.789", "1.239999999", "0.9999999999999999", "0.1234567890123456789",
        "3.14159265358979323846", "0.1000000000000000055511151231257827",
        "12345678901234567.5", "9007199254740993.0", "999999999999999999.0",
        "9223372036854774784.5", "0." + "0" * 307 + "1",
    ]
    randoms = []
    for _ in range(20):
        whole = str(rng.randint(0, 10 ** rng.randint(0, 8)))
        fraction = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 8)))
        randoms.append(whole + "." + fraction)
    return edges + randoms


def main() -> int:
    version = importlib_metadata.version("num2words")
    if version != EXPECTED_NUM2WORDS:
        print(f"num2words {version} is installed; the table must come from {EXPECTED_NUM2WORDS}",
              file=sys.stderr)
        return 1
    rng = random.Random(20260601)
    rows = []
    rows += [("cardinal", str(n), num2words(n)) for n in cardinal_inputs(rng)]
    rows += [("ordinal", str(n), num2words(n, to="ordinal")) for n in ordinal_inputs(rng)]
    rows += [("year", str(n), num2words(n, to="year")) for n in year_inputs(rng)]
    for text in decimal_inputs(rng):
        value = float(text)
        assert value < 2**63, f"{text}: libkokoro answers nil from 2**63 on; leave it out"
        rows.append(("decimal", text, num2words(value)))
    for row in rows:
        assert all("\t" not in field and "\n" not in field for field in row), row
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as file:
        file.write(f"# num2words {version} (lang 'en'), written by {COMMAND}\n")
        file.write("# kind\tinput\texpected\n")
        for row in rows:
            file.write("\t".join(row) + "\n")
    print(f"{len(rows)} rows -> {os.path.relpath(OUTPUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
