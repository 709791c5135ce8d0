/*
 * kokoro.h - libkokoro: Kokoro-82M text-to-speech on Vulkan compute, as a C library.
 *
 * Plain C99; compiles warning-free as C and as C++. Link with -lkokoro (libkokoro.so, which carries
 * its own Swift runtime and needs only libc, libm, libstdc++ and, at run time, a Vulkan loader and
 * driver: any GPU's, or lavapipe from mesa-vulkan-drivers on machines without one).
 *
 * THREADS
 *   An engine is used by one thread at a time: calls taking a kokoro_engine must not overlap on the
 *   same engine (guard it with your own lock if several threads share it). Separate engines may
 *   run concurrently on separate threads.
 *   Safe to call from any thread at any time: kokoro_version, kokoro_version_string,
 *   kokoro_status_string, kokoro_config_default, kokoro_config_default_by_ref,
 *   kokoro_synthesis_options_default, kokoro_synthesis_options_default_by_ref, kokoro_create (each
 *   call makes its own engine), kokoro_last_create_error (per thread), kokoro_set_log_callback and
 *   kokoro_audio_free (on audio no other thread is using).
 *   Callbacks (audio, log) run on the thread that made the call, inside that call.
 *
 * BASIC USAGE
 *   kokoro_config config = kokoro_config_default();
 *   config.model_path = "models/kokoro-v1_0.safetensors";
 *   kokoro_engine *engine = NULL;
 *   kokoro_status status = kokoro_create(&config, &engine);
 *   if (status != KOKORO_OK) {
 *       fprintf(stderr, "%s: %s\n", kokoro_status_string(status), kokoro_last_create_error());
 *       return 1;
 *   }
 *   kokoro_synthesis_options options = kokoro_synthesis_options_default();
 *   kokoro_audio audio = {0};
 *   status = kokoro_synthesize(engine, "Hello world.", &options, &audio);
 *   if (status == KOKORO_OK) {
 *       ... audio.samples[0 .. audio.sample_count - 1], mono float32 at audio.sample_rate (24000) ...
 *   } else {
 *       fprintf(stderr, "%s: %s\n", kokoro_status_string(status), kokoro_last_error(engine));
 *   }
 *   kokoro_audio_free(&audio);                         (harmless on a zeroed or failed result)
 *   kokoro_free(engine);
 *   Streaming instead: set options.on_audio (and options.user_data); each chunk of audio goes to
 *   the callback as soon as it is ready, and `out` may be NULL.
 *
 * STATUS CODES AND WHAT SURVIVES THEM
 *   Every fallible call returns a kokoro_status; KOKORO_OK is 0, every failure is negative. The
 *   message for the failure is kokoro_last_error(engine), or kokoro_last_create_error() when
 *   kokoro_create failed.
 *
 *   status                        | after kokoro_create          | after a call on an engine
 *   ------------------------------+------------------------------+--------------------------------
 *   KOKORO_ERR_INVALID_ARGUMENT   | no engine (*out == NULL)     | engine unchanged, usable
 *   KOKORO_ERR_NO_DEVICE          | no engine                    | (not returned)
 *   KOKORO_ERR_MODEL              | no engine                    | (not returned)
 *   KOKORO_ERR_UNKNOWN_VOICE      | (not returned)               | engine usable, nothing produced
 *   KOKORO_ERR_PHONEMIZE          | (not returned)               | engine usable, nothing produced
 *   KOKORO_ERR_OUT_OF_MEMORY      | no engine                    | engine usable; retry shorter
 *   KOKORO_ERR_DEVICE_LOST        | no engine                    | engine unusable: kokoro_warm and
 *                                 |                              | kokoro_synthesize return this
 *                                 |                              | again; free it, create another
 *   KOKORO_ERR_CANCELLED          | (not returned)               | engine usable; chunks already
 *                                 |                              | delivered stay delivered
 *   KOKORO_ERR_BUFFER_TOO_SMALL   | (not returned)               | engine usable; retry bigger
 *   KOKORO_ERR_INTERNAL           | no engine                    | free the engine; please report
 *   A failing kokoro_synthesize leaves its kokoro_audio zeroed: there is nothing to free.
 *
 * VERSIONS
 *   The header's KOKORO_VERSION_* macros describe the header you compiled against; kokoro_version()
 *   describes the library loaded at run time. Compare them at start-up:
 *     if (kokoro_version() != KOKORO_VERSION_NUMBER) { ... header and library differ ... }
 *   The API grows by new functions and by new fields at the end of structs that carry struct_size;
 *   existing signatures do not change within a major version.
 */
#ifndef KOKORO_H
#define KOKORO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------- */

#define KOKORO_VERSION_MAJOR 0
#define KOKORO_VERSION_MINOR 2
#define KOKORO_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH: 0.2.0 is 200. */
#define KOKORO_VERSION_NUMBER \
    (KOKORO_VERSION_MAJOR * 10000 + KOKORO_VERSION_MINOR * 100 + KOKORO_VERSION_PATCH)
#define KOKORO_VERSION_STRING "0.2.0"

/* The loaded library's version as MAJOR * 10000 + MINOR * 100 + PATCH (== KOKORO_VERSION_NUMBER
 * when header and library match). */
uint32_t kokoro_version(void);

/* The loaded library's version as "MAJOR.MINOR.PATCH". Static storage; never NULL. */
const char *kokoro_version_string(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------------- */

typedef enum kokoro_status {
    KOKORO_OK = 0,                     /* success */
    KOKORO_ERR_INVALID_ARGUMENT = -1,  /* a NULL pointer, a bad struct_size or an out-of-range
                                          field; the caller's mistake */
    KOKORO_ERR_NO_DEVICE = -2,         /* no usable Vulkan device: no loader, no driver, or no
                                          device matching device_index / KOKORO_VULKAN_DEVICE */
    KOKORO_ERR_MODEL = -3,             /* the model or voices file is missing, unreadable or not
                                          a valid model bundle */
    KOKORO_ERR_UNKNOWN_VOICE = -4,     /* the requested voice is not in the voices file */
    KOKORO_ERR_PHONEMIZE = -5,         /* the text cannot be turned into phonemes */
    KOKORO_ERR_OUT_OF_MEMORY = -6,     /* host or device memory ran out */
    KOKORO_ERR_DEVICE_LOST = -7,       /* the Vulkan device was lost (driver reset, hang) */
    KOKORO_ERR_CANCELLED = -8,         /* the caller's callback asked to stop */
    KOKORO_ERR_BUFFER_TOO_SMALL = -9,  /* a caller-provided buffer cannot hold the result */
    KOKORO_ERR_INTERNAL = -10          /* a bug in libkokoro; the message says where */
} kokoro_status;

/* A short constant description of a status ("invalid argument", ...), also for codes this
 * version does not know ("unknown status"). Static storage; never NULL. */
const char *kokoro_status_string(kokoro_status status);

/* ---------------------------------------------------------------------------------------------
 * Logging
 * ------------------------------------------------------------------------------------------- */

typedef enum kokoro_log_level {
    KOKORO_LOG_DEBUG = 0,  /* detail for developers */
    KOKORO_LOG_INFO = 1,   /* what the engine chose (device, kernels) */
    KOKORO_LOG_WARN = 2,   /* something degraded but working */
    KOKORO_LOG_ERROR = 3   /* a call failed; the same text as the last-error message */
} kokoro_log_level;

/* Receives every log message. `message` is one line without a trailing newline, valid only during
 * the call. May be called from any thread that is inside a libkokoro call; must not call back
 * into libkokoro except kokoro_status_string and kokoro_version*. */
typedef void (*kokoro_log_callback)(kokoro_log_level level, const char *message, void *user_data);

/* Sends all log messages to `callback` with `user_data`, process-wide. NULL restores the default:
 * messages at KOKORO_LOG_WARN and above go to stderr (the environment variable KOKORO_LOG_LEVEL =
 * debug|info|warn|error|none changes that threshold). Thread-safe; takes effect for the next
 * message. */
void kokoro_set_log_callback(kokoro_log_callback callback, void *user_data);

/* ---------------------------------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------------------------------- */

/* Settings for kokoro_create. Start from kokoro_config_default(), then change fields. Later
 * versions add fields at the end; struct_size tells the library which ones the caller has. */
typedef struct kokoro_config {
    uint32_t struct_size;     /* sizeof(kokoro_config), set by kokoro_config_default */
    const char *model_path;   /* the bundle's model .safetensors file; required */
    const char *voices_path;  /* voices .safetensors file; NULL = voices.safetensors in the model's
                                 directory */
    int32_t device_index;     /* Vulkan device index (as `kokoro-cli devices` lists them); -1 =
                                 KOKORO_VULKAN_DEVICE if set, else the best device (discrete >
                                 integrated > virtual > CPU) */
    const char *cache_dir;    /* directory for the Vulkan pipeline cache, created if missing;
                                 NULL = no cache */
} kokoro_config;

/* The default configuration: struct_size = sizeof(kokoro_config), device_index = -1, every path
 * NULL. */
kokoro_config kokoro_config_default(void);

/* The same, written to *config, for FFIs that cannot receive structs by value.
 * Returns KOKORO_ERR_INVALID_ARGUMENT if config is NULL. */
kokoro_status kokoro_config_default_by_ref(kokoro_config *config);

/* ---------------------------------------------------------------------------------------------
 * Engine
 * ------------------------------------------------------------------------------------------- */

/* An engine: one Vulkan device and one model. Opaque. */
typedef struct kokoro_engine kokoro_engine;

/* Opens the Vulkan device and the model named by `config`, and stores the new engine in *out.
 * The whole bundle is validated (metadata, config, every tensor's name and shape), the voices file
 * is opened (voices_path, else voices.safetensors beside the model) and every weight is uploaded to
 * the device, so this takes a moment (about a second) and a later kokoro_synthesize cannot fail
 * on the model. The config and its strings are only read during the call. On failure *out is set to NULL (if out
 * is not NULL) and kokoro_last_create_error() explains why. A config whose struct_size is smaller
 * than this struct's first version, or larger than 4096, is rejected; fields beyond struct_size
 * keep their defaults.
 * Returns KOKORO_OK, KOKORO_ERR_INVALID_ARGUMENT, KOKORO_ERR_NO_DEVICE, KOKORO_ERR_MODEL,
 * KOKORO_ERR_OUT_OF_MEMORY, KOKORO_ERR_DEVICE_LOST or KOKORO_ERR_INTERNAL. */
kokoro_status kokoro_create(const kokoro_config *config, kokoro_engine **out);

/* Why the calling thread's most recent kokoro_create failed ("" if it succeeded or none was made).
 * Owned by the library, one per thread; valid until that thread's next kokoro_create or its exit.
 * Never NULL. */
const char *kokoro_last_create_error(void);

/* Releases the engine and everything it owns. NULL is a harmless no-op. The engine must not be
 * used afterwards, and strings it returned become invalid. */
void kokoro_free(kokoro_engine *engine);

/* Why the most recent failing call on `engine` failed ("" if the latest call succeeded). Owned by
 * the engine; valid until the next call on that engine or kokoro_free. Never NULL; for a NULL
 * engine, returns a constant message pointing at kokoro_last_create_error. */
const char *kokoro_last_error(const kokoro_engine *engine);

/* The name of the Vulkan device the engine runs on (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").
 * Owned by the engine; valid until kokoro_free. "" for a NULL engine; never NULL. */
const char *kokoro_device_name(const kokoro_engine *engine);

/* ---------------------------------------------------------------------------------------------
 * Synthesis
 * ------------------------------------------------------------------------------------------- */

/* Audio is float32 mono at this rate (samples per second). */
#define KOKORO_SAMPLE_RATE 24000

/* Longest chunk the network takes, in phonemes; longer input is split into chunks (see
 * kokoro_synthesize). */
#define KOKORO_MAX_CHUNK_PHONEMES 510

/* kokoro_synthesis_options.flags: `text` is Kokoro phonemes (the symbols of the model's
 * vocabulary, e.g. misaki's output), not plain text. */
#define KOKORO_INPUT_PHONEMES (1u << 0)

/* Receives each chunk of audio as soon as it is ready: `count` float32 samples, mono, at
 * KOKORO_SAMPLE_RATE. `samples` is owned by the library and valid only during the call: copy what
 * you keep. Return 0 to continue, anything else to stop: kokoro_synthesize then returns
 * KOKORO_ERR_CANCELLED without synthesising the remaining chunks. Runs on the thread that called
 * kokoro_synthesize; must not call libkokoro functions on the same engine (kokoro_synthesize and
 * kokoro_warm refuse such calls with KOKORO_ERR_INVALID_ARGUMENT; kokoro_free would be fatal). */
typedef int (*kokoro_audio_callback)(const float *samples, size_t count, void *user_data);

/* How to speak. Start from kokoro_synthesis_options_default(), then change fields. Later versions
 * add fields at the end; struct_size tells the library which ones the caller has. */
typedef struct kokoro_synthesis_options {
    uint32_t struct_size;            /* sizeof(kokoro_synthesis_options), set by the default */
    const char *voice;               /* a voice name ("jf_alpha"), or a weighted blend
                                        "jf_alpha:0.7,jm_kumo:0.3" (weights > 0, normalised to sum
                                        1; a name without ":w" weighs 1); NULL = the engine's default
                                        voice (jf_alpha when the voices file has it, else the first
                                        by name). Read only during the call. */
    float speed;                     /* speaking rate, 0 < speed <= 10; 1 = the voice's natural pace
                                        (durations are divided by it) */
    uint32_t flags;                  /* KOKORO_INPUT_PHONEMES or 0; other bits are reserved and
                                        rejected */
    uint64_t seed;                   /* seeds the generator's random phases and noise: the same seed,
                                        options and input give the same audio */
    float noise_scale;               /* 0 <= noise_scale <= 10: scales the reference's random noise
                                        and initial phases; 1 = the reference's level, 0 =
                                        deterministic (the reference with zero noise; seed unused) */
    kokoro_audio_callback on_audio;  /* NULL = return all audio in kokoro_audio; else stream each
                                        chunk to this callback */
    void *user_data;                 /* passed to on_audio unchanged */
    /* --- added in 0.2 (a struct_size that ends before here means language = NULL) --- */
    const char *language;            /* language of plain text: "en-us" (NULL = this), "en-gb",
                                        "es", "fr", "hi", "it", "pt-br" (case-insensitive, "_" or
                                        "-"; "en" = "en-us", "fr-fr" = "fr", "pt" = "pt-br").
                                        English uses misaki's lexicons from the bundle, and
                                        espeak-ng for words they lack when it is installed; the
                                        others need espeak-ng (libespeak-ng1). "ja" and "zh" are
                                        known but not spoken by this version (KOKORO_ERR_PHONEMIZE);
                                        any other code is KOKORO_ERR_INVALID_ARGUMENT. Ignored for
                                        KOKORO_INPUT_PHONEMES. Read only during the call. */
} kokoro_synthesis_options;

/* The default options: struct_size = sizeof(kokoro_synthesis_options), voice NULL (the engine's
 * default), speed 1, flags 0 (plain text), seed 0, noise_scale 1, no callback, language NULL
 * (American English). */
kokoro_synthesis_options kokoro_synthesis_options_default(void);

/* The same, written to *options, for FFIs that cannot receive structs by value.
 * Returns KOKORO_ERR_INVALID_ARGUMENT if options is NULL. */
kokoro_status kokoro_synthesis_options_default_by_ref(kokoro_synthesis_options *options);

/* Audio returned by kokoro_synthesize. `samples` is allocated by the library and owned by the
 * caller until kokoro_audio_free; it stays valid after kokoro_free(engine). */
typedef struct kokoro_audio {
    float *samples;        /* sample_count float32 samples, mono; NULL when empty */
    size_t sample_count;   /* always a multiple of 600 (one frame of the model) per chunk */
    uint32_t sample_rate;  /* KOKORO_SAMPLE_RATE */
} kokoro_audio;

/* Releases audio->samples and zeroes *audio. NULL, a zeroed struct ({0}) and a struct already freed
 * by this function are harmless. Do not pass a struct the library did not fill. */
void kokoro_audio_free(kokoro_audio *audio);

/* Creates every compute pipeline the network uses and runs it once on representative lengths, so
 * that the first kokoro_synthesize pays no shader compilation or first-dispatch cost. Optional;
 * costs about as much as synthesising a word and a sentence. With config.cache_dir the compiled
 * pipelines are written there when the engine is freed, which makes the next engine's warm-up
 * cheaper.
 * Returns KOKORO_OK, KOKORO_ERR_INVALID_ARGUMENT (NULL engine), KOKORO_ERR_OUT_OF_MEMORY,
 * KOKORO_ERR_DEVICE_LOST or KOKORO_ERR_INTERNAL. */
kokoro_status kokoro_warm(kokoro_engine *engine);

/* Speaks `text` (UTF-8, NUL-terminated) with `options` (NULL = the defaults).
 *
 * Input. Without flags, `text` is plain text in options->language (American English by default):
 * it is split into paragraphs at line breaks, normalised (numbers, currency, times, common
 * abbreviations) and turned into phonemes the way Kokoro's own pipeline (misaki 0.9.4) does; see
 * kokoro_phonemize to inspect the result. English words outside the lexicons go to espeak-ng when
 * libespeak-ng.so.1 can be loaded, else they are spelled letter by letter; a word with letters
 * that still cannot be pronounced (e.g. Greek in English text without espeak-ng) fails the call
 * with KOKORO_ERR_PHONEMIZE naming it. Emoji and symbols outside the lexicons are read by
 * espeak-ng when it is installed ("musical note"), as Kokoro's pipeline reads them, else skipped.
 * With KOKORO_INPUT_PHONEMES, `text` is Kokoro phonemes, read one
 * Unicode code point at a time through the model's vocabulary; code points not in the vocabulary
 * are dropped (as the reference pipeline does; tabs and line breaks count as spaces).
 * Either way, if nothing speakable remains (only whitespace or invisible characters, say) the
 * call returns KOKORO_ERR_PHONEMIZE. `text` is only read during the call.
 *
 * Chunks. Each paragraph longer than KOKORO_MAX_CHUNK_PHONEMES phonemes is split into chunks of at
 * most that many: at the last sentence end (. ! ?) that fits, else the last clause break (, ; : and the em
 * dash), else the last space, else exactly at the limit (the spaces at a break are dropped).
 * Chunks are synthesised in order, each with its voice's style row for its own length (row n - 1
 * for n phonemes, as the reference indexes it), and the random seed of chunk i is seed + i.
 *
 * Output. Without a callback, *out receives all the audio (the chunks concatenated); free it with
 * kokoro_audio_free. *out is overwritten without being read: free earlier audio first. With
 * options->on_audio, each chunk goes to the callback as soon as it is ready and `out` may be NULL
 * (if given, it is left zeroed). Each chunk is exactly 600 samples per frame of its predicted
 * durations. On any failure *out (if not NULL) is zeroed and holds nothing to free.
 *
 * Returns KOKORO_OK; KOKORO_ERR_INVALID_ARGUMENT for a NULL engine or text, text that is empty or
 * not valid UTF-8, NULL out without a callback, a bad struct_size, speed outside (0, 10], a
 * noise_scale outside [0, 10], unknown flags or a malformed voice blend; KOKORO_ERR_UNKNOWN_VOICE
 * (the message lists the voices there are); KOKORO_ERR_PHONEMIZE; KOKORO_ERR_CANCELLED (the
 * callback returned non-zero); KOKORO_ERR_OUT_OF_MEMORY; KOKORO_ERR_DEVICE_LOST;
 * KOKORO_ERR_INTERNAL. */
kokoro_status kokoro_synthesize(kokoro_engine *engine, const char *text,
                                const kokoro_synthesis_options *options, kokoro_audio *out);

/* The phonemes kokoro_synthesize would speak for `text` with `options` (NULL = the defaults; voice,
 * speed, seed, noise_scale and the callback are not used): every chunk's phonemes, in order,
 * joined by "\n", NUL-terminated, written to `buffer`. No GPU work.
 *
 * *out_size is always set (when out_size is not NULL) to the bytes the whole result needs,
 * including the NUL. If buffer_size is smaller, nothing is written to `buffer` and the call
 * returns KOKORO_ERR_BUFFER_TOO_SMALL: call again with a buffer of *out_size bytes. To ask for the
 * size alone, pass buffer NULL and buffer_size 0.
 *
 * Returns KOKORO_OK; KOKORO_ERR_BUFFER_TOO_SMALL; KOKORO_ERR_INVALID_ARGUMENT for a NULL engine,
 * text or out_size, a NULL buffer with a non-zero buffer_size, text that is empty or not valid
 * UTF-8, or bad options (as kokoro_synthesize); KOKORO_ERR_PHONEMIZE (the text has nothing to
 * speak, a word cannot be pronounced, the language needs espeak-ng and it is not installed, the
 * lexicons are missing from the bundle, or "ja"/"zh"); KOKORO_ERR_OUT_OF_MEMORY. */
kokoro_status kokoro_phonemize(kokoro_engine *engine, const char *text, const kokoro_synthesis_options *options,
                               char *buffer, size_t buffer_size, size_t *out_size);

#ifdef __cplusplus
}
#endif

#endif /* KOKORO_H */
