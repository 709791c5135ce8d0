#version 450
// conv1d where each group has one input channel (depthwise when out_channels == groups): one
// invocation per output value. The GEMM-shaped variants would waste most of a tile here.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "conv1d_params.glsl"

layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

void main() {
    uint l = gl_GlobalInvocationID.x;
    uint o = gl_GlobalInvocationID.y;
    if (l >= p.out_length || o >= p.out_channels) return;
    uint out_per_group = p.out_channels / p.groups;
    uint row_base = (o / out_per_group) * p.in_length;  // one input channel per group
    int first_position = int(l * p.stride) - int(p.padding);
    float acc = 0.0;
    for (uint k = 0u; k < p.kernel_size; k++)
        acc = fma(w[o * p.kernel_size + k], CONV_INPUT(row_base, first_position + int(k * p.dilation)), acc);
    if (p.has_bias != 0u) acc += bias[o];
    y[o * p.out_length + l] = apply_activation(p.activation, acc, p.activation_parameter);
}
