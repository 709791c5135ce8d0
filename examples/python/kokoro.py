"""ctypes bindings for libkokoro (include/kokoro.h).

The library is loaded from $KOKORO_LIBRARY if set, else from dist/libkokoro.so of this repository
(run `make dist` first). Every function of the header is declared below with its exact argtypes
and restype; `lib` is the loaded library for callers that want the raw C API.

    import kokoro
    print(kokoro.version_string())
    with kokoro.Engine("models/kokoro-v1_0.safetensors") as engine:
        print(engine.device_name)
        audio = engine.synthesize("h\u0259l\u02c8O w\u02c8\u025c\u0279ld.", phonemes=True)  # "Hello world."
        print(len(audio) / kokoro.SAMPLE_RATE, "seconds")   # audio: array('f'), mono, 24 kHz
"""

import array
import ctypes
import enum
import os

__all__ = [
    "Status", "LogLevel", "Config", "SynthesisOptions", "Audio", "KokoroError", "Engine", "lib",
    "library_path", "version", "version_string", "status_string", "config_default",
    "synthesis_options_default", "set_log_callback", "SAMPLE_RATE", "INPUT_PHONEMES",
]

SAMPLE_RATE = 24000      # KOKORO_SAMPLE_RATE
INPUT_PHONEMES = 1 << 0  # KOKORO_INPUT_PHONEMES

library_path = os.environ.get("KOKORO_LIBRARY") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "dist", "libkokoro.so")
library_path = os.path.normpath(library_path)


class Status(enum.IntEnum):
    """kokoro_status."""
    OK = 0
    ERR_INVALID_ARGUMENT = -1
    ERR_NO_DEVICE = -2
    ERR_MODEL = -3
    ERR_UNKNOWN_VOICE = -4
    ERR_PHONEMIZE = -5
    ERR_OUT_OF_MEMORY = -6
    ERR_DEVICE_LOST = -7
    ERR_CANCELLED = -8
    ERR_BUFFER_TOO_SMALL = -9
    ERR_INTERNAL = -10


class LogLevel(enum.IntEnum):
    """kokoro_log_level."""
    DEBUG = 0
    INFO = 1
    WARN = 2
    ERROR = 3


class Config(ctypes.Structure):
    """kokoro_config. Build one with config_default(), which sets struct_size."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("model_path", ctypes.c_char_p),
        ("voices_path", ctypes.c_char_p),
        ("device_index", ctypes.c_int32),
        ("cache_dir", ctypes.c_char_p),
    ]


AUDIO_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t, ctypes.c_void_p)


class SynthesisOptions(ctypes.Structure):
    """kokoro_synthesis_options. Build one with synthesis_options_default(), which sets struct_size."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("voice", ctypes.c_char_p),
        ("speed", ctypes.c_float),
        ("flags", ctypes.c_uint32),
        ("seed", ctypes.c_uint64),
        ("noise_scale", ctypes.c_float),
        ("on_audio", AUDIO_CALLBACK),
        ("user_data", ctypes.c_void_p),
        ("language", ctypes.c_char_p),  # since 0.2
    ]


class Audio(ctypes.Structure):
    """kokoro_audio: filled by kokoro_synthesize, released by kokoro_audio_free."""
    _fields_ = [
        ("samples", ctypes.POINTER(ctypes.c_float)),
        ("sample_count", ctypes.c_size_t),
        ("sample_rate", ctypes.c_uint32),
    ]


class _Engine(ctypes.Structure):
    """The opaque kokoro_engine."""


EnginePointer = ctypes.POINTER(_Engine)
LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

lib = ctypes.CDLL(library_path)


def _declare(name, restype, *argtypes):
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


_declare("kokoro_version", ctypes.c_uint32)
_declare("kokoro_version_string", ctypes.c_char_p)
_declare("kokoro_status_string", ctypes.c_char_p, ctypes.c_int)
_declare("kokoro_set_log_callback", None, LOG_CALLBACK, ctypes.c_void_p)
_declare("kokoro_config_default", Config)
_declare("kokoro_config_default_by_ref", ctypes.c_int, ctypes.POINTER(Config))
_declare("kokoro_create", ctypes.c_int, ctypes.POINTER(Config), ctypes.POINTER(EnginePointer))
_declare("kokoro_last_create_error", ctypes.c_char_p)
_declare("kokoro_free", None, EnginePointer)
_declare("kokoro_last_error", ctypes.c_char_p, EnginePointer)
_declare("kokoro_device_name", ctypes.c_char_p, EnginePointer)
_declare("kokoro_synthesis_options_default", SynthesisOptions)
_declare("kokoro_synthesis_options_default_by_ref", ctypes.c_int, ctypes.POINTER(SynthesisOptions))
_declare("kokoro_audio_free", None, ctypes.POINTER(Audio))
_declare("kokoro_warm", ctypes.c_int, EnginePointer)
_declare("kokoro_synthesize", ctypes.c_int, EnginePointer, ctypes.c_char_p, ctypes.POINTER(SynthesisOptions),
         ctypes.POINTER(Audio))
_declare("kokoro_phonemize", ctypes.c_int, EnginePointer, ctypes.c_char_p, ctypes.POINTER(SynthesisOptions),
         ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t))


def version():
    """The library version as MAJOR * 10000 + MINOR * 100 + PATCH."""
    return lib.kokoro_version()


def version_string():
    return lib.kokoro_version_string().decode()


def status_string(status):
    return lib.kokoro_status_string(int(status)).decode()


def config_default():
    return lib.kokoro_config_default()


def synthesis_options_default():
    return lib.kokoro_synthesis_options_default()


class KokoroError(Exception):
    """A failing call: `status` is a Status, `message` the library's explanation."""

    def __init__(self, status, message):
        try:
            status = Status(status)
        except ValueError:
            pass
        self.status = status
        self.message = message
        super().__init__(f"{status_string(status)}: {message}")


_log_callback = None  # keeps the ctypes thunk alive while the library may call it


def set_log_callback(function):
    """Sends log messages to function(level: LogLevel, message: str); None restores stderr."""
    global _log_callback
    if function is None:
        lib.kokoro_set_log_callback(LOG_CALLBACK(), None)
        _log_callback = None
        return

    def trampoline(level, message, _user_data):
        try:
            function(LogLevel(level), message.decode(errors="replace"))
        except Exception:  # an exception must not unwind into the library
            pass

    thunk = LOG_CALLBACK(trampoline)
    lib.kokoro_set_log_callback(thunk, None)
    _log_callback = thunk


def _path(value):
    return None if value is None else os.fsencode(value)


class Engine:
    """A kokoro_engine: one Vulkan device and one model. Use from one thread at a time."""

    def __init__(self, model_path, voices_path=None, device_index=-1, cache_dir=None):
        config = config_default()
        # The config's char pointers borrow these bytes objects; they only need to live through
        # kokoro_create.
        strings = [_path(model_path), _path(voices_path), _path(cache_dir)]
        config.model_path, config.voices_path, config.cache_dir = strings
        config.device_index = device_index
        handle = EnginePointer()
        status = lib.kokoro_create(ctypes.byref(config), ctypes.byref(handle))
        if status != Status.OK:
            raise KokoroError(status, lib.kokoro_last_create_error().decode(errors="replace"))
        self._handle = handle

    def warm(self):
        """Creates every pipeline and runs the network once, so the next synthesize is fast."""
        self._check(lib.kokoro_warm(self._require()))

    def phonemize(self, text, language=None, phonemes=False):
        """The phonemes synthesize would speak for `text`, one string per chunk. Raises KokoroError."""
        options = synthesis_options_default()
        options.language = None if language is None else language.encode()
        options.flags = INPUT_PHONEMES if phonemes else 0
        encoded = text.encode()
        size = ctypes.c_size_t(0)
        status = lib.kokoro_phonemize(self._require(), encoded, ctypes.byref(options), None, 0, ctypes.byref(size))
        if status == Status.ERR_BUFFER_TOO_SMALL:
            buffer = ctypes.create_string_buffer(size.value)
            status = lib.kokoro_phonemize(self._handle, encoded, ctypes.byref(options), buffer, size.value,
                                          ctypes.byref(size))
            self._check(status)
            return buffer.value.decode().split("\n")
        self._check(status)
        raise AssertionError("kokoro_phonemize fitted phonemes into an empty buffer")

    def synthesize(self, text, voice=None, speed=1.0, seed=0, noise_scale=1.0, phonemes=False, on_audio=None,
                   language=None):
        """Speaks `text`: plain text in `language` ("en-us" when None; also en-gb, es, fr, hi, it,
        pt-br), or Kokoro phonemes with phonemes=True.

        Returns the audio as array('f') (float32 mono, SAMPLE_RATE Hz). With on_audio, each chunk
        goes to on_audio(samples: array('f')) as soon as it is ready instead and the result is
        empty; on_audio returning True stops the synthesis (KokoroError with Status.ERR_CANCELLED).
        An exception in on_audio also stops it and is re-raised here. Raises KokoroError.
        """
        options = synthesis_options_default()
        options.voice = None if voice is None else voice.encode()
        options.speed = speed
        options.seed = seed
        options.noise_scale = noise_scale
        options.flags = INPUT_PHONEMES if phonemes else 0
        options.language = None if language is None else language.encode()
        raised = []
        if on_audio is not None:
            def trampoline(samples, count, _user_data):
                try:
                    chunk = array.array("f")
                    chunk.frombytes(ctypes.string_at(samples, count * ctypes.sizeof(ctypes.c_float)))
                    return 1 if on_audio(chunk) else 0
                except BaseException as error:  # must not unwind into the library
                    raised.append(error)
                    return 1
            options.on_audio = AUDIO_CALLBACK(trampoline)  # alive until this call returns
        audio = Audio()
        status = lib.kokoro_synthesize(self._require(), text.encode(), ctypes.byref(options), ctypes.byref(audio))
        try:
            if raised:
                raise raised[0]
            self._check(status)
            result = array.array("f")
            if audio.sample_count:
                result.frombytes(ctypes.string_at(audio.samples, audio.sample_count * ctypes.sizeof(ctypes.c_float)))
            return result
        finally:
            lib.kokoro_audio_free(ctypes.byref(audio))

    def _check(self, status):
        if status != Status.OK:
            raise KokoroError(status, lib.kokoro_last_error(self._handle).decode(errors="replace"))

    @property
    def device_name(self):
        return lib.kokoro_device_name(self._require()).decode(errors="replace")

    @property
    def last_error(self):
        return lib.kokoro_last_error(self._require()).decode(errors="replace")

    def close(self):
        """Frees the engine; later calls raise. Closing twice is harmless."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            lib.kokoro_free(handle)

    def _require(self):
        if not self._handle:
            raise ValueError("the engine is closed")
        return self._handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
