#version 450
// Kokoro's TorchSTFT.transform of a mono signal x [samples]:
//   torch.stft(x, n_fft, hop, win_length = n_fft, window = hann_window(n_fft, periodic=True),
//              center=True, pad_mode='reflect', return_complex=True)
//   X[k, f] = sum_{n < n_fft} w[n] x[reflect(f hop + n - n_fft / 2)] exp(-2 pi i k n / n_fft)
//   y[k, f] = |X[k, f]|, y[bins + k, f] = angle(X[k, f])   for k < bins = n_fft / 2 + 1
// y is [2 bins, frames], frames = samples / hop + 1 (magnitude rows, then phase rows).
// reflect(i) = -i below 0 and 2 (samples - 1) - i past the end (needs samples > n_fft / 2).
// angle follows PyTorch at the branch cut: +pi for (re < 0, im = 0), and 0 for X = 0.
// Valid length (bucketed recordings): the signal holds
//   valid = valid_scale * lengths[0] + valid_offset   (valid_scale 0: valid = valid_offset)
// samples of the utterance; `samples` and `frames` size the buffers (the bucket). The reflection
// at the right edge uses the valid length, and frames >= valid / hop + 1 are written as zeros
// (the zero padding noise_convs sees past the end), as an unpadded run would.
// One invocation per (frame, bin): a direct DFT of n_fft terms (n_fft is small: Kokoro's is 20).
#extension GL_GOOGLE_include_directive : require
#include "spectral.glsl"

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Output { float y[]; };
layout(std430, binding = 2) readonly buffer Lengths { uint lengths[]; };  // [0]: F (read only when valid_scale > 0)

// Mirrored by StftPushConstants in VulkanCompute/Kernels/Spectral.swift.
layout(push_constant) uniform StftParams {
    uint samples;
    uint n_fft;
    uint hop;
    uint frames;
    uint bins;
    uint valid_scale;
    uint valid_offset;
} p;

void main() {
    uint f = gl_GlobalInvocationID.x;
    uint k = gl_GlobalInvocationID.y;
    if (f >= p.frames || k >= p.bins) return;
    uint valid = min(p.valid_scale == 0u ? p.valid_offset : p.valid_scale * lengths[0] + p.valid_offset, p.samples);
    if (f >= valid / p.hop + 1u) {
        y[k * p.frames + f] = 0.0;
        y[(p.bins + k) * p.frames + f] = 0.0;
        return;
    }
    int start = int(f * p.hop) - int(p.n_fft / 2u);
    int last = int(valid) - 1;
    float re = 0.0, im = 0.0;
    for (uint n = 0u; n < p.n_fft; n++) {
        int i = start + int(n);
        if (i < 0) i = -i;
        if (i > last) i = 2 * last - i;
        float v = hann_periodic(n, p.n_fft) * x[uint(i)];
        vec2 e = twiddle(k * n % p.n_fft, p.n_fft);
        re = fma(v, e.x, re);
        im = fma(-v, e.y, im);
    }
    float magnitude = sqrt(re * re + im * im);
    float phase = im == 0.0 ? (re < 0.0 ? 3.141592653589793 : 0.0) : atan(im, re);
    y[k * p.frames + f] = magnitude;
    y[(p.bins + k) * p.frames + f] = phase;
}
