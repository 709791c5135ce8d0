#version 450
// Reflection padding of a channel-major [channels, length] tensor (torch ReflectionPad1d((left,
// right))): y[c, j] = x[c, reflect(j - left)], output length left + length + right, where
// reflect(i) = -i for i < 0 and 2 (length - 1) - i for i >= length (the edge value is not
// repeated; left, right < length). Kokoro's generator pads (1, 0): y[:, 0] = x[:, 1].
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Output { float y[]; };

layout(push_constant) uniform ReflectionPadParams {
    uint channels;
    uint in_length;
    uint left;
    uint right;
} p;

void main() {
    uint j = gl_GlobalInvocationID.x;
    uint c = gl_GlobalInvocationID.y;
    uint out_length = p.left + p.in_length + p.right;
    if (j >= out_length || c >= p.channels) return;
    int i = int(j) - int(p.left);
    if (i < 0) i = -i;
    if (i >= int(p.in_length)) i = 2 * (int(p.in_length) - 1) - i;
    y[c * out_length + j] = x[c * p.in_length + uint(i)];
}
