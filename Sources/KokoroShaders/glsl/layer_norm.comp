#version 450
// LayerNorm over `channels` values of each row, optionally of (x + residual), with an affine
// transform and an activation. Strided, so one kernel serves [rows, channels] (ALBERT, token-major:
// row_stride = channels, channel_stride = 1) and [channels, rows] (Kokoro's conv layout,
// channel-major: row_stride = 1, channel_stride = rows).
//   z = x + residual (if has_residual)
//   n = (z - mean(z)) / sqrt(biased_var(z) + eps)
//   AFFINE_PLAIN:     y = n * gamma[c] + beta[c]                  (nn.LayerNorm, Kokoro's LayerNorm)
//   AFFINE_STYLE:     y = n * (1 + gamma[c]) + beta[c]            (AdaLayerNorm: gamma, beta = fc(style))
//   then y = activation(y)
// One invocation per row, two passes (mean, then centred variance) for accuracy: the rows are short
// (128..1024 values) and there are few of them, so no cross-invocation reduction is needed.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Residual { float residual[]; };
layout(std430, binding = 2) readonly buffer Gamma { float gamma[]; };
layout(std430, binding = 3) readonly buffer Beta { float beta[]; };
layout(std430, binding = 4) buffer Output { float y[]; };   // may alias x

#define AFFINE_NONE 0u
#define AFFINE_PLAIN 1u
#define AFFINE_STYLE 2u

layout(push_constant) uniform LayerNormParams {
    uint rows;
    uint channels;
    uint row_stride;
    uint channel_stride;
    uint has_residual;
    uint affine;            // AFFINE_*
    uint activation;        // ACT_* from common.glsl
    float activation_parameter;
    float eps;
    uint beta_offset;       // AFFINE_STYLE: gamma and beta share one buffer, beta at this index
} p;

void main() {
    uint row = gl_GlobalInvocationID.x;
    if (row >= p.rows) return;
    uint base = row * p.row_stride;
    float sum = 0.0;
    for (uint c = 0u; c < p.channels; c++) {
        uint i = base + c * p.channel_stride;
        sum += x[i] + (p.has_residual != 0u ? residual[i] : 0.0);
    }
    float mean = sum / float(p.channels);
    float squares = 0.0;
    for (uint c = 0u; c < p.channels; c++) {
        uint i = base + c * p.channel_stride;
        float d = x[i] + (p.has_residual != 0u ? residual[i] : 0.0) - mean;
        squares += d * d;
    }
    float inv_std = inversesqrt(squares / float(p.channels) + p.eps);
    for (uint c = 0u; c < p.channels; c++) {
        uint i = base + c * p.channel_stride;
        float n = (x[i] + (p.has_residual != 0u ? residual[i] : 0.0) - mean) * inv_std;
        if (p.affine == AFFINE_PLAIN) n = n * gamma[c] + beta[p.beta_offset + c];
        else if (p.affine == AFFINE_STYLE) n = n * (1.0 + gamma[c]) + beta[p.beta_offset + c];
        y[i] = apply_activation(p.activation, n, p.activation_parameter);
    }
}
