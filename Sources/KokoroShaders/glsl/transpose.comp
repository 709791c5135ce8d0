#version 450
// Batched 2-D transpose with strides: y[b][c][r] = x[b][r][c] for r < rows, c < columns.
//   x element (b, r, c) at in_offset + b * in_batch_stride + r * in_row_stride + c
//   y element (b, c, r) at out_offset + b * out_batch_stride + c * out_row_stride + r
// Moves data between Kokoro's token-major [T, C] (linear layers, LSTMs) and channel-major [C, T]
// (convolutions, norms) layouts, and splits attention heads.
layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Output { float y[]; };

layout(push_constant) uniform TransposeParams {
    uint rows;
    uint columns;
    uint in_row_stride;
    uint in_batch_stride;
    uint out_row_stride;
    uint out_batch_stride;
    uint in_offset;
    uint out_offset;
} p;

void main() {
    uint c = gl_GlobalInvocationID.x;
    uint r = gl_GlobalInvocationID.y;
    uint b = gl_WorkGroupID.z;
    if (r >= p.rows || c >= p.columns) return;
    y[p.out_offset + b * p.out_batch_stride + c * p.out_row_stride + r] = x[p.in_offset + b * p.in_batch_stride + r * p.in_row_stride + c];
}
