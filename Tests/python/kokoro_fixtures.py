"""Fixtures and helpers shared by the ABI and synthesis tests: the library under test, the ctypes
module of examples/python loaded against it, the real model bundle, and a WAV reader.

Imported by the test modules (`from kokoro_fixtures import ...`); pytest finds the fixtures there.
"""

import array
import importlib.util
import math
import os
import struct
import subprocess
import sys
import wave

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = os.path.join(ROOT, "include", "kokoro.h")
PY_EXAMPLE_DIR = os.path.join(ROOT, "examples", "python")
C_EXAMPLE_DIR = os.path.join(ROOT, "examples", "c")
NO_DRIVER = {"VK_DRIVER_FILES": "/nonexistent", "VK_ICD_FILENAMES": "/nonexistent"}
# misaki's phonemes for "Hello world." and "Hi": the end-to-end tests stay short (lavapipe is slow).
HELLO_WORLD = "h\u0259l\u02c8O w\u02c8\u025c\u0279ld."
HI = "h\u02c8I"
SAMPLE_RATE = 24000
SAMPLES_PER_FRAME = 600


@pytest.fixture(scope="session")
def library():
    """Path of the library under test; `make dist` builds it when missing."""
    path = os.environ.get("KOKORO_LIBRARY") or os.path.join(ROOT, "dist", "libkokoro.so")
    if not os.path.exists(path) and not os.environ.get("KOKORO_LIBRARY"):
        subprocess.run(["make", "-C", ROOT, "dist"], check=True)
    assert os.path.exists(path), f"{path} missing: run `make dist`"
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def kokoro(library):
    """examples/python/kokoro.py, loaded against the library under test."""
    os.environ["KOKORO_LIBRARY"] = library
    spec = importlib.util.spec_from_file_location("kokoro", os.path.join(PY_EXAMPLE_DIR, "kokoro.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.library_path == library
    return module


@pytest.fixture(scope="session")
def cli():
    """The kokoro-cli under test (`make test` passes the debug build's as KOKORO_CLI)."""
    path = os.environ.get("KOKORO_CLI") or os.path.join(ROOT, ".build", "debug", "kokoro-cli")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: build it (`swift build`) or set KOKORO_CLI", pytrace=False)
    return path


@pytest.fixture(scope="session")
def real_model():
    """The bundle made by `make model`. Absent -> the test FAILS (it is never skipped)."""
    path = os.environ.get("KOKORO_MODEL") or os.path.join(ROOT, "models", "kokoro-v1_0.safetensors")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run `make model` first", pytrace=False)
    return path


@pytest.fixture
def fake_model(tmp_path):
    """A file with a valid safetensors header and no tensors: not a model bundle, but enough for
    the calls that fail before the model is read (device choice, arguments)."""
    header = b'{"__metadata__":{"format":"pt"}}'
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header)
    return str(path)


def run(command, env=None, timeout=300, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, **kwargs)


def rms(samples):
    return math.sqrt(sum(float(x) * float(x) for x in samples) / len(samples)) if len(samples) else 0.0


def read_wav(path):
    """(format tag, channels, sample rate, bits per sample, samples as floats in [-1, 1]) of a mono
    PCM16 or float32 WAV, parsed by hand; PCM16 files are cross-checked with the wave module."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", data[:12]
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8, "RIFF size"
    offset, fmt, samples_bytes = 12, None, None
    while offset + 8 <= len(data):
        tag, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8:offset + 8 + size]
        if tag == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", body)
        elif tag == b"data":
            samples_bytes = body
        offset += 8 + size + (size & 1)
    assert offset == len(data), "chunks cover the file"
    tag, channels, rate, byte_rate, align, bits = fmt
    assert byte_rate == rate * align and align == channels * bits // 8
    if tag == 1:
        assert bits == 16
        samples = array.array("h")
        samples.frombytes(samples_bytes)
        if sys.byteorder == "big":
            samples.byteswap()
        with wave.open(path, "rb") as w:  # the standard library agrees
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == \
                (channels, 2, rate, len(samples))
        values = [s / 32767 for s in samples]
    else:
        assert tag == 3 and bits == 32
        samples = array.array("f")
        samples.frombytes(samples_bytes)
        if sys.byteorder == "big":
            samples.byteswap()
        values = list(samples)
    return tag, channels, rate, bits, values


def check_speech_wav(path, pcm=True):
    """A mono 24 kHz WAV of whole model frames that is not silent; returns its samples."""
    tag, channels, rate, bits, samples = read_wav(path)
    assert (tag, channels, rate, bits) == ((1, 1, SAMPLE_RATE, 16) if pcm else (3, 1, SAMPLE_RATE, 32))
    assert len(samples) > 0 and len(samples) % SAMPLES_PER_FRAME == 0, len(samples)
    assert rms(samples) > 1e-3, "silent"
    return samples
