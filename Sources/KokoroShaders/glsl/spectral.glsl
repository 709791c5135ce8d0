// Helpers of the STFT kernels (stft.comp, istft.comp). Included, never compiled on its own.
#ifndef KOKORO_SPECTRAL_GLSL
#define KOKORO_SPECTRAL_GLSL

const float TWO_PI = 6.283185307179586;

// (cos, sin) of 2 pi j / n for 0 <= j < n. The angle is taken in (-pi, pi] for accuracy, and the
// quarter turns are exact, so the DC and Nyquist bins of a real signal come out with an exactly
// zero imaginary part, as in an FFT.
vec2 twiddle(uint j, uint n) {
    if (4u * j % n == 0u) {
        uint quarter = 4u * j / n;
        return quarter == 0u ? vec2(1.0, 0.0) : quarter == 1u ? vec2(0.0, 1.0) : quarter == 2u ? vec2(-1.0, 0.0) : vec2(0.0, -1.0);
    }
    float angle = TWO_PI * (2u * j > n ? -float(n - j) : float(j)) / float(n);
    return vec2(cos(angle), sin(angle));
}

// Periodic Hann window of length n (torch.hann_window(n, periodic=True)) at 0 <= j < n.
float hann_periodic(uint j, uint n) { return 0.5 - 0.5 * twiddle(j, n).x; }

#endif
