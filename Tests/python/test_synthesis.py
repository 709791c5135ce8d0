"""Synthesis through dist/libkokoro.so as users meet it: the structs' layout against the C
compiler, argument errors through ctypes, then "Hello world." / "Hi" (phonemes) end to end from
Python (kokoro.py and say.py), the C example (C99 and C++, whole and streamed) and kokoro-cli say,
each WAV read back (header, 24 kHz, 600 samples per frame, not silent).

Run: .venv/bin/python -m pytest Tests/python/test_synthesis.py   (after `make dist` and `make model`).
KOKORO_CLI names the kokoro-cli to test (`make test` passes the debug build's); KOKORO_LIBRARY and
KOKORO_MODEL as in test_abi.py. End-to-end inputs stay short: lavapipe synthesis is slow.
"""

import array
import ctypes
import os
import re
import sys

import pytest

from kokoro_fixtures import (C_EXAMPLE_DIR, HEADER, HELLO_WORLD, HI, PY_EXAMPLE_DIR, ROOT, SAMPLES_PER_FRAME,
                             check_speech_wav, rms, run)
from kokoro_fixtures import cli, kokoro, library, real_model  # noqa: F401  (pytest fixtures)

VOICES = ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"]


@pytest.fixture(scope="module")
def engine(kokoro, real_model):
    engine = kokoro.Engine(real_model)
    yield engine
    engine.close()


def raw_synthesize(kokoro, engine, text, **fields):
    """kokoro_synthesize through the raw C API with garbage in `out` beforehand:
    returns (status, message, Audio)."""
    options = kokoro.synthesis_options_default()
    options.flags = kokoro.INPUT_PHONEMES
    out = fields.pop("out", True)
    for name, value in fields.items():
        setattr(options, name, value)
    audio = kokoro.Audio(ctypes.cast(ctypes.c_void_p(0xbad0), ctypes.POINTER(ctypes.c_float)), 77, 5)
    status = kokoro.lib.kokoro_synthesize(engine._handle, text, ctypes.byref(options),
                                          ctypes.byref(audio) if out else None)
    return status, kokoro.lib.kokoro_last_error(engine._handle).decode(), audio


# --- layout and arguments (no synthesis) --------------------------------------------------------

def test_struct_layouts_match_the_c_compiler(kokoro, tmp_path):
    """ctypes' idea of each struct (kokoro.py) is the C compiler's (the header)."""
    fields = {"kokoro_synthesis_options": kokoro.SynthesisOptions, "kokoro_audio": kokoro.Audio,
              "kokoro_config": kokoro.Config}
    lines = []
    for struct_name, ctype in fields.items():
        lines.append(f'printf("{struct_name} %zu\\n", sizeof({struct_name}));')
        for field, _ in ctype._fields_:
            lines.append(f'printf("{struct_name}.{field} %zu\\n", offsetof({struct_name}, {field}));')
    source = tmp_path / "layout.c"
    source.write_text('#include <stddef.h>\n#include <stdio.h>\n#include "kokoro.h"\nint main(void) {\n'
                      + "\n".join(lines) + '\nprintf("rate %d flag %u chunk %d\\n", KOKORO_SAMPLE_RATE, '
                      'KOKORO_INPUT_PHONEMES, KOKORO_MAX_CHUNK_PHONEMES);\nreturn 0;\n}\n')
    binary = tmp_path / "layout"
    result = run(["gcc", "-std=c99", "-Wall", "-Werror", "-I", os.path.dirname(HEADER), str(source), "-o", str(binary)])
    assert result.returncode == 0, result.stderr
    output = run([str(binary)]).stdout
    expected = []
    for struct_name, ctype in fields.items():
        expected.append(f"{struct_name} {ctypes.sizeof(ctype)}")
        expected += [f"{struct_name}.{field} {getattr(ctype, field).offset}" for field, _ in ctype._fields_]
    assert output.splitlines()[:-1] == expected
    assert output.splitlines()[-1] == f"rate {kokoro.SAMPLE_RATE} flag {kokoro.INPUT_PHONEMES} chunk 510"


def test_options_defaults(kokoro):
    options = kokoro.synthesis_options_default()
    assert options.struct_size == ctypes.sizeof(kokoro.SynthesisOptions)
    assert (options.voice, options.speed, options.flags, options.seed, options.noise_scale) == (None, 1.0, 0, 0, 1.0)
    assert not options.on_audio and options.user_data is None
    by_ref = kokoro.SynthesisOptions()
    assert kokoro.lib.kokoro_synthesis_options_default_by_ref(ctypes.byref(by_ref)) == kokoro.Status.OK
    assert (by_ref.struct_size, by_ref.speed, by_ref.noise_scale) == (options.struct_size, 1.0, 1.0)
    assert kokoro.lib.kokoro_synthesis_options_default_by_ref(None) == kokoro.Status.ERR_INVALID_ARGUMENT
    kokoro.lib.kokoro_audio_free(None)
    zeroed = kokoro.Audio()
    kokoro.lib.kokoro_audio_free(ctypes.byref(zeroed))
    kokoro.lib.kokoro_audio_free(ctypes.byref(zeroed))


@pytest.mark.parametrize("case", [
    "null text", "empty text", "bad utf-8", "null out", "speed 0", "speed nan", "speed 11", "noise -1",
    "noise nan", "flags", "struct_size", "voice empty", "blend malformed",
])
def test_argument_errors_are_invalid(kokoro, engine, case):
    fields = {
        "null text": dict(text=None), "empty text": dict(text=b""), "bad utf-8": dict(text=b"h\xc9"),
        "null out": dict(out=False), "speed 0": dict(speed=0.0), "speed nan": dict(speed=float("nan")),
        "speed 11": dict(speed=11.0), "noise -1": dict(noise_scale=-1.0), "noise nan": dict(noise_scale=float("nan")),
        "flags": dict(flags=0x81), "struct_size": dict(struct_size=12), "voice empty": dict(voice=b""),
        "blend malformed": dict(voice=b"jf_alpha:0.7,,jm_kumo:0.3"),
    }[case]
    text = fields.pop("text", HI.encode())
    status, message, audio = raw_synthesize(kokoro, engine, text, **fields)
    assert status == kokoro.Status.ERR_INVALID_ARGUMENT, message
    assert message.startswith("invalid argument"), message
    if case != "null out":
        assert not audio.samples and audio.sample_count == 0, "a failure leaves the audio zeroed"


def test_voice_and_input_errors(kokoro, engine):
    status, message, _ = raw_synthesize(kokoro, engine, HI.encode(), voice=b"af_bella")
    assert status == kokoro.Status.ERR_UNKNOWN_VOICE and "af_bella" in message, message
    assert ", ".join(VOICES) in message, "names the voices there are"
    status, message, _ = raw_synthesize(kokoro, engine, "\u200b\ufeff".encode(), flags=0)
    assert status == kokoro.Status.ERR_PHONEMIZE and "nothing to speak" in message, message
    status, message, _ = raw_synthesize(kokoro, engine, b"Hello", flags=0, language=b"klingon")
    assert status == kokoro.Status.ERR_INVALID_ARGUMENT and "pt-br" in message, message
    status, message, _ = raw_synthesize(kokoro, engine, b"1234 5678")
    assert status == kokoro.Status.ERR_PHONEMIZE, message
    with pytest.raises(kokoro.KokoroError) as raised:
        engine.synthesize(HI, voice="nobody", phonemes=True)
    assert raised.value.status == kokoro.Status.ERR_UNKNOWN_VOICE
    assert engine.last_error == raised.value.message
    assert kokoro.lib.kokoro_warm(None) == kokoro.Status.ERR_INVALID_ARGUMENT


# --- end to end: Python -------------------------------------------------------------------------

def test_hello_world(kokoro, engine):
    audio = engine.synthesize(HELLO_WORLD, phonemes=True, seed=0)
    assert isinstance(audio, array.array) and audio.typecode == "f"
    assert len(audio) > 0 and len(audio) % SAMPLES_PER_FRAME == 0, len(audio)
    assert all(x == x and abs(x) < 4 for x in audio), "finite, no blow-up"
    assert rms(audio) > 1e-3
    assert engine.last_error == ""


def test_streaming_equals_whole_and_cancel_stops(kokoro, engine):
    whole = engine.synthesize(HI, phonemes=True, seed=5)
    chunks = []
    streamed = engine.synthesize(HI, phonemes=True, seed=5, on_audio=lambda chunk: chunks.append(chunk))
    assert len(streamed) == 0, "with a callback the audio goes to the callback only"
    assert len(chunks) == 1 and chunks[0] == whole

    delivered = []
    with pytest.raises(kokoro.KokoroError) as raised:
        engine.synthesize(HI, phonemes=True, on_audio=lambda chunk: delivered.append(len(chunk)) or True)
    assert raised.value.status == kokoro.Status.ERR_CANCELLED
    assert len(delivered) == 1, "the chunk already delivered stays delivered"

    # Raw: a cancelled call leaves `out` zeroed (nothing to free) and the engine usable.
    callback = kokoro.AUDIO_CALLBACK(lambda samples, count, user: 1)
    status, message, audio = raw_synthesize(kokoro, engine, HI.encode(), on_audio=callback)
    assert status == kokoro.Status.ERR_CANCELLED and "cancelled" in message, message
    assert not audio.samples and audio.sample_count == 0

    class Boom(Exception):
        pass

    def explode(_chunk):
        raise Boom()
    with pytest.raises(Boom):
        engine.synthesize(HI, phonemes=True, on_audio=explode)
    assert engine.last_error.startswith("cancelled"), "an exception in the callback cancels the call"


def test_warm(engine):
    engine.warm()
    assert engine.last_error == ""


def test_python_say_example(library, real_model, tmp_path):
    env = dict(os.environ, KOKORO_LIBRARY=library)
    outputs = []
    for extra in ([], ["--stream"]):
        out = tmp_path / f"say{len(extra)}.wav"
        result = run([sys.executable, os.path.join(PY_EXAMPLE_DIR, "say.py"), "--model", real_model, "-o", str(out), *extra],
                     env=env)
        assert result.returncode == 0, result.stderr
        assert re.search(r"s of audio \(\d+ samples, 24000 Hz\)", result.stdout), result.stdout
        outputs.append(check_speech_wav(str(out)))
    assert outputs[0] == outputs[1], "streamed and whole audio are the same for the same seed"
    bad = run([sys.executable, os.path.join(PY_EXAMPLE_DIR, "say.py"), "--model", real_model, "--voice", "nobody",
               "-o", str(tmp_path / "x.wav")], env=dict(env, KOKORO_LOG_LEVEL="none"))
    assert bad.returncode == 1 and "unknown voice" in bad.stderr, bad.stderr


# --- end to end: C ------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["gcc", "g++"])
def c_say(request, library, tmp_path_factory):
    """examples/c/kokoro_say.c built as strict C99 (gcc) and as C++ (g++)."""
    out = tmp_path_factory.mktemp("c-say") / f"kokoro_say_{request.param.replace('+', 'x')}"
    if request.param == "gcc":
        flags = ["-x", "c", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
    else:
        flags = ["-x", "c++", "-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic"]
    result = run([request.param, *flags, "-I", os.path.dirname(HEADER), os.path.join(C_EXAMPLE_DIR, "kokoro_say.c"),
                  "-x", "none", library, f"-Wl,-rpath,{os.path.dirname(library)}", "-lm", "-o", str(out)])
    assert result.returncode == 0, result.stderr
    return request.param, str(out)


def test_c_say_example(c_say, real_model, tmp_path):
    compiler, program = c_say
    out = tmp_path / "hello.wav"
    result = run(["env", "-i", program, real_model, str(out)], env={})
    assert result.returncode == 0, result.stderr
    assert "1 chunk" in result.stdout, result.stdout
    whole = check_speech_wav(str(out))
    if compiler == "gcc":  # streamed through the callback: the same samples (same seed)
        streamed_out = tmp_path / "streamed.wav"
        result = run(["env", "-i", program, "--stream", real_model, str(streamed_out)], env={})
        assert result.returncode == 0, result.stderr
        assert check_speech_wav(str(streamed_out)) == whole


def test_c_say_example_errors(c_say, real_model, tmp_path):
    _, program = c_say
    out = tmp_path / "never.wav"
    result = run(["env", "-i", program, real_model, str(out), HI, "nobody"], env={})
    assert result.returncode == 1
    assert "unknown voice (-4)" in result.stderr and "jf_alpha" in result.stderr, result.stderr
    assert not out.exists(), "no half-written file"
    result = run(["env", "-i", program, real_model, str(out), "12345"], env={})
    assert result.returncode == 1 and "text cannot be phonemised (-5)" in result.stderr, result.stderr
    assert run([program]).returncode == 2


# --- end to end: kokoro-cli ---------------------------------------------------------------------

def test_cli_say_writes_a_wav(cli, real_model, tmp_path):
    pcm = tmp_path / "hi.wav"
    result = run([cli, "say", "--phonemes", HI, "--model", real_model, "--seed", "3", "-o", str(pcm)], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert re.search(r"s of audio \(\d+ samples, 24000 Hz, 16-bit PCM, voice jf_alpha\)", result.stdout), result.stdout
    pcm_samples = check_speech_wav(str(pcm))
    floats = tmp_path / "hi-float.wav"
    result = run([cli, "say", "--phonemes", HI, "--model", real_model, "--seed", "3", "--float", f"--output={floats}"],
                 cwd=ROOT)
    assert result.returncode == 0, result.stderr
    float_samples = check_speech_wav(str(floats), pcm=False)
    assert len(float_samples) == len(pcm_samples)
    # The same audio, once as float32 and once rounded to 16 bits (one step of rounding apart).
    assert max(abs(max(-1.0, min(1.0, f)) - p) for f, p in zip(float_samples, pcm_samples)) <= 1 / 32767


def test_cli_say_errors(cli, real_model, tmp_path):
    out = str(tmp_path / "x.wav")
    env = dict(os.environ, KOKORO_LOG_LEVEL="none")
    cases = [
        (["--phonemes", HI, "--voice", "nobody", "-o", out], 1, "unknown voice"),
        (["\u200b\u2063", "-o", out], 1, "nothing to speak"),
        (["Hello", "--language", "tlh", "-o", out], 64, "--language"),
        (["Hello", "--phonemes", HI, "-o", out], 64, "not both"),
        (["--phonemes", HI, "--speed", "0", "-o", out], 1, "speed"),
        (["--phonemes", HI], 64, "-o"),
        (["-o", out], 64, "text"),
        (["--phonemes", HI, "--speed", "fast", "-o", out], 64, "--speed"),
    ]
    for arguments, status, mention in cases:
        result = run([cli, "say", "--model", real_model, *arguments], env=env, cwd=ROOT)
        assert result.returncode == status, (arguments, result.stderr)
        assert mention in result.stderr, (arguments, result.stderr)
    assert not os.path.exists(out)


def test_cli_voices(cli, real_model):
    result = run([cli, "voices", "--model", real_model])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:5] == ["jf_alpha (default)"] + VOICES[1:]
