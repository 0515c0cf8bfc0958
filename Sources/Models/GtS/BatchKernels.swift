import Foundation
import Neural

/// Row-major single-precision GEMM on OpenBLAS with explicit leading dimensions (the Neural
/// engine's wrapper is internal to it): C[m, n] = op(A)[m, k] op(B)[k, n] + beta C.
@inline(__always)
func sgemm(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
           transB: Bool = false, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 || k == 0 { return }
    BLAS.product(transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
}

/// Vectorisable e^x for x clamped to [-87.3, 88.3] (Cephes polynomial, relative error about
/// 2e-7): 2^n p(r) with n = round(x / ln 2) found by the 1.5 * 2^23 rounding trick, so the loop
/// has no branches and no float-to-int traps.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let x = Swift.min(Swift.max(x, -87.3), 88.3)
    let t = x * 1.442_695_04 + 12_582_912
    let n = t - 12_582_912
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * r * r + r + 1
    return y * Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
}

/// 1 / (1 + e^-x) with `fastExp` (absolute error below 1e-7).
@inline(__always)
func fastSigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }

/// Eight floats: the unit of the explicit-SIMD kernels (two SSE or one AVX register).
typealias Lanes = SIMD8<Float>

@inline(__always) func loadLanes(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

/// `fastExp` on eight lanes.
@inline(__always)
func fastExp(_ v: Lanes) -> Lanes {
    var x = v
    x.replace(with: -87.3, where: x .< -87.3)
    x.replace(with: 88.3, where: x .> 88.3)
    let t = x * 1.442_695_04 + 12_582_912
    let n = t - 12_582_912
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = Lanes(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * r * r + r + 1
    let bits = (unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return y * unsafeBitCast(bits, to: Lanes.self)
}

/// `fastSigmoid` on eight lanes.
@inline(__always)
func fastSigmoid(_ x: Lanes) -> Lanes { 1 / (1 + fastExp(-x)) }

/// Logistic sigmoid of `count` contiguous floats, in place.
@inline(__always)
func sigmoidInPlace(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i + 8 <= count { storeLanes(fastSigmoid(loadLanes(p + i)), p + i); i += 8 }
    while i < count { p[i] = fastSigmoid(p[i]); i += 1 }
}

/// Exact logistic sigmoid without overflow (the Neural engine's formula).
@inline(__always)
func exactSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}

/// Hands pointers to concurrent workers that write disjoint memory.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(block, lane)` for blocks `0..<blocks` on up to `lanes` threads, lane l taking
/// blocks l, l + lanes, ...: a fixed partition, so the result does not depend on scheduling.
/// `body` must write disjoint memory per block (and per-lane scratch by `lane`).
func forEachBlock(_ blocks: Int, lanes wanted: Int, _ body: (_ block: Int, _ lane: Int) -> Void) {
    let lanes = min(wanted, blocks)
    if lanes <= 1 {
        for b in 0..<blocks { body(b, 0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let work = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            var b = lane
            while b < blocks { work.value(b, lane); b += lanes }
        }
    }
}
