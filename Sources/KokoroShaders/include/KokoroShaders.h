// KokoroShaders: every compute pipeline's SPIR-V, embedded in the library.
//
// Why a C target: SPIR-V words as a C array compile in ~0 s, whereas the same words as a Swift
// array literal cost seconds per shader in release builds. The arrays live in generated/spirv.c,
// written by tools/compile_shaders.py from glsl/*.comp and glsl/variants.txt; nothing is read from
// disk at run time.
#ifndef KOKORO_SHADERS_H
#define KOKORO_SHADERS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kk_shader {
    const char *name;       // pipeline name from glsl/variants.txt, e.g. "gemm_register_vec4"
    const uint32_t *words;  // SPIR-V module
    size_t word_count;
} kk_shader;

/// The embedded shaders, `kk_shader_count()` entries, sorted by name.
const kk_shader *kk_shader_table(void);
size_t kk_shader_count(void);

#ifdef __cplusplus
}
#endif
#endif
