#version 450
// GEMM without shared memory or barriers: each invocation owns a 4 (rows of A) x 8 (rows of B)
// block of C and streams K through registers. Chosen on CPU devices (lavapipe), where barrier()
// and shared memory are expensive and each invocation is one SIMD lane of a JIT-compiled loop.
// With VEC4 defined, A and B are read as vec4 along K (host guarantees lda, ldb, batch strides,
// offsets and K are multiples of 4); otherwise scalar.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "gemm_params.glsl"

layout(local_size_x_id = 0) in;  // specialization constant 0: invocations per workgroup (x)
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer MatrixA { float a[]; };
layout(std430, binding = 0) readonly buffer MatrixA4 { vec4 a4[]; };
layout(std430, binding = 1) readonly buffer MatrixB { float b[]; };
layout(std430, binding = 1) readonly buffer MatrixB4 { vec4 b4[]; };
layout(std430, binding = 2) writeonly buffer MatrixC { float c[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

const uint ROWS = 4u;  // rows of A (and C) per invocation
const uint COLS = 8u;  // rows of B (columns of C) per invocation

void main() {
    uint col0 = gl_GlobalInvocationID.x * COLS;
    uint row0 = gl_GlobalInvocationID.y * ROWS;
    if (col0 >= p.N || row0 >= p.M) return;
    uint batch = gl_WorkGroupID.z;

    // Out-of-range rows and columns read a valid row (clamped) and are never stored.
    uint a_row[ROWS];
    uint b_row[COLS];
    for (uint i = 0u; i < ROWS; i++) a_row[i] = p.offset_a + batch * p.batch_stride_a + min(row0 + i, p.M - 1u) * p.lda;
    for (uint j = 0u; j < COLS; j++) b_row[j] = p.offset_b + batch * p.batch_stride_b + min(col0 + j, p.N - 1u) * p.ldb;

    float acc[ROWS][COLS];
    for (uint i = 0u; i < ROWS; i++)
        for (uint j = 0u; j < COLS; j++) acc[i][j] = 0.0;

#ifdef VEC4
    uint k4_count = p.K / 4u;
    for (uint k4 = 0u; k4 < k4_count; k4++) {
        vec4 av[ROWS];
        for (uint i = 0u; i < ROWS; i++) av[i] = a4[a_row[i] / 4u + k4];
        for (uint j = 0u; j < COLS; j++) {
            vec4 bv = b4[b_row[j] / 4u + k4];
            for (uint i = 0u; i < ROWS; i++) acc[i][j] += dot(av[i], bv);
        }
    }
#else
    for (uint k = 0u; k < p.K; k++) {
        float av[ROWS];
        for (uint i = 0u; i < ROWS; i++) av[i] = a[a_row[i] + k];
        for (uint j = 0u; j < COLS; j++) {
            float bv = b[b_row[j] + k];
            for (uint i = 0u; i < ROWS; i++) acc[i][j] = fma(av[i], bv, acc[i][j]);
        }
    }
#endif

    for (uint i = 0u; i < ROWS; i++) {
        uint row = row0 + i;
        if (row >= p.M) break;
        for (uint j = 0u; j < COLS; j++) {
            uint col = col0 + j;
            if (col >= p.N) break;
            float value = acc[i][j];
            if (p.has_bias != 0u) value += bias[col];
            c[p.offset_c + batch * p.batch_stride_c + row * p.ldc + col] = apply_activation(p.activation, value, p.activation_parameter);
        }
    }
}
