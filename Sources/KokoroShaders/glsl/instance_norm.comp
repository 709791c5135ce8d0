#version 450
// InstanceNorm1d + AdaIN over a channel-major [channels, length] tensor (Kokoro's AdaIN1d):
//   n = (x[c, :] - mean) / sqrt(biased_var + eps) * norm_weight[c] + norm_bias[c]
//   y = (1 + gamma[c]) * n + beta[c], then activation (LeakyReLU 0.2 in AdainResBlk1d, Snake is
//   applied separately in the generator).
// gamma and beta are the two halves of fc(style): binding 3 holds [2 * channels] = (gamma, beta).
// The statistics run over the whole utterance (why chunked synthesis differs from one pass).
//
// Valid length (bucketed recordings): rows are `positions` apart, but only the first
//   valid = valid_scale * lengths[0] + valid_offset   (valid_scale 0: valid = valid_offset)
// columns hold the utterance; lengths[0] is the frame count F written per call into a small buffer,
// so a command buffer recorded once for a bucket of frames serves every F in it. Statistics run
// over the valid columns only and the tail [valid, positions) is written as zeros, which is the
// zero padding the next convolution must see past the end (snake and LeakyReLU keep 0 at 0).
//
// One workgroup per channel: the generator normalises 128..256 channels over up to millions of
// positions, far beyond what one invocation may loop over on lavapipe (65535 iterations, see
// common.glsl). Each invocation accumulates a strided partial sum (UNROLL positions per loop
// iteration, so a loop runs length / (UNROLL x workgroup size) times), then a shared-memory tree
// reduction combines them. Two passes (mean, then centred variance) keep the variance accurate
// when |mean| >> std; a third pass applies the affine and the activation.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x_id = 0) in;   // specialization constant 0: workgroup size, a power of two
layout(local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint WIDTH = 256u;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer NormWeight { float norm_weight[]; };
layout(std430, binding = 2) readonly buffer NormBias { float norm_bias[]; };
layout(std430, binding = 3) readonly buffer Style { float style_affine[]; };  // [gamma | beta]
layout(std430, binding = 4) buffer Output { float y[]; };  // may alias x
layout(std430, binding = 5) readonly buffer Lengths { uint lengths[]; };  // [0]: F (read only when valid_scale > 0)

layout(push_constant) uniform InstanceNormParams {
    uint channels;
    uint positions;
    uint activation;
    float activation_parameter;
    float eps;
    uint valid_scale;
    uint valid_offset;
} p;

shared float partial[WIDTH];

// Sum of `value` over the workgroup; every invocation gets the total. The leading barrier lets a
// second call reuse `partial` safely.
float workgroup_sum(float value) {
    uint lid = gl_LocalInvocationID.x;
    barrier();
    partial[lid] = value;
    barrier();
    for (uint half_width = WIDTH / 2u; half_width > 0u; half_width /= 2u) {
        if (lid < half_width) partial[lid] += partial[lid + half_width];
        barrier();
    }
    return partial[0];
}

const uint UNROLL = 4u;

void main() {
    uint c = gl_WorkGroupID.x;
    uint lid = gl_LocalInvocationID.x;
    uint stride = p.positions;
    uint n = min(p.valid_scale == 0u ? p.valid_offset : p.valid_scale * lengths[0] + p.valid_offset, stride);
    uint base = c * stride;
    uint step = UNROLL * WIDTH;

    // Values are taken relative to the channel's first value (pivot), and the mean is kept as
    // pivot + offset: a large common offset then costs no precision, neither in the float32 sum
    // nor when rounding the mean (x - mean is computed as (x - pivot) - offset).
    float pivot = x[base];
    // Each loop iteration covers positions l + j * WIDTH (j < UNROLL), written out by hand so that
    // no inner loop adds to lavapipe's iteration count.
    float sum = 0.0;
    for (uint l = lid; l < n; l += step) {
        sum += x[base + l] - pivot;
        if (l + WIDTH < n) sum += x[base + l + WIDTH] - pivot;
        if (l + 2u * WIDTH < n) sum += x[base + l + 2u * WIDTH] - pivot;
        if (l + 3u * WIDTH < n) sum += x[base + l + 3u * WIDTH] - pivot;
    }
    float offset = workgroup_sum(sum) / float(n);

    float squares = 0.0;
    for (uint l = lid; l < n; l += step) {
        float d = x[base + l] - pivot - offset;
        squares = fma(d, d, squares);
        if (l + WIDTH < n) { d = x[base + l + WIDTH] - pivot - offset; squares = fma(d, d, squares); }
        if (l + 2u * WIDTH < n) { d = x[base + l + 2u * WIDTH] - pivot - offset; squares = fma(d, d, squares); }
        if (l + 3u * WIDTH < n) { d = x[base + l + 3u * WIDTH] - pivot - offset; squares = fma(d, d, squares); }
    }
    float inv_std = inversesqrt(workgroup_sum(squares) / float(n) + p.eps);

    float gain = 1.0 + style_affine[c];
    float scale = gain * norm_weight[c] * inv_std;
    // Centre before scaling: folding the mean into the shift cancels catastrophically when
    // |mean| or inv_std is large (a constant channel has inv_std = 1 / sqrt(eps) = 316).
    float shift = gain * norm_bias[c] + style_affine[p.channels + c];
    // Each position is read and written by the same invocation, after both reductions have read
    // all of x, so y may alias x.
    for (uint l = lid; l < n; l += step) {
        y[base + l] = apply_activation(p.activation, fma(x[base + l] - pivot - offset, scale, shift), p.activation_parameter);
        if (l + WIDTH < n)
            y[base + l + WIDTH] = apply_activation(p.activation, fma(x[base + l + WIDTH] - pivot - offset, scale, shift), p.activation_parameter);
        if (l + 2u * WIDTH < n)
            y[base + l + 2u * WIDTH] = apply_activation(p.activation, fma(x[base + l + 2u * WIDTH] - pivot - offset, scale, shift), p.activation_parameter);
        if (l + 3u * WIDTH < n)
            y[base + l + 3u * WIDTH] = apply_activation(p.activation, fma(x[base + l + 3u * WIDTH] - pivot - offset, scale, shift), p.activation_parameter);
    }
    // The padded tail of a bucketed recording (empty otherwise).
    for (uint l = n + lid; l < stride; l += step) {
        y[base + l] = 0.0;
        if (l + WIDTH < stride) y[base + l + WIDTH] = 0.0;
        if (l + 2u * WIDTH < stride) y[base + l + 2u * WIDTH] = 0.0;
        if (l + 3u * WIDTH < stride) y[base + l + 3u * WIDTH] = 0.0;
    }
}
