#version 450
// Row softmax of attention scores with scaling and a key-length mask:
//   y[r, j] = exp(s x[r, j] - m) / sum_j' exp(s x[r, j'] - m)   for j < valid_columns, else 0
// where m is the row maximum (subtracted for stability). HuggingFace's ALBERT adds a large negative
// number to masked scores before the softmax; masked keys get exactly zero weight either way.
// One invocation per row.
layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) buffer Scores { float x[]; };  // in place: [rows, columns]

layout(push_constant) uniform SoftmaxParams {
    uint rows;
    uint columns;
    uint valid_columns;
    float scale;
} p;

void main() {
    uint row = gl_GlobalInvocationID.x;
    if (row >= p.rows) return;
    uint base = row * p.columns;
    uint valid = min(p.valid_columns, p.columns);
    float m = -3.402823e38;
    for (uint j = 0u; j < valid; j++) m = max(m, x[base + j] * p.scale);
    float sum = 0.0;
    for (uint j = 0u; j < valid; j++) { float e = exp(x[base + j] * p.scale - m); x[base + j] = e; sum += e; }
    float inv = valid > 0u ? 1.0 / sum : 0.0;
    for (uint j = 0u; j < valid; j++) x[base + j] *= inv;
    for (uint j = valid; j < p.columns; j++) x[base + j] = 0.0;
}
