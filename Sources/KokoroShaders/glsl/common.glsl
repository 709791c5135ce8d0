// Shared helpers for every compute shader. Included, never compiled on its own.
//
// lavapipe (llvmpipe) ends any single loop after 65535 iterations per invocation, counted over the
// whole invocation (an inner loop's count is not reset by its outer loop). Kernels whose loops
// could run longer must split the work across invocations or dispatches (see lstm_recurrence).
#ifndef KOKORO_COMMON_GLSL
#define KOKORO_COMMON_GLSL

// Activation epilogues fused into GEMM / conv outputs and used by the elementwise kernel.
// The numbering is mirrored by `Activation` in VulkanCompute/Kernels/Activation.swift.
#define ACT_NONE 0u
#define ACT_LEAKY_RELU 1u
#define ACT_GELU_TANH 2u
#define ACT_SIGMOID 3u
#define ACT_TANH 4u

// tanh without exp overflow: GLSL's tanh may return NaN for |x| > ~44 on some drivers.
float stable_tanh(float x) {
    float t = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - t) / (1.0 + t);
}

// exp(-x) overflows to +inf for x < -88, and 1 / (1 + inf) = 0 is the right limit.
float stable_sigmoid(float x) { return 1.0 / (1.0 + exp(-x)); }

// ALBERT's "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
float gelu_tanh(float x) {
    const float k = 0.7978845608028654;
    return 0.5 * x * (1.0 + stable_tanh(k * (x + 0.044715 * x * x * x)));
}

float apply_activation(uint activation, float x, float parameter) {
    if (activation == ACT_LEAKY_RELU) return x >= 0.0 ? x : x * parameter;
    if (activation == ACT_GELU_TANH) return gelu_tanh(x);
    if (activation == ACT_SIGMOID) return stable_sigmoid(x);
    if (activation == ACT_TANH) return stable_tanh(x);
    return x;
}

#endif
