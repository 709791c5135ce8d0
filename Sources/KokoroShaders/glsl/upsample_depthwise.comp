#version 450
// Two small channel-major [channels, length] ops of Kokoro's upsampling AdainResBlk1d.
// MODE_NEAREST2: y[c, o] = x[c, o / 2]                         (F.interpolate(scale 2, nearest))
// MODE_POOL:     depthwise ConvTranspose1d(kernel 3, stride 2, padding 1, output_padding 1):
//   y[c, o] = bias[c] + sum_k w[c, k] x[c, i] over k with o = 2 i - 1 + k, 0 <= i < length
// Output length is 2 * length in both modes.
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint MODE = 0u;
#define MODE_NEAREST2 0u
#define MODE_POOL 1u

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };   // [channels, 1, 3]
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) writeonly buffer Output { float y[]; };

layout(push_constant) uniform UpsampleParams {
    uint channels;
    uint positions;   // input length; the output has 2 * positions
} p;

void main() {
    uint o = gl_GlobalInvocationID.x;
    uint c = gl_GlobalInvocationID.y;
    uint out_length = 2u * p.positions;
    if (o >= out_length || c >= p.channels) return;
    if (MODE == MODE_NEAREST2) {
        y[c * out_length + o] = x[c * p.positions + o / 2u];
        return;
    }
    float acc = bias[c];
    for (uint k = 0u; k < 3u; k++) {
        int twice_i = int(o) + 1 - int(k);          // 2 i = o + padding - k
        if (twice_i < 0 || (twice_i & 1) != 0) continue;
        uint i = uint(twice_i) / 2u;
        if (i < p.positions) acc = fma(w[c * 3u + k], x[c * p.positions + i], acc);
    }
    y[c * out_length + o] = acc;
}
