/*
 * kokoro_info: the smallest libkokoro host. Prints the library version and the Vulkan device an
 * engine runs on, or the reason it cannot create one (exit status 1).
 *
 *   usage: kokoro_info [MODEL.safetensors]     (default: models/kokoro-v1_0.safetensors)
 *
 * Builds warning-free as C99 and as C++:
 *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -I../../include kokoro_info.c \
 *       -L../../dist -lkokoro -Wl,-rpath,'$ORIGIN/../../dist' -o kokoro_info
 */
#include <stdio.h>

#include "kokoro.h"

int main(int argc, char **argv) {
    kokoro_config config = kokoro_config_default();
    kokoro_engine *engine = NULL;
    kokoro_status status;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [MODEL.safetensors]\n", argv[0]);
        return 2;
    }

    /* The header this program was compiled with must match the library it loaded. */
    printf("libkokoro %s (header %s)\n", kokoro_version_string(), KOKORO_VERSION_STRING);
    if (kokoro_version() != KOKORO_VERSION_NUMBER) {
        fprintf(stderr, "error: compiled against libkokoro %s but loaded %s\n",
                KOKORO_VERSION_STRING, kokoro_version_string());
        return 1;
    }

    config.model_path = argc > 1 ? argv[1] : "models/kokoro-v1_0.safetensors";
    status = kokoro_create(&config, &engine);
    if (status != KOKORO_OK) {
        fprintf(stderr, "error: %s (%d): %s\n", kokoro_status_string(status), (int)status,
                kokoro_last_create_error());
        return 1;
    }
    printf("device: %s\n", kokoro_device_name(engine));
    kokoro_free(engine);
    return 0;
}
