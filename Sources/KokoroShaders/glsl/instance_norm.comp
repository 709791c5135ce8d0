#version 450
// InstanceNorm1d + AdaIN over a channel-major [channels, length] tensor (Kokoro's AdaIN1d):
//   n = (x[c, :] - mean) / sqrt(biased_var + eps) * norm_weight[c] + norm_bias[c]
//   y = (1 + gamma[c]) * n + beta[c], then activation (LeakyReLU 0.2 in AdainResBlk1d, Snake is
//   applied separately in the generator).
// gamma and beta are the two halves of fc(style): binding 3 holds [2 * channels] = (gamma, beta).
// The statistics run over the whole utterance (why chunked synthesis differs from one pass).
// One invocation per channel, two passes.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer NormWeight { float norm_weight[]; };
layout(std430, binding = 2) readonly buffer NormBias { float norm_bias[]; };
layout(std430, binding = 3) readonly buffer Style { float style_affine[]; };  // [gamma | beta]
layout(std430, binding = 4) buffer Output { float y[]; };  // may alias x

layout(push_constant) uniform InstanceNormParams {
    uint channels;
    uint positions;
    uint activation;
    float activation_parameter;
    float eps;
} p;

void main() {
    uint c = gl_GlobalInvocationID.x;
    if (c >= p.channels) return;
    uint base = c * p.positions;
    float sum = 0.0;
    for (uint l = 0u; l < p.positions; l++) sum += x[base + l];
    float mean = sum / float(p.positions);
    float squares = 0.0;
    for (uint l = 0u; l < p.positions; l++) { float d = x[base + l] - mean; squares += d * d; }
    float inv_std = inversesqrt(squares / float(p.positions) + p.eps);
    float scale = (1.0 + style_affine[c]) * norm_weight[c] * inv_std;
    float shift = (1.0 + style_affine[c]) * (norm_bias[c] - mean * norm_weight[c] * inv_std) + style_affine[p.channels + c];
    for (uint l = 0u; l < p.positions; l++)
        y[base + l] = apply_activation(p.activation, x[base + l] * scale + shift, p.activation_parameter);
}
