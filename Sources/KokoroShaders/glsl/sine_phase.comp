#version 450
// SineGen's phase accumulation at frame rate (Kokoro's iSTFTNet source module), one invocation per
// harmonic h = 1..harmonics:
//   rad[h][i] = ((f0[i] * h) / sample_rate) mod 1       (torch: (f0_values / sampling_rate) % 1)
//   cycles[h][i] = (rad[h][0] + ... + rad[h][i]) mod 1    (torch.cumsum(rad), kept modulo 1)
// The reference evaluates sin(2 pi * 300 * cumsum) in float32, where the product reaches ~1e6 and
// float32 keeps only ~0.1 rad; keeping the running sum modulo 1 (the whole cycles do not change a
// sine) makes ours accurate to ~1e-5 cycles. `f0` is F0_curve at 2F frames (upsampled x300 by
// nearest neighbour, the frame value is exactly what torch's x1/300 linear downsample returns).
// Frames may be split over several dispatches (first_frame): lavapipe ends loops after 65535
// iterations; the running sum is carried through cycles[h][first_frame - 1].
layout(local_size_x = 16, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer F0 { float f0[]; };          // [frames]
layout(std430, binding = 1) buffer Rad { float rad[]; };                  // [harmonics, frames]
layout(std430, binding = 2) buffer Cycles { float cycles[]; };            // [harmonics, frames]

layout(push_constant) uniform SinePhaseParams {
    uint frames;
    uint harmonics;
    uint first_frame;
    uint frame_count;
    float sample_rate;
} p;

void main() {
    uint h = gl_GlobalInvocationID.x;
    if (h >= p.harmonics) return;
    float harmonic = float(h + 1u);
    uint base = h * p.frames;
    float running = p.first_frame > 0u ? cycles[base + p.first_frame - 1u] : 0.0;
    for (uint k = 0u; k < p.frame_count; k++) {
        uint i = p.first_frame + k;
        float x = (f0[i] * harmonic) / p.sample_rate;
        float r = x - floor(x);                // Python-style modulo: in [0, 1) for negative f0 too
        rad[base + i] = r;
        running += r;
        running -= floor(running);
        cycles[base + i] = running;
    }
}
