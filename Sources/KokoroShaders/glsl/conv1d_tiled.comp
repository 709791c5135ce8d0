#version 450
// conv1d as an implicit GEMM with shared-memory tiles, for GPUs. Per group (workgroup z), a
// 16 x 16 workgroup computes 64 output channels x 64 positions; each stage stages 16 reduction
// steps (input channel, tap) of the weights and of the virtual im2col matrix in shared memory.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "conv1d_params.glsl"

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

const uint TILE = 64u;
const uint DEPTH = 16u;
const uint THREAD = 4u;

shared float tile_w[DEPTH][TILE];  // [reduction step][output channel]
shared float tile_x[DEPTH][TILE];  // [reduction step][output position]

void main() {
    uint group = gl_WorkGroupID.z;
    uint out_per_group = p.out_channels / p.groups;
    uint in_per_group = p.in_channels / p.groups;
    uint reduction = in_per_group * p.kernel_size;
    uint tile_row0 = gl_WorkGroupID.y * TILE;   // within the group
    uint tile_col0 = gl_WorkGroupID.x * TILE;
    uint tx = gl_LocalInvocationID.x;
    uint ty = gl_LocalInvocationID.y;
    uint linear = ty * 16u + tx;

    float acc[THREAD][THREAD];
    for (uint i = 0u; i < THREAD; i++)
        for (uint j = 0u; j < THREAD; j++) acc[i][j] = 0.0;

    for (uint r0 = 0u; r0 < reduction; r0 += DEPTH) {
        for (uint s = 0u; s < 4u; s++) {
            uint index = linear + s * 256u;
            // Weights: reduction index fastest (contiguous in w).
            uint rr = index % DEPTH;
            uint row = index / DEPTH;
            uint r = r0 + rr;
            uint local_row = tile_row0 + row;
            tile_w[rr][row] = (local_row < out_per_group && r < reduction)
                ? w[(group * out_per_group + local_row) * reduction + r] : 0.0;
            // Virtual im2col: position fastest (contiguous in x for stride 1).
            uint col = index % TILE;
            uint rx = index / TILE;
            uint r_x = r0 + rx;
            uint l = tile_col0 + col;
            float value = 0.0;
            if (l < p.out_length && r_x < reduction) {
                uint c = r_x / p.kernel_size;
                uint k = r_x % p.kernel_size;
                int position = int(l * p.stride) - int(p.padding) + int(k * p.dilation);
                value = CONV_INPUT((group * in_per_group + c) * p.in_length, position);
            }
            tile_x[rx][col] = value;
        }
        barrier();
        for (uint rr = 0u; rr < DEPTH; rr++) {
            float wv[THREAD];
            float xv[THREAD];
            for (uint i = 0u; i < THREAD; i++) wv[i] = tile_w[rr][ty + i * 16u];
            for (uint j = 0u; j < THREAD; j++) xv[j] = tile_x[rr][tx + j * 16u];
            for (uint i = 0u; i < THREAD; i++)
                for (uint j = 0u; j < THREAD; j++) acc[i][j] = fma(wv[i], xv[j], acc[i][j]);
        }
        barrier();
    }

    for (uint i = 0u; i < THREAD; i++) {
        uint local_row = tile_row0 + ty + i * 16u;
        if (local_row >= out_per_group) continue;
        uint o = group * out_per_group + local_row;
        for (uint j = 0u; j < THREAD; j++) {
            uint l = tile_col0 + tx + j * 16u;
            if (l >= p.out_length) continue;
            float value = acc[i][j];
            if (p.has_bias != 0u) value += bias[o];
            y[o * p.out_length + l] = apply_activation(p.activation, value, p.activation_parameter);
        }
    }
}
