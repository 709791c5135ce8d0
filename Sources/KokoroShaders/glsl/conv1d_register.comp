#version 450
// conv1d as an implicit GEMM without shared memory (for CPU devices such as lavapipe): each
// invocation computes 8 output channels (of one group) x 8 output positions (8 x 8 measured
// fastest on lavapipe among 4x8, 8x8, 16x4, 4x16, 16x8), looping over the
// group's input channels and kernel taps. No im2col buffer is materialised.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "conv1d_params.glsl"

layout(local_size_x_id = 0) in;  // specialization constant 0: invocations per workgroup (x)
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

const uint ROWS = 8u;   // output channels per invocation
const uint COLS = 8u;   // output positions per invocation

void main() {
    uint out_per_group = p.out_channels / p.groups;
    uint in_per_group = p.in_channels / p.groups;
    uint blocks_per_group = (out_per_group + ROWS - 1u) / ROWS;
    uint group = gl_GlobalInvocationID.y / blocks_per_group;
    uint local_row0 = (gl_GlobalInvocationID.y % blocks_per_group) * ROWS;
    uint col0 = gl_GlobalInvocationID.x * COLS;
    if (group >= p.groups || col0 >= p.out_length) return;

    uint reduction = in_per_group * p.kernel_size;  // weight row length
    uint weight_row[ROWS];
    for (uint i = 0u; i < ROWS; i++)
        weight_row[i] = (group * out_per_group + min(local_row0 + i, out_per_group - 1u)) * reduction;

    float acc[ROWS][COLS];
    for (uint i = 0u; i < ROWS; i++)
        for (uint j = 0u; j < COLS; j++) acc[i][j] = 0.0;

    int first_position = int(col0 * p.stride) - int(p.padding);
    for (uint c = 0u; c < in_per_group; c++) {
        uint row_base = (group * in_per_group + c) * p.in_length;
        for (uint k = 0u; k < p.kernel_size; k++) {
            int position = first_position + int(k * p.dilation);
            float xv[COLS];
            for (uint j = 0u; j < COLS; j++) xv[j] = CONV_INPUT(row_base, position + int(j * p.stride));
            uint r = c * p.kernel_size + k;
            for (uint i = 0u; i < ROWS; i++) {
                float wv = w[weight_row[i] + r];
                for (uint j = 0u; j < COLS; j++) acc[i][j] = fma(wv, xv[j], acc[i][j]);
            }
        }
    }

    for (uint i = 0u; i < ROWS; i++) {
        uint local_row = local_row0 + i;
        if (local_row >= out_per_group) break;
        uint o = group * out_per_group + local_row;
        for (uint j = 0u; j < COLS; j++) {
            uint l = col0 + j;
            if (l >= p.out_length) break;
            float value = acc[i][j];
            if (p.has_bias != 0u) value += bias[o];
            y[o * p.out_length + l] = apply_activation(p.activation, value, p.activation_parameter);
        }
    }
}
