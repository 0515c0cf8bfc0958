import Foundation
import Neural

/// Row-major single-precision GEMM with explicit leading dimensions through the Neural engine's
/// `BLAS.product` (its own kernel or OpenBLAS, by size): C[m, n] = op(A)[m, k] op(B)[k, n] + beta C.
@inline(__always)
func sgemm(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
           transB: Bool = false, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 || k == 0 { return }
    BLAS.product(transB: transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
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
