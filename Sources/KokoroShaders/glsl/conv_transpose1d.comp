#version 450
// ConvTranspose1d (PyTorch semantics, groups 1, output_padding 0, dilation 1), without shared
// memory (for CPU devices such as lavapipe; fine on GPUs too):
//   x: [in_channels, in_length]   w[c, o, k] at c weight_stride_in + o weight_stride_out + k weight_stride_tap
//   (PyTorch's [in_channels, out_channels, kernel_size], or the faster kernel-major
//   [kernel_size, out_channels, in_channels] prepared once on the host)
//   y: [out_channels, out_length], out_length = (in_length - 1) stride - 2 padding + kernel_size
//   y[o, l] = bias[o] + sum_{c, k, i : i stride + k = l + padding} w[c, o, k] act(x[c, i])
// where act is the optional input activation (the generator's leaky_relu(x, 0.1) before each
// `ups`), applied as x is loaded.
// With t = l + padding = q stride + r (0 <= r < stride), only taps k = r + m stride contribute,
// reading i = q - m: ceil((kernel_size - r) / stride) taps per output instead of kernel_size.
// Each invocation computes ROWS output channels x COLS outputs of one phase r (t = q stride + r
// for COLS consecutive q), so all its outputs share their taps and each loaded x[c, q - m] is
// used ROWS times. Invocations along x differ only in q: their weight loads are uniform (one
// scalar load for the workgroup on lavapipe, where a per-invocation load costs a loop over lanes).
// Kernel-major weights make each of an invocation's ROWS x taps weight streams contiguous over c;
// in PyTorch's layout only taps / kernel_size of each cache line read is used. With this block
// size the difference measured small on lavapipe (3-10%, within the noise of a shared machine).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x_id = 0) in;  // specialization constant 0: invocations per workgroup (x)
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

// Mirrored by ConvTranspose1dPushConstants in VulkanCompute/Kernels/ConvTranspose1d.swift.
layout(push_constant) uniform ConvTranspose1dParams {
    uint in_channels;
    uint in_length;
    uint weight_stride_in;
    uint weight_stride_out;
    uint weight_stride_tap;
    uint out_channels;
    uint out_length;
    uint kernel_size;
    uint stride;
    uint padding;
    uint q_start;           // padding / stride: the first q with an output
    uint q_count;           // (padding + out_length - 1) / stride - q_start + 1
    uint has_bias;
    uint input_activation;  // ACT_* from common.glsl, applied to x
    float input_activation_parameter;
} p;

// Measured on lavapipe (Kokoro's ups.0 / ups.1, 8-wide workgroups): 16 x 8 is ~1.5x faster than
// 8 x 8 and faster than 16 x 4, 64 x 2 and 64 x 4; 32 x 8 was about as fast (noisy machine).
const uint ROWS = 16u;  // output channels per invocation
const uint COLS = 8u;   // outputs (consecutive q of one phase) per invocation

void main() {
    uint row_blocks = (p.out_channels + ROWS - 1u) / ROWS;
    uint r = gl_WorkGroupID.y / row_blocks;
    uint row0 = (gl_WorkGroupID.y % row_blocks) * ROWS;
    uint q_offset = gl_GlobalInvocationID.x * COLS;
    if (r >= p.stride || q_offset >= p.q_count) return;
    uint q0 = p.q_start + q_offset;
    uint taps = r < p.kernel_size ? (p.kernel_size - r + p.stride - 1u) / p.stride : 0u;

    // Offset of w[0, o, r] for each of the ROWS channels (clamped: rows past the end are computed
    // and dropped).
    uint weight_row[ROWS];
    for (uint i = 0u; i < ROWS; i++) weight_row[i] = min(row0 + i, p.out_channels - 1u) * p.weight_stride_out + r * p.weight_stride_tap;

    float acc[ROWS][COLS];
    for (uint i = 0u; i < ROWS; i++)
        for (uint j = 0u; j < COLS; j++) acc[i][j] = 0.0;

    for (uint c = 0u; c < p.in_channels; c++) {
        uint row_base = c * p.in_length;
        uint weight_base = c * p.weight_stride_in;
        for (uint m = 0u; m < taps; m++) {
            int first = int(q0) - int(m);   // input index of the first output
            float xv[COLS];
            for (uint j = 0u; j < COLS; j++) {
                int i = first + int(j);
                float v = (i >= 0 && i < int(p.in_length)) ? x[row_base + uint(i)] : 0.0;
                xv[j] = apply_activation(p.input_activation, v, p.input_activation_parameter);
            }
            uint k_offset = weight_base + m * p.stride * p.weight_stride_tap;   // tap k = r + m stride
            for (uint i = 0u; i < ROWS; i++) {
                float wv = w[weight_row[i] + k_offset];
                for (uint j = 0u; j < COLS; j++) acc[i][j] = fma(wv, xv[j], acc[i][j]);
            }
        }
    }

    // No break or continue here: loops with constant trip counts are fully unrolled, so acc is
    // indexed statically (an epilogue with break / continue was measured 2x slower on lavapipe).
    for (uint i = 0u; i < ROWS; i++) {
        uint o = row0 + i;
        float b = (p.has_bias != 0u && o < p.out_channels) ? bias[o] : 0.0;
        for (uint j = 0u; j < COLS; j++) {
            uint l = (q0 + j) * p.stride + r - p.padding;   // wraps below 0; the t >= padding test rejects it
            if (o < p.out_channels && (q0 + j) * p.stride + r >= p.padding && l < p.out_length) y[o * p.out_length + l] = acc[i][j] + b;
        }
    }
}
