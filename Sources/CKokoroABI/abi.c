// Compile-time checks on include/kokoro.h, built as part of every Swift build (a C target needs at
// least one source file). The Swift side relies on these facts when it reads a kokoro_config.
#include "CKokoroABI.h"

_Static_assert(KOKORO_OK == 0, "KOKORO_OK must be 0");
_Static_assert(offsetof(kokoro_config, struct_size) == 0, "struct_size must come first");
_Static_assert(sizeof(kokoro_status) == sizeof(int32_t), "kokoro_status is passed as a 32-bit int");
_Static_assert(KOKORO_VERSION_NUMBER == 200, "update CAPI.swift's version with the header's");
_Static_assert(offsetof(kokoro_synthesis_options, struct_size) == 0, "struct_size must come first");
