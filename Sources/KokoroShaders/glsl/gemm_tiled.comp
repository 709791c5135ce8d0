#version 450
// GEMM with shared-memory tiles, for GPUs: a 16 x 16 workgroup computes a 64 x 64 block of C,
// staging 64 x 16 slices of A and B in shared memory (stored k-major so the inner loop reads
// contiguous words), each invocation accumulating a 4 x 4 sub-block in registers.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "gemm_params.glsl"

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer MatrixA { float a[]; };
layout(std430, binding = 1) readonly buffer MatrixB { float b[]; };
layout(std430, binding = 2) writeonly buffer MatrixC { float c[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

const uint TILE = 64u;   // rows and columns of C per workgroup
const uint DEPTH = 16u;  // K per shared-memory stage
const uint THREAD = 4u;  // rows and columns of C per invocation

shared float tile_a[DEPTH][TILE];  // [k][row]
shared float tile_b[DEPTH][TILE];  // [k][col]

void main() {
    uint batch = gl_WorkGroupID.z;
    uint tile_row0 = gl_WorkGroupID.y * TILE;
    uint tile_col0 = gl_WorkGroupID.x * TILE;
    uint tx = gl_LocalInvocationID.x;
    uint ty = gl_LocalInvocationID.y;
    uint linear = ty * 16u + tx;
    uint a_base = p.offset_a + batch * p.batch_stride_a;
    uint b_base = p.offset_b + batch * p.batch_stride_b;

    float acc[THREAD][THREAD];
    for (uint i = 0u; i < THREAD; i++)
        for (uint j = 0u; j < THREAD; j++) acc[i][j] = 0.0;

    for (uint k0 = 0u; k0 < p.K; k0 += DEPTH) {
        // 256 invocations load 64 x 16 values of each operand: 4 each, k fastest for coalescing.
        for (uint s = 0u; s < 4u; s++) {
            uint index = linear + s * 256u;
            uint kk = index % DEPTH;
            uint rr = index / DEPTH;
            uint k = k0 + kk;
            uint row = tile_row0 + rr;
            uint col = tile_col0 + rr;
            tile_a[kk][rr] = (row < p.M && k < p.K) ? a[a_base + row * p.lda + k] : 0.0;
            tile_b[kk][rr] = (col < p.N && k < p.K) ? b[b_base + col * p.ldb + k] : 0.0;
        }
        barrier();
        for (uint kk = 0u; kk < DEPTH; kk++) {
            float av[THREAD];
            float bv[THREAD];
            for (uint i = 0u; i < THREAD; i++) av[i] = tile_a[kk][ty + i * 16u];
            for (uint j = 0u; j < THREAD; j++) bv[j] = tile_b[kk][tx + j * 16u];
            for (uint i = 0u; i < THREAD; i++)
                for (uint j = 0u; j < THREAD; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
        barrier();
    }

    // Invocation (tx, ty) owns rows ty + 16 i and columns tx + 16 j: neighbouring invocations write
    // neighbouring columns, so stores coalesce.
    for (uint i = 0u; i < THREAD; i++) {
        uint row = tile_row0 + ty + i * 16u;
        if (row >= p.M) continue;
        for (uint j = 0u; j < THREAD; j++) {
            uint col = tile_col0 + tx + j * 16u;
            if (col >= p.N) continue;
            float value = acc[i][j];
            if (p.has_bias != 0u) value += bias[col];
            c[p.offset_c + batch * p.batch_stride_c + row * p.ldc + col] = apply_activation(p.activation, value, p.activation_parameter);
        }
    }
}
