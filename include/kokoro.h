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
 *   kokoro_status_string, kokoro_config_default, kokoro_config_default_by_ref, kokoro_create (each
 *   call makes its own engine), kokoro_last_create_error (per thread) and kokoro_set_log_callback.
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
 *   printf("running on %s\n", kokoro_device_name(engine));
 *   ... (synthesis arrives in a later version)
 *   kokoro_free(engine);
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
 *   KOKORO_ERR_DEVICE_LOST        | no engine                    | only kokoro_free is valid
 *   KOKORO_ERR_CANCELLED          | (not returned)               | engine usable; chunks already
 *                                 |                              | delivered stay delivered
 *   KOKORO_ERR_BUFFER_TOO_SMALL   | (not returned)               | engine usable; retry bigger
 *   KOKORO_ERR_INTERNAL           | no engine                    | free the engine; please report
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
#define KOKORO_VERSION_MINOR 1
#define KOKORO_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH: 0.1.0 is 100. */
#define KOKORO_VERSION_NUMBER \
    (KOKORO_VERSION_MAJOR * 10000 + KOKORO_VERSION_MINOR * 100 + KOKORO_VERSION_PATCH)
#define KOKORO_VERSION_STRING "0.1.0"

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
 * The config and its strings are only read during the call. On failure *out is set to NULL (if out
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

#ifdef __cplusplus
}
#endif

#endif /* KOKORO_H */
