#version 450
// Zeros the padded tail of a channel-major [rows, stride] tensor in a bucketed recording:
//   x[r, l] = 0   for valid <= l < stride,   valid = valid_scale * lengths[0] + valid_offset
// lengths[0] is the frame count F, written per call; the command buffer is recorded once per
// bucket of frame counts, so the tail's width is known only when it runs. Convolutions read
// neighbouring columns and must see the zero padding of an unpadded run past the valid end
// (e.g. before ConvTranspose1d, conv_post, and after the decoder's depthwise pool, whose bias fills
// the tail). The grid covers columns [min_valid, stride): min_valid is the smallest valid length
// the recording serves, so a call touches at most the bucket's slack, not the whole tensor.
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) buffer Data { float x[]; };
layout(std430, binding = 1) readonly buffer Lengths { uint lengths[]; };   // [0]: F

layout(push_constant) uniform ZeroTailParams {
    uint rows;
    uint stride;
    uint valid_scale;
    uint valid_offset;
    uint min_valid;
} p;

void main() {
    uint l = p.min_valid + gl_GlobalInvocationID.x;
    uint r = gl_GlobalInvocationID.y;
    uint valid = p.valid_scale * lengths[0] + p.valid_offset;
    if (r >= p.rows || l >= p.stride || l < valid) return;
    x[r * p.stride + l] = 0.0;
}
