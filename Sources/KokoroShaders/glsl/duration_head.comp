#version 450
// Kokoro's duration head after duration_proj: for each token t of `tokens`,
//   duration[t] = sum_j sigmoid(logits[t, j]) / speed            (j < bins, max_dur = 50)
//   frames[t]   = max(1, round_half_to_even(duration[t]))        (torch.round, then clamp(min=1))
// GLSL's roundEven is round-half-to-even, matching torch.round (C's roundf would round halves up).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };   // [tokens, bins]
layout(std430, binding = 1) writeonly buffer Duration { float duration[]; };
layout(std430, binding = 2) writeonly buffer Frames { uint frames[]; };

layout(push_constant) uniform DurationParams {
    uint tokens;
    uint bins;
    float speed;
} p;

void main() {
    uint t = gl_GlobalInvocationID.x;
    if (t >= p.tokens) return;
    float sum = 0.0;
    for (uint j = 0u; j < p.bins; j++) sum += stable_sigmoid(logits[t * p.bins + j]);
    float d = sum / p.speed;
    duration[t] = d;
    frames[t] = uint(max(1.0, roundEven(d)));
}
