"""The C ABI of dist/libkokoro.so, tested as users meet it: the header compiled strictly, the
exported symbols, the C example built with gcc and g++ and run with an empty environment, the
Python ctypes module and example, and every error a caller can provoke.

Run: .venv/bin/python -m pytest Tests/python/test_abi.py   (after `make dist`; built if missing).
KOKORO_LIBRARY points the tests at another build of the library. A Vulkan device (lavapipe at
least) is required: tests that need one fail, never skip, without it. Tests that create an engine
need the real model bundle (`make model`; KOKORO_MODEL overrides its path) and fail without it.
Synthesis itself is tested in test_synthesis.py.
"""

import ctypes
import os
import re
import shutil
import struct
import sys

import pytest

from kokoro_fixtures import HEADER, NO_DRIVER, PY_EXAMPLE_DIR, ROOT

C_EXAMPLE = os.path.join(ROOT, "examples", "c", "kokoro_info.c")


# --- the header, parsed -------------------------------------------------------------------------

def header_text():
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)  # comments hold the usage sketch


def header_functions():
    code = "\n".join(line for line in header_text().splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"\b(kokoro_\w+)\s*\([^;{}]*\)\s*;", code))


def header_statuses():
    return {name: int(value) for name, value in
            re.findall(r"\b(KOKORO_(?:OK|ERR_\w+))\s*=\s*(-?\d+)", header_text())}


def header_version():
    macros = dict(re.findall(r"#define\s+KOKORO_VERSION_(MAJOR|MINOR|PATCH)\s+(\d+)", header_text()))
    return int(macros["MAJOR"]), int(macros["MINOR"]), int(macros["PATCH"])


# --- fixtures (shared with test_synthesis.py) ---------------------------------------------------

from kokoro_fixtures import fake_model, kokoro, library, real_model, run  # noqa: E402,F401  (pytest fixtures)


def create(kokoro, model_path, **fields):
    """kokoro_create through the raw C API: returns (status, engine pointer, create-error text)."""
    config = kokoro.config_default()
    config.model_path = None if model_path is None else os.fsencode(model_path)
    for name, value in fields.items():
        setattr(config, name, value)
    engine = kokoro.EnginePointer()
    status = kokoro.lib.kokoro_create(ctypes.byref(config), ctypes.byref(engine))
    return status, engine, kokoro.lib.kokoro_last_create_error().decode()


# --- the header and the .so ---------------------------------------------------------------------

@pytest.mark.parametrize("compiler,flags", [
    ("gcc", ["-x", "c", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]),
    ("g++", ["-x", "c++", "-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic"]),
])
def test_header_compiles_warning_free(compiler, flags, tmp_path):
    source = tmp_path / "use_header.c"
    source.write_text('#include "kokoro.h"\nint main(void) { return kokoro_config_default().device_index + 1; }\n')
    result = run([compiler, *flags, "-I", os.path.dirname(HEADER), "-fsyntax-only", str(source)])
    assert result.returncode == 0, result.stderr


def test_header_declares_the_expected_api():
    assert header_functions() == {
        "kokoro_version", "kokoro_version_string", "kokoro_status_string", "kokoro_set_log_callback",
        "kokoro_config_default", "kokoro_config_default_by_ref", "kokoro_create",
        "kokoro_last_create_error", "kokoro_free", "kokoro_last_error", "kokoro_device_name",
        "kokoro_synthesis_options_default", "kokoro_synthesis_options_default_by_ref",
        "kokoro_audio_free", "kokoro_warm", "kokoro_synthesize", "kokoro_phonemize",
    }


def test_exported_symbols_are_exactly_the_header_functions(library):
    result = run(["nm", "-D", "-g", "--defined-only", library])
    assert result.returncode == 0, result.stderr
    exported = {line.split()[-1].split("@")[0] for line in result.stdout.splitlines() if line.strip()}
    assert exported == header_functions()


def test_library_is_self_contained(library):
    """No Swift runtime and no libvulkan among the needed libraries (the loader is dlopen'ed)."""
    result = run(["readelf", "-d", library])
    assert result.returncode == 0, result.stderr
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", result.stdout))
    allowed = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2",
               "ld-linux-aarch64.so.1", "libdl.so.2", "libpthread.so.0"}
    assert needed <= allowed, needed - allowed
    assert "libkokoro.so" in result.stdout  # soname
    symbols = run(["nm", library])
    assert "no symbols" in symbols.stderr, "dist/libkokoro.so should be stripped"


# --- the C example ------------------------------------------------------------------------------

@pytest.fixture(scope="session", params=["gcc", "g++"])
def c_example(request, library, tmp_path_factory):
    """examples/c/kokoro_info.c built as strict C99 (gcc) and as C++ (g++)."""
    out = tmp_path_factory.mktemp("c-example") / f"kokoro_info_{request.param.replace('+', 'x')}"
    if request.param == "gcc":
        flags = ["-x", "c", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
    else:
        flags = ["-x", "c++", "-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic"]
    result = run([request.param, *flags, "-I", os.path.dirname(HEADER), C_EXAMPLE, "-x", "none", library,
                  f"-Wl,-rpath,{os.path.dirname(library)}", "-o", str(out)])
    assert result.returncode == 0, result.stderr
    return str(out)


def test_c_example_runs_with_an_empty_environment(c_example, real_model):
    result = run(["env", "-i", c_example, real_model], env={})
    assert result.returncode == 0, result.stderr
    major, minor, patch = header_version()
    assert f"libkokoro {major}.{minor}.{patch}" in result.stdout
    device = re.search(r"^device: (.+)$", result.stdout, re.M)
    assert device and device.group(1).strip(), result.stdout


def test_c_example_reports_a_missing_model(c_example, tmp_path):
    missing = str(tmp_path / "missing.safetensors")
    result = run(["env", "-i", c_example, missing], env={})
    assert result.returncode == 1
    assert "bad model file (-3)" in result.stderr and missing in result.stderr, result.stderr
    assert "libkokoro error:" in result.stderr, "by default failures are also logged to stderr"


def test_c_example_without_a_driver(c_example, fake_model):
    result = run(["env", "-i", *[f"{k}={v}" for k, v in NO_DRIVER.items()], c_example, fake_model], env={})
    assert result.returncode == 1
    assert "no usable Vulkan device (-2)" in result.stderr, result.stderr
    assert "mesa-vulkan-drivers" in result.stderr, result.stderr


def test_c_example_makefile_builds(library, tmp_path):
    work = tmp_path / "c"
    shutil.copytree(os.path.dirname(C_EXAMPLE), work)
    result = run(["make", "-C", str(work), f"ROOT={ROOT}", f"KOKORO_LIBRARY={library}"])
    assert result.returncode == 0, result.stdout + result.stderr
    for program in ["kokoro_info", "kokoro_info_cxx", "kokoro_say", "kokoro_say_cxx"]:
        assert (work / program).exists(), program


# --- the Python example -------------------------------------------------------------------------

def test_python_example_runs(library, real_model):
    env = dict(os.environ, KOKORO_LIBRARY=library)
    result = run([sys.executable, os.path.join(PY_EXAMPLE_DIR, "info.py"), real_model], env=env)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^device: .+$", result.stdout, re.M), result.stdout


def test_python_example_runs_with_an_empty_environment(library, real_model):
    result = run(["env", "-i", f"KOKORO_LIBRARY={library}", sys.executable,
                  os.path.join(PY_EXAMPLE_DIR, "info.py"), real_model], env={})
    assert result.returncode == 0, result.stderr
    assert re.search(r"^device: .+$", result.stdout, re.M), result.stdout


def test_python_example_reports_errors(library, tmp_path):
    env = dict(os.environ, KOKORO_LIBRARY=library, KOKORO_LOG_LEVEL="none")
    result = run([sys.executable, os.path.join(PY_EXAMPLE_DIR, "info.py"), str(tmp_path)], env=env)
    assert result.returncode == 1
    assert "bad model file" in result.stderr and "is a directory" in result.stderr, result.stderr
    assert "libkokoro error:" not in result.stderr, "KOKORO_LOG_LEVEL=none silences the stderr log"


# --- the contract through ctypes ----------------------------------------------------------------

def test_version_macros_match_the_library(kokoro):
    major, minor, patch = header_version()
    assert kokoro.version() == major * 10000 + minor * 100 + patch
    assert kokoro.version_string() == f"{major}.{minor}.{patch}"
    assert (major, minor, patch) == (0, 2, 0)


def test_every_status_has_its_own_string(kokoro):
    statuses = header_statuses()
    assert statuses["KOKORO_OK"] == 0
    assert len(set(statuses.values())) == len(statuses) == 11
    assert all(code < 0 for name, code in statuses.items() if name != "KOKORO_OK")
    assert {s.name: int(s) for s in kokoro.Status} == {k[len("KOKORO_"):]: v for k, v in statuses.items()}
    strings = {code: kokoro.status_string(code) for code in statuses.values()}
    assert "unknown status" not in strings.values() and "" not in strings.values()
    assert len(set(strings.values())) == len(strings)
    for unknown in (1, -11, 1000, -(2 ** 31)):
        assert kokoro.status_string(unknown) == "unknown status"


def test_config_default(kokoro):
    config = kokoro.config_default()
    assert config.struct_size == ctypes.sizeof(kokoro.Config)
    assert config.device_index == -1
    assert config.model_path is None and config.voices_path is None and config.cache_dir is None
    by_ref = kokoro.Config()
    assert kokoro.lib.kokoro_config_default_by_ref(ctypes.byref(by_ref)) == kokoro.Status.OK
    fields = [name for name, _ in kokoro.Config._fields_]
    assert [getattr(by_ref, f) for f in fields] == [getattr(config, f) for f in fields]
    assert kokoro.lib.kokoro_config_default_by_ref(None) == kokoro.Status.ERR_INVALID_ARGUMENT


def test_create_succeeds_and_free_releases(kokoro, real_model):
    status, engine, message = create(kokoro, real_model)
    assert status == kokoro.Status.OK, f"a Vulkan device (lavapipe at least) is required: {message}"
    assert message == ""
    assert kokoro.lib.kokoro_device_name(engine).decode()
    assert kokoro.lib.kokoro_last_error(engine) == b""
    kokoro.lib.kokoro_free(engine)


def test_null_arguments_are_invalid(kokoro):
    config = kokoro.config_default()
    engine = kokoro.EnginePointer()
    invalid = kokoro.Status.ERR_INVALID_ARGUMENT
    assert kokoro.lib.kokoro_create(None, ctypes.byref(engine)) == invalid
    assert not engine
    assert "config is NULL" in kokoro.lib.kokoro_last_create_error().decode()
    assert kokoro.lib.kokoro_create(ctypes.byref(config), None) == invalid
    assert "out is NULL" in kokoro.lib.kokoro_last_create_error().decode()
    status, engine, message = create(kokoro, None)
    assert status == invalid and not engine and "model_path" in message


@pytest.mark.parametrize("size", [0, 1, 8, "one-less", 4097, 2 ** 32 - 1])
def test_bad_struct_size_is_invalid(kokoro, fake_model, size):
    size = ctypes.sizeof(kokoro.Config) - 1 if size == "one-less" else size
    status, engine, message = create(kokoro, fake_model, struct_size=size)
    assert status == kokoro.Status.ERR_INVALID_ARGUMENT and not engine
    assert "struct_size" in message


def test_free_null_and_null_engine_queries_are_harmless(kokoro):
    kokoro.lib.kokoro_free(None)
    assert b"kokoro_last_create_error" in kokoro.lib.kokoro_last_error(None)
    assert kokoro.lib.kokoro_device_name(None) == b""


@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "garbage", "truncated", "not-a-bundle"])
def test_bad_model_files_return_the_model_error(kokoro, tmp_path, kind):
    path = tmp_path / f"{kind}.safetensors"
    reason = {"missing": "No such file", "directory": "is a directory", "empty": "0 bytes",
              "garbage": "not a safetensors file", "truncated": "header length",
              "not-a-bundle": 'metadata "format"'}[kind]
    if kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_bytes(b"GARBAGE!" * 8)
    elif kind == "truncated":
        path.write_bytes(struct.pack("<Q", 1000) + b'{"a":')
    elif kind == "not-a-bundle":
        header = b'{"__metadata__":{"format":"pt"}}'
        path.write_bytes(struct.pack("<Q", len(header)) + header)
    status, engine, message = create(kokoro, str(path))
    assert status == kokoro.Status.ERR_MODEL and not engine, message
    assert str(path) in message and reason in message, message
    with pytest.raises(kokoro.KokoroError) as raised:
        kokoro.Engine(str(path))
    assert raised.value.status == kokoro.Status.ERR_MODEL


def test_no_driver_returns_no_device(kokoro, fake_model, real_model, monkeypatch):
    for name, value in NO_DRIVER.items():
        monkeypatch.setenv(name, value)
    status, engine, message = create(kokoro, fake_model)
    assert status == kokoro.Status.ERR_NO_DEVICE and not engine, message
    assert "mesa-vulkan-drivers" in message, message
    # The loader re-reads the variables: without them, this process finds the device again.
    monkeypatch.undo()
    status, engine, message = create(kokoro, real_model)
    assert status == kokoro.Status.OK, message
    kokoro.lib.kokoro_free(engine)


def test_device_index_out_of_range_and_negative(kokoro, fake_model):
    status, _, message = create(kokoro, fake_model, device_index=4096)
    assert status == kokoro.Status.ERR_NO_DEVICE and "4096" in message, message
    status, _, message = create(kokoro, fake_model, device_index=-7)
    assert status == kokoro.Status.ERR_INVALID_ARGUMENT and "device_index" in message, message


def test_log_callback_receives_errors(kokoro, tmp_path):
    lines = []
    kokoro.set_log_callback(lambda level, message: lines.append((level, message)))
    try:
        status, _, message = create(kokoro, str(tmp_path / "missing.safetensors"))
    finally:
        kokoro.set_log_callback(None)
    assert status == kokoro.Status.ERR_MODEL
    assert (kokoro.LogLevel.ERROR, message) in lines
    count = len(lines)
    create(kokoro, str(tmp_path / "missing.safetensors"))
    assert len(lines) == count


def test_engine_wrapper(kokoro, real_model):
    with kokoro.Engine(real_model) as engine:
        assert engine.device_name
        assert engine.last_error == ""
    with pytest.raises(ValueError):
        engine.device_name
    engine.close()  # twice is harmless
