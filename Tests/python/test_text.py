"""Plain text through dist/libkokoro.so as users meet it: kokoro_phonemize from Python (misaki's
phonemes for English, espeak-ng languages, what happens without espeak-ng), kokoro-cli phonemize,
and text spoken end to end by kokoro-cli say, say.py and the C example (each compared with the same
phonemes spoken directly: the same seed gives the same samples).

Run: .venv/bin/python -m pytest Tests/python/test_text.py   (after `make dist` and `make model`).
espeak-ng (libespeak-ng1) must be installed: `make deps` installs it.
"""

import os
import sys

import pytest

from kokoro_fixtures import C_EXAMPLE_DIR, HEADER, HELLO_WORLD, HI, PY_EXAMPLE_DIR, ROOT, check_speech_wav, run
from kokoro_fixtures import cli, kokoro, library, real_model  # noqa: F401  (pytest fixtures)


@pytest.fixture(scope="module")
def engine(kokoro, real_model):
    engine = kokoro.Engine(real_model)
    yield engine
    engine.close()


def test_english_phonemes_are_misakis(engine):
    assert engine.phonemize("Hello world.") == [HELLO_WORLD]
    assert engine.phonemize("Hello world.", language="en-gb") == ["h\u0259l\u02c8Q w\u02c8\u025c\u02d0ld."]
    # Numbers, currency and abbreviations are normalised as misaki does.
    assert engine.phonemize("I paid $5.")[0].startswith("\u02ccI p\u02c8Ad f\u02c8Iv d\u02c8\u0251l\u0259\u0279z")


def test_espeak_languages(engine):
    for language, text in [("es", "Hola, \u00bfc\u00f3mo est\u00e1s?"), ("fr", "Bonjour tout le monde."),
                           ("it", "Buongiorno a tutti."), ("pt-br", "Bom dia!"),
                           ("hi", "\u0928\u092e\u0938\u094d\u0924\u0947")]:
        chunks = engine.phonemize(text, language=language)
        assert chunks and all(chunks), (language, chunks)
        assert "^" not in "".join(chunks), "espeak's tie marks are mapped away"


def test_without_espeak(kokoro, library, real_model, tmp_path):
    """KOKORO_ESPEAK_LIBRARY=none: other languages fail clearly, English still works (spelling
    words outside the lexicons)."""
    script = tmp_path / "no_espeak.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {PY_EXAMPLE_DIR!r})
import kokoro
engine = kokoro.Engine({real_model!r})
print(engine.phonemize("Hello world.")[0])
print(engine.phonemize("Zyzzyva")[0])
try:
    engine.phonemize("Hola", language="es")
except kokoro.KokoroError as error:
    print(int(error.status), error.message)
""")
    env = dict(os.environ, KOKORO_LIBRARY=library, KOKORO_ESPEAK_LIBRARY="none", KOKORO_LOG_LEVEL="none")
    result = run([sys.executable, str(script)], env=env)
    assert result.returncode == 0, result.stderr
    hello, spelled, spanish = result.stdout.strip().split("\n")
    assert hello == HELLO_WORLD
    assert spelled, "an unknown word is spelled, not dropped"
    assert spanish.startswith(str(int(kokoro.Status.ERR_PHONEMIZE)) + " ") and "libespeak-ng1" in spanish, spanish


def test_cli_phonemize(cli, real_model):
    result = run([cli, "phonemize", "Hello world.\nHello world.", "--model", real_model])
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{HELLO_WORLD}\n{HELLO_WORLD}\n"
    result = run([cli, "phonemize", "Hi", "--language", "ja", "--model", real_model])
    assert result.returncode == 1 and "KOKORO_INPUT_PHONEMES" in result.stderr, result.stderr


def test_cli_says_text_as_its_phonemes(cli, real_model, tmp_path):
    from_text, from_phonemes = tmp_path / "text.wav", tmp_path / "phonemes.wav"
    result = run([cli, "say", "Hi", "--model", real_model, "--seed", "3", "-o", str(from_text)], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    result = run([cli, "say", "--phonemes", HI, "--model", real_model, "--seed", "3", "-o", str(from_phonemes)], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert check_speech_wav(str(from_text)) == check_speech_wav(str(from_phonemes))


def test_python_and_c_examples_speak_text(library, real_model, tmp_path):
    env = dict(os.environ, KOKORO_LIBRARY=library)
    out = tmp_path / "py.wav"
    result = run([sys.executable, os.path.join(PY_EXAMPLE_DIR, "say.py"), "Hi", "--model", real_model, "-o", str(out)],
                 env=env)
    assert result.returncode == 0, result.stderr
    python_samples = check_speech_wav(str(out))
    program = tmp_path / "kokoro_say"
    result = run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", os.path.dirname(HEADER),
                  os.path.join(C_EXAMPLE_DIR, "kokoro_say.c"), library, f"-Wl,-rpath,{os.path.dirname(library)}", "-lm",
                  "-o", str(program)])
    assert result.returncode == 0, result.stderr
    c_out = tmp_path / "c.wav"
    result = run(["env", "-i", str(program), "--text", real_model, str(c_out), "Hi"], env={})
    assert result.returncode == 0, result.stderr
    assert len(check_speech_wav(str(c_out))) == len(python_samples), "the same phonemes, the same length"
