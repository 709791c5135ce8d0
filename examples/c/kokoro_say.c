/*
 * kokoro_say: speaks Kokoro phonemes (or, with --text, plain English text) to a 16-bit mono WAV
 * file with libkokoro.
 *
 *   usage: kokoro_say [--stream] [--text] MODEL.safetensors OUT.wav [INPUT [VOICE]]
 *
 * INPUT defaults to "Hello world." in Kokoro phonemes (or as text with --text); VOICE to the
 * engine's default. With
 * --stream the audio arrives chunk by chunk through the callback (as a game's audio thread would
 * take it) and is appended to the file as it comes; without, it comes back whole in a
 * kokoro_audio. Exit status 0 on success, 1 on failure (the library's message on stderr), 2 for
 * bad arguments.
 *
 * Builds warning-free as C99 and as C++:
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I../../include kokoro_say.c \
 *       -L../../dist -lkokoro -Wl,-rpath,'$ORIGIN/../../dist' -o kokoro_say
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kokoro.h"

/* misaki's phonemes for "Hello world.", as UTF-8 bytes (keeps this file ASCII). */
static const char hello_world[] = "h\xC9\x99l\xCB\x88O w\xCB\x88\xC9\x9C\xC9\xB9ld.";

/* Little-endian writers: WAV is little-endian whatever the host is. */
static void put_u16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v & 0xff); p[1] = (unsigned char)(v >> 8); }
static void put_u32(unsigned char *p, unsigned long v) {
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)((v >> 24) & 0xff);
}

/* The 44-byte header of a 16-bit PCM mono WAV holding `samples` samples. */
static int write_header(FILE *file, unsigned long samples, unsigned long rate) {
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    put_u32(h + 4, 36 + samples * 2);
    memcpy(h + 8, "WAVEfmt ", 8);
    put_u32(h + 16, 16);        /* fmt chunk size */
    put_u16(h + 20, 1);         /* PCM */
    put_u16(h + 22, 1);         /* mono */
    put_u32(h + 24, rate);
    put_u32(h + 28, rate * 2);  /* bytes per second */
    put_u16(h + 32, 2);         /* bytes per frame */
    put_u16(h + 34, 16);        /* bits per sample */
    memcpy(h + 36, "data", 4);
    put_u32(h + 40, samples * 2);
    return fwrite(h, 1, sizeof h, file) == sizeof h ? 0 : -1;
}

static int write_samples(FILE *file, const float *samples, size_t count) {
    size_t i;
    for (i = 0; i < count; i++) {
        float s = samples[i] > 1.0f ? 1.0f : (samples[i] < -1.0f ? -1.0f : samples[i]);
        long v = lroundf(s * 32767.0f);
        unsigned char b[2];
        put_u16(b, (unsigned)(v & 0xffff));
        if (fwrite(b, 1, 2, file) != 2) return -1;
    }
    return 0;
}

/* State shared with the streaming callback through user_data. */
typedef struct stream_state {
    FILE *file;
    unsigned long samples;
    unsigned chunks;
    int failed;
} stream_state;

/* Called with each chunk as soon as it is ready; the samples are only valid during the call. */
static int on_audio(const float *samples, size_t count, void *user_data) {
    stream_state *state = (stream_state *)user_data;
    if (write_samples(state->file, samples, count) != 0) {
        state->failed = 1;
        return 1; /* non-zero: stop, kokoro_synthesize returns KOKORO_ERR_CANCELLED */
    }
    state->samples += (unsigned long)count;
    state->chunks++;
    return 0;
}

int main(int argc, char **argv) {
    kokoro_config config = kokoro_config_default();
    kokoro_synthesis_options options = kokoro_synthesis_options_default();
    kokoro_audio audio = {NULL, 0, 0};
    kokoro_engine *engine = NULL;
    kokoro_status status;
    stream_state state = {NULL, 0, 0, 0};
    const char *output;
    const char *input;
    int stream = 0, text = 0, first = 1;

    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        if (strcmp(argv[first], "--stream") == 0) {
            stream = 1;
        } else if (strcmp(argv[first], "--text") == 0) {
            text = 1;
        } else {
            break;
        }
    }
    if (argc - first < 2 || argc - first > 4) {
        fprintf(stderr, "usage: %s [--stream] [--text] MODEL.safetensors OUT.wav [INPUT [VOICE]]\n", argv[0]);
        return 2;
    }
    if (kokoro_version() != KOKORO_VERSION_NUMBER) {
        fprintf(stderr, "error: compiled against libkokoro %s but loaded %s\n", KOKORO_VERSION_STRING,
                kokoro_version_string());
        return 1;
    }
    config.model_path = argv[first];
    output = argv[first + 1];
    input = argc - first > 2 ? argv[first + 2] : (text ? "Hello world." : hello_world);
    options.voice = argc - first > 3 ? argv[first + 3] : NULL;
    options.flags = text ? 0 : KOKORO_INPUT_PHONEMES;
    options.seed = 1;

    status = kokoro_create(&config, &engine);
    if (status != KOKORO_OK) {
        fprintf(stderr, "error: %s (%d): %s\n", kokoro_status_string(status), (int)status, kokoro_last_create_error());
        return 1;
    }
    state.file = fopen(output, "wb");
    if (state.file == NULL) {
        perror(output);
        kokoro_free(engine);
        return 1;
    }

    if (stream) {
        options.on_audio = on_audio;
        options.user_data = &state;
        write_header(state.file, 0, KOKORO_SAMPLE_RATE); /* sizes patched below */
        status = kokoro_synthesize(engine, input, &options, NULL);
    } else {
        status = kokoro_synthesize(engine, input, &options, &audio);
        if (status == KOKORO_OK) {
            state.samples = (unsigned long)audio.sample_count;
            state.chunks = 1;
            if (write_header(state.file, state.samples, audio.sample_rate) != 0 ||
                write_samples(state.file, audio.samples, audio.sample_count) != 0) {
                state.failed = 1;
            }
        }
        kokoro_audio_free(&audio); /* harmless after a failure too */
    }
    if (status != KOKORO_OK && !state.failed) {
        fprintf(stderr, "error: %s (%d): %s\n", kokoro_status_string(status), (int)status, kokoro_last_error(engine));
    }
    if (stream && status == KOKORO_OK && (fseek(state.file, 0, SEEK_SET) != 0 ||
                                          write_header(state.file, state.samples, KOKORO_SAMPLE_RATE) != 0)) {
        state.failed = 1;
    }
    if (fclose(state.file) != 0 || state.failed) {
        fprintf(stderr, "error: cannot write %s\n", output);
        status = KOKORO_ERR_INTERNAL;
    }
    kokoro_free(engine);
    if (status != KOKORO_OK) {
        remove(output);
        return 1;
    }
    printf("%s: %.2f s of audio (%lu samples at %d Hz, %u chunk%s)\n", output,
           (double)state.samples / KOKORO_SAMPLE_RATE, state.samples, KOKORO_SAMPLE_RATE, state.chunks,
           state.chunks == 1 ? "" : "s");
    return 0;
}
