#version 450
// The harmonic source of Kokoro's generator (SourceModuleHnNSF with SineGen, 9 harmonics), per
// output sample j of S = upsample * frames samples:
//   f0(j)   = f0[j / upsample]                               (nearest x300 upsampling of F0_curve)
//   uv(j)   = f0(j) > voiced_threshold                       (10 Hz)
//   phase_h(j) = 2 pi * upsample * interp(cumsum rad_h)(j)   (linear x300, align_corners=False)
//   sine_h(j)  = sine_amp sin(phase_h(j)) uv(j) + noise_h(j)
//   noise_h(j) = noise_scale (uv ? noise_std : sine_amp / 3) N(0, 1)  (seeded, see below)
//   out(j)  = tanh(sum_h w[h] sine_h(j) + b)                 (l_linear + tanh)
// The interpolation runs on the frame-rate sums kept modulo 1 (sine_phase.comp): between frames
// i0 and i1 = i0 + 1 the sum grows by rad[i1], so interp = cycles[i0] + lambda rad[i1].
// Noise: a counter-based generator (PCG hash of seed, sample, harmonic) with Box-Muller, so the
// same seed gives the same audio on every device and chunking.
// Bucketed recordings (valid_scale > 0): rad and cycles rows are `frames` apart but only
//   valid = valid_scale * call[0] + valid_offset
// frames hold the utterance (the interpolation clamps at the last valid frame, as an unpadded run
// does), and the per-call noise parameters come from the same buffer: call[1], call[2] the seed,
// call[3] the noise scale's bits (push constants are frozen when the command buffer is recorded).
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint ITEMS = 16u;

layout(std430, binding = 0) readonly buffer F0 { float f0[]; };            // [frames]
layout(std430, binding = 1) readonly buffer Rad { float rad[]; };          // [harmonics, frames]
layout(std430, binding = 2) readonly buffer Cycles { float cycles[]; };    // [harmonics, frames]
layout(std430, binding = 3) readonly buffer Mix { float mix[]; };          // l_linear: [harmonics] weights, then bias
layout(std430, binding = 4) writeonly buffer Source { float source[]; };   // [samples]
layout(std430, binding = 5) readonly buffer Call { uint call[]; };           // [F, seed low, seed high, noise scale]

layout(push_constant) uniform HarmonicSourceParams {
    uint frames;
    uint harmonics;
    uint upsample;
    uint seed_low;
    uint seed_high;
    float voiced_threshold;
    float sine_amp;
    float noise_std;
    float noise_scale;
    uint valid_scale;
    uint valid_offset;
} p;

bool bucketed() { return p.valid_scale > 0u; }
uint seed_low() { return bucketed() ? call[1] : p.seed_low; }
uint seed_high() { return bucketed() ? call[2] : p.seed_high; }
float noise_scale() { return bucketed() ? uintBitsToFloat(call[3]) : p.noise_scale; }

uint pcg(uint v) {
    uint state = v * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// Standard normal from (sample, harmonic) and the seed.
float gaussian(uint sample_index, uint harmonic) {
    uint a = pcg(sample_index ^ pcg(seed_low() ^ pcg(harmonic * 0x9E3779B9u ^ seed_high())));
    uint b = pcg(a ^ 0x85EBCA6Bu);
    float u1 = (float(a >> 8u) + 1.0) * (1.0 / 16777217.0);   // (0, 1]
    float u2 = float(b >> 8u) * (1.0 / 16777216.0);           // [0, 1)
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void main() {
    uint samples = p.frames * p.upsample;
    uint last = min(bucketed() ? p.valid_scale * call[0] + p.valid_offset : p.frames, p.frames) - 1u;
    float noise = noise_scale();
    float inv_scale = 1.0 / float(p.upsample);   // torch's float scale of the x300 interpolation
    for (uint item = 0u; item < ITEMS; item++) {
        uint j = gl_GlobalInvocationID.x * ITEMS + item;
        if (j >= samples) return;
        float f = f0[j / p.upsample];
        bool voiced = f > p.voiced_threshold;
        // area_pixel_compute_source_index, align_corners = False, clamped at 0.
        float src = max(inv_scale * (float(j) + 0.5) - 0.5, 0.0);
        uint i0 = min(uint(src), last);
        uint i1 = min(i0 + 1u, last);
        float lambda = i1 > i0 ? src - float(i0) : 0.0;
        float acc = mix[p.harmonics];
        for (uint h = 0u; h < p.harmonics; h++) {
            uint base = h * p.frames;
            float a = float(p.upsample) * cycles[base + i0];
            float b = float(p.upsample) * lambda * rad[base + i1];
            float turns = (a - floor(a)) + (b - floor(b));
            float sine = p.sine_amp * sin(6.283185307179586 * (turns - floor(turns)));
            float value = voiced ? sine : 0.0;
            if (noise != 0.0)
                value += noise * (voiced ? p.noise_std : p.sine_amp / 3.0) * gaussian(j, h);
            acc = fma(mix[h], value, acc);
        }
        float t = exp(-2.0 * abs(acc));
        source[j] = sign(acc) * (1.0 - t) / (1.0 + t);
    }
}
