// CKokoroABI: the public C header, made visible to Swift.
//
// Why: CAPI.swift implements the functions declared in include/kokoro.h. Importing the header
// itself (rather than re-declaring its types in Swift) makes the Swift side use the header's exact
// struct layouts, enum values and callback types, and lets the tests check each @_cdecl signature
// against the header's declaration at compile time.
#include "../../../include/kokoro.h"
