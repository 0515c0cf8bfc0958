// The LSTM cell of the GtS planner's batched collision predictor (see docs/neural.md).
#ifndef SWIFTLET_NEURAL_LSTM_H
#define SWIFTLET_NEURAL_LSTM_H

/// One LSTM step's cell update for `rows` rows, after the gate GEMM. Row r's pre-activations are
/// z[r*ldz + k] + bias[k] for k < 4*hd, in gate order (i, f, g, o), with the g gate's weights
/// and bias doubled so one sigmoid serves every gate (tanh x = 2 sigmoid(2x) - 1). For each
/// unit j:
///     c = sigmoid(f) * c + sigmoid(i) * (2 * sigmoid(g) - 1)
///     h = sigmoid(o) * (2 * sigmoid(2 * c) - 1)
/// with c at c[r*ldc + j] (read and written) and h written at h[r*ldh + j]; z is only read.
/// sigmoid is FastMath.swift's fastSigmoid (relative error about 2e-7). Runs on any x86-64 CPU,
/// with AVX-512 where swl_sgemm_available(); the two versions agree to about 1e-7, not bit for
/// bit. Deterministic: a row's result depends only on that row.
void swl_lstm_cell_doubled(const float *z, int ldz, const float *bias, float *c, int ldc, float *h, int ldh, int rows,
                           int hd);

/// swl_lstm_cell_doubled's baseline version on any CPU, so tests can compare the two versions.
void swl_lstm_cell_doubled_baseline(const float *z, int ldz, const float *bias, float *c, int ldc, float *h, int ldh,
                                    int rows, int hd);

#endif
