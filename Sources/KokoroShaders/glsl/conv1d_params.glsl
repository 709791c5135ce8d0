// Push constants of the conv1d variants; mirrored by Conv1dPushConstants in VulkanCompute.
//   x: [in_channels, in_length]    w: [out_channels, in_channels / groups, kernel_size]
//   y: [out_channels, out_length]  out_length = (in_length + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1
//   y[o, l] = bias[o] + sum_{c, k} w[o, c, k] * x[g * in_per_group + c, l * stride - padding + k * dilation]
// where g = o / (out_channels / groups); positions outside [0, in_length) read zero.
layout(push_constant) uniform Conv1dParams {
    uint in_channels;
    uint in_length;
    uint out_channels;
    uint out_length;
    uint kernel_size;
    uint stride;
    uint padding;
    uint dilation;
    uint groups;
    uint has_bias;
    uint activation;            // ACT_* from common.glsl, applied after the bias
    float activation_parameter;
} p;

// Input value at signed position `position` of channel row starting at `row_base`, zero outside.
#define CONV_INPUT(row_base, position) \
    (((position) >= 0 && (position) < int(p.in_length)) ? x[(row_base) + uint(position)] : 0.0)
