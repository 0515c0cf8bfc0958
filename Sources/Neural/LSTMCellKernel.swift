import CNeuralKernels

/// The cell update of a batched LSTM step whose g gate's weights are doubled (so one sigmoid
/// serves every gate: tanh x = 2 sigmoid(2x) - 1), for planners that score many candidate
/// sequences at once (the GtS collision predictor's `CollisionBatchEvaluator`).
///
/// For each of `rows` rows, with pre-activations `z[r * ldz + k] + bias[k]` (k < 4 hd) in gate
/// order (i, f, g, o): `c = σ(f) c + σ(i) (2 σ(g) - 1)` in place at `c[r * ldc + j]`, and
/// `h = σ(o) (2 σ(2c) - 1)` written at `h[r * ldh + j]`; `z` is only read. Adding the bias here
/// lets the gate GEMM run with beta 0: no bias copy into every row, no read of C.
/// σ is `fastSigmoid`. Runs in C (`swl_lstm_cell_doubled`, Sources/CNeuralKernels/lstm.c):
/// with fastSigmoid's exact operations on SSE, and with FMAs and a reciprocal estimate instead of
/// the division on CPUs with AVX-512 (a 512-bit division is slow on Intel cores); the two agree
/// to a few units in the last place. `baselineOnly` runs the SSE version on any CPU (tests).
public func lstmCellDoubled(gates z: UnsafePointer<Float>, ldz: Int, bias: UnsafePointer<Float>,
                            cell c: UnsafeMutablePointer<Float>, ldc: Int,
                            hidden h: UnsafeMutablePointer<Float>, ldh: Int, rows: Int, units hd: Int,
                            baselineOnly: Bool = false) {
    precondition(rows >= 0 && hd >= 0 && ldz >= 4 * hd && ldc >= hd && ldh >= hd, "lstmCellDoubled: bad sizes")
    (baselineOnly ? swl_lstm_cell_doubled_baseline : swl_lstm_cell_doubled)(
        z, Int32(ldz), bias, c, Int32(ldc), h, Int32(ldh), Int32(rows), Int32(hd))
}
