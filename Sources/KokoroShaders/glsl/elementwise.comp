#version 450
// Elementwise family: one pipeline per operation (specialization constant 1), each invocation
// handling ITEMS consecutive values (specialization constant 2). GPUs use 1 item per invocation
// (coalesced); CPU devices use more, amortising per-invocation overhead.
//   OP_ADD        out = a + b
//   OP_MUL        out = a * b
//   OP_LEAKY_RELU out = a >= 0 ? a : a * parameter
//   OP_GELU_TANH  out = 0.5 a (1 + tanh(sqrt(2/pi)(a + 0.044715 a^3)))
//   OP_SIGMOID    out = 1 / (1 + exp(-a))
//   OP_TANH       out = tanh(a)
//   OP_SNAKE      out = a + sin(alpha[c] a)^2 / alpha[c], a viewed as [channels, inner], alpha = b
//   OP_ADD_SCALED out = (a + b) * parameter      (residual joins: (residual + shortcut) / sqrt(2))
// Numbering mirrored by ElementwiseOperation in VulkanCompute.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 1) const uint OP = 0u;
layout(constant_id = 2) const uint ITEMS = 1u;

#define OP_ADD 0u
#define OP_MUL 1u
#define OP_LEAKY_RELU 2u
#define OP_GELU_TANH 3u
#define OP_SIGMOID 4u
#define OP_TANH 5u
#define OP_SNAKE 6u
#define OP_ADD_SCALED 7u

layout(std430, binding = 0) readonly buffer OperandA { float a[]; };
layout(std430, binding = 1) readonly buffer OperandB { float b[]; };  // unused by unary ops
layout(std430, binding = 2) writeonly buffer Result { float result[]; };

layout(push_constant) uniform ElementwiseParams {
    uint count;        // values in a and result
    uint inner;        // OP_SNAKE: values per channel
    uint channels;     // OP_SNAKE: length of alpha
    float parameter;   // OP_LEAKY_RELU: negative slope; OP_ADD_SCALED: the scale
} p;

void main() {
    uint first = gl_GlobalInvocationID.x * ITEMS;
    for (uint item = 0u; item < ITEMS; item++) {
        uint i = first + item;
        if (i >= p.count) return;
        float v = a[i];
        float r;
        if (OP == OP_ADD) r = v + b[i];
        else if (OP == OP_MUL) r = v * b[i];
        else if (OP == OP_LEAKY_RELU) r = v >= 0.0 ? v : v * p.parameter;
        else if (OP == OP_GELU_TANH) r = gelu_tanh(v);
        else if (OP == OP_SIGMOID) r = stable_sigmoid(v);
        else if (OP == OP_TANH) r = stable_tanh(v);
        else if (OP == OP_ADD_SCALED) r = (v + b[i]) * p.parameter;
        else {
            float alpha = b[(i / p.inner) % p.channels];
            float s = sin(alpha * v);
            r = v + s * s / alpha;
        }
        result[i] = r;
    }
}
