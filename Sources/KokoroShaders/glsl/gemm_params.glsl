// Push constants of both GEMM variants; mirrored by GemmPushConstants in VulkanCompute.
//   C[b] (M x N, row stride ldc) = A[b] (M x K, row stride lda) * B[b] (N x K, row stride ldb)^T + bias (N)
// Batch b = gl_WorkGroupID.z; each operand advances by its batch stride (elements) and starts at its
// offset (elements), so one buffer can hold several operands (Q, K and V side by side).
layout(push_constant) uniform GemmParams {
    uint M;
    uint N;
    uint K;
    uint lda;
    uint ldb;
    uint ldc;
    uint batch_stride_a;
    uint batch_stride_b;
    uint batch_stride_c;
    uint has_bias;      // 0 or 1: bias is read only when set (binding 3 must still be bound)
    uint activation;    // ACT_* from common.glsl, applied after the bias
    float activation_parameter; // the negative slope for ACT_LEAKY_RELU
    uint offset_a;
    uint offset_b;
    uint offset_c;
} p;
