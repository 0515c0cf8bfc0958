/// Branch-free Float32 exponential so elementwise loops vectorise (the libm calls do not).
/// Cephes polynomial; relative error about 2e-7 over the clamped range [-87.3, 88].
@inline(__always) func fastExp(_ x: Float) -> Float {
    let x = Swift.min(Swift.max(x, -87.3), 88.0)
    let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * r * r + r + 1
    return y * Float(bitPattern: UInt32(bitPattern: Int32(n) &+ 127) &<< 23)
}

/// Logistic sigmoid from `fastExp`; 0 and 1 at the extremes, never NaN.
@inline(__always) func fastSigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }

/// tanh from `fastExp` (absolute error about 1e-7).
@inline(__always) func fastTanh(_ x: Float) -> Float {
    let e = fastExp(2 * Swift.min(Swift.max(x, -9), 9))
    return (e - 1) / (e + 1)
}
