#version 450
// The recurrent half of a bidirectional LSTM layer (PyTorch gate order i, f, g, o), one persistent
// workgroup per direction looping over all time steps: no dispatch per step.
//   gates[t] = input_gates[t, direction] + W_hh[direction] h_{t-1}      (4H values)
//   i = sigmoid, f = sigmoid, g = tanh, o = sigmoid of their quarter
//   c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)
// The input half x_t W_ih^T + b_ih + b_hh of all steps is one GEMM beforehand (input_gates,
// [steps, 2 * 4H], direction-major within a row). Direction 1 runs t = steps-1 .. 0 (PyTorch's
// `_reverse`). Output row t is [h_forward(t) | h_reverse(t)] at column offset direction * H.
// The steps may be split over several dispatches (first_step, step_count): h and c are carried in
// `state` between them. lavapipe (llvmpipe) silently ends any loop nest after 65535 iterations
// in total, which a whole utterance exceeds (hundreds of steps x H multiply-adds), so CPU devices
// run chunks that stay below it; GPUs run all steps in one dispatch.
// Each invocation owns UNITS hidden units (j = local id + u * workgroup size), so H may be up to
// UNITS x workgroup size. h is double-buffered in shared memory (step s reads slot s % 2 and
// writes the other), so one barrier per step separates every write from every read.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;

const uint UNITS = 4u;
const uint MAX_HIDDEN = 1024u;

layout(std430, binding = 0) readonly buffer InputGates { float input_gates[]; };   // [steps, 2, 4H]
layout(std430, binding = 1) readonly buffer Recurrent { float w_hh[]; };           // [2, 4H, H]
layout(std430, binding = 2) writeonly buffer Output { float y[]; };                // [steps, out_row_stride]
layout(std430, binding = 3) buffer State { float state[]; };                       // [2 directions, (h, c), H]

layout(push_constant) uniform LstmParams {
    uint steps;            // total steps of the sequence
    uint hidden;
    uint out_row_stride;   // >= 2H
    uint first_step;       // this dispatch runs steps first_step ..< first_step + step_count
    uint step_count;
} p;

shared float h_shared[2][MAX_HIDDEN];

void main() {
    uint direction = gl_WorkGroupID.x;
    uint lid = gl_LocalInvocationID.x;
    uint width = gl_WorkGroupSize.x;
    uint H = p.hidden;
    uint gate_row = 8u * H;                         // floats per input_gates row
    uint w_base = direction * 4u * H * H;

    uint state_h = direction * 2u * H, state_c = state_h + H;
    bool resume = p.first_step > 0u;
    float c_state[UNITS];
    for (uint u = 0u; u < UNITS; u++) {
        uint j = lid + u * width;
        c_state[u] = (resume && j < H) ? state[state_c + j] : 0.0;
        if (j < H) h_shared[0][j] = resume ? state[state_h + j] : 0.0;
    }
    barrier();

    for (uint local_step = 0u; local_step < p.step_count; local_step++) {
        uint step = p.first_step + local_step;
        uint t = direction == 0u ? step : p.steps - 1u - step;
        uint read_slot = local_step & 1u;
        for (uint u = 0u; u < UNITS; u++) {
            uint j = lid + u * width;
            if (j >= H) continue;
            uint g_base = t * gate_row + direction * 4u * H;
            float gi = input_gates[g_base + j];
            float gf = input_gates[g_base + H + j];
            float gg = input_gates[g_base + 2u * H + j];
            float go = input_gates[g_base + 3u * H + j];
            uint ri = w_base + j * H, rf = w_base + (H + j) * H, rg = w_base + (2u * H + j) * H, ro = w_base + (3u * H + j) * H;
            for (uint k = 0u; k < H; k++) {
                float h = h_shared[read_slot][k];
                gi = fma(w_hh[ri + k], h, gi);
                gf = fma(w_hh[rf + k], h, gf);
                gg = fma(w_hh[rg + k], h, gg);
                go = fma(w_hh[ro + k], h, go);
            }
            c_state[u] = stable_sigmoid(gf) * c_state[u] + stable_sigmoid(gi) * stable_tanh(gg);
            float h_new = stable_sigmoid(go) * stable_tanh(c_state[u]);
            h_shared[read_slot ^ 1u][j] = h_new;
            y[t * p.out_row_stride + direction * H + j] = h_new;
        }
        barrier();   // h_t complete in the other slot; nobody reads this step's slot again until step + 2
    }

    // Carry h and c to the next chunk; the final h sits in the slot the next step would read.
    uint last_slot = p.step_count & 1u;
    for (uint u = 0u; u < UNITS; u++) {
        uint j = lid + u * width;
        if (j >= H) continue;
        state[state_h + j] = h_shared[last_slot][j];
        state[state_c + j] = c_state[u];
    }
}
