#version 450
// Row gather: y[r * out_row_stride + out_offset + c] = table[index[r] * table_row_stride + c]
// for r < rows, c < columns. Serves embedding lookups (index = token ids), the alignment
// expansion of Kokoro (index = token of each frame, replacing the one-hot matrix product
// d^T @ alignment), and broadcasting a style vector into every row (index all zero).
// Indices are clamped to the table so a bad id can never read outside it; the host validates ids.
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Table { float table[]; };
layout(std430, binding = 1) readonly buffer Index { uint index[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };

layout(push_constant) uniform GatherParams {
    uint rows;
    uint columns;
    uint table_rows;
    uint table_row_stride;
    uint out_row_stride;
    uint out_offset;
} p;

void main() {
    uint c = gl_GlobalInvocationID.x;
    uint r = gl_GlobalInvocationID.y;
    if (r >= p.rows || c >= p.columns) return;
    uint source = min(index[r], p.table_rows - 1u);
    y[r * p.out_row_stride + p.out_offset + c] = table[source * p.table_row_stride + c];
}
