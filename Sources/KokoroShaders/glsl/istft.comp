#version 450
// Kokoro's generator tail: spec = exp(x[0:bins]) * exp(i sin(x[bins:2 bins])), then
//   torch.istft(spec, n_fft, hop, win_length = n_fft, window = hann_window(n_fft, periodic=True),
//               center=True)
// x is the conv_post output [2 bins, frames], bins = n_fft / 2 + 1; y has hop (frames - 1) samples
// (+ 1 for an odd n_fft).
// torch.istft: each frame's inverse real FFT (C2R: the imaginary parts of the DC and Nyquist bins
// are ignored)
//   s_f[n] = (1 / n_fft) (Re X[0] + (-1)^n Re X[n_fft / 2] (even n_fft only)
//                         + 2 sum_{0 < k < n_fft / 2} Re(X[k] exp(2 pi i k n / n_fft)))
// is windowed and overlap-added, divided by the overlap-added squared window, and n_fft / 2
// samples are trimmed at each end:
//   y[j] = sum_f w[n] s_f[n] / sum_f w[n]^2,  n = j + n_fft / 2 - f hop, over 0 <= n < n_fft.
// Valid length (bucketed recordings): only the first
//   valid = valid_scale * lengths[0] + valid_offset   (valid_scale 0: valid = valid_offset)
// of the `frames` columns hold the utterance; later frames are ignored, so the last samples and
// their window envelope are those of an unpadded run. Samples past hop (valid - 1) are zeros.
// One invocation per output sample: it recomputes s_f[n] for its ceil(n_fft / hop) frames.
// (The kokoro-onnx export's inverse STFT divides by a one-frame window sum instead: not this.)
#extension GL_GOOGLE_include_directive : require
#include "spectral.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Output { float y[]; };
layout(std430, binding = 2) readonly buffer Lengths { uint lengths[]; };  // [0]: F (read only when valid_scale > 0)

// Mirrored by IstftPushConstants in VulkanCompute/Kernels/Spectral.swift.
layout(push_constant) uniform IstftParams {
    uint samples;   // hop (frames - 1) + n_fft % 2
    uint n_fft;
    uint hop;
    uint frames;
    uint bins;
    uint valid_scale;
    uint valid_offset;
} p;

// Bin k of frame f: exp(log magnitude) at angle sin(raw phase).
vec2 bin_value(uint k, uint f) {
    float magnitude = exp(x[k * p.frames + f]);
    float phase = sin(x[(p.bins + k) * p.frames + f]);
    return magnitude * vec2(cos(phase), sin(phase));
}

void main() {
    // Long utterances need more than 65535 workgroups of 64 samples (F > 6990 frames): the grid
    // then wraps into y.
    uint j = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (j >= p.samples) return;
    uint t = j + p.n_fft / 2u;                                     // position in the padded signal
    uint f_first = t >= p.n_fft ? (t - p.n_fft) / p.hop + 1u : 0u;  // t - f hop < n_fft
    uint valid = min(p.valid_scale == 0u ? p.valid_offset : p.valid_scale * lengths[0] + p.valid_offset, p.frames);
    if (j >= p.hop * (valid - 1u) + (p.n_fft & 1u)) { y[j] = 0.0; return; }
    uint f_last = min(t / p.hop, valid - 1u);                       // t - f hop >= 0
    bool even = (p.n_fft & 1u) == 0u;
    uint paired = (p.n_fft - 1u) / 2u;   // bins 1 ..< paired + 1 stand for themselves and their conjugate
    float sum = 0.0, envelope = 0.0;
    for (uint f = f_first; f <= f_last; f++) {
        uint n = t - f * p.hop;
        float s = bin_value(0u, f).x;
        if (even) s += ((n & 1u) == 0u ? 1.0 : -1.0) * bin_value(p.n_fft / 2u, f).x;
        for (uint k = 1u; k <= paired; k++) {
            vec2 v = bin_value(k, f);
            vec2 e = twiddle(k * n % p.n_fft, p.n_fft);
            s += 2.0 * (v.x * e.x - v.y * e.y);
        }
        float window = hann_periodic(n, p.n_fft);
        sum = fma(window, s / float(p.n_fft), sum);
        envelope = fma(window, window, envelope);
    }
    y[j] = sum / envelope;
}
