import Geometry
import Testing
@testable import Models

@Suite struct CholeskyTests {
    @Test func lowerFactorReproducesARandomSPDMatrix() throws {
        // a = B B^T + 0.5 I is symmetric positive definite
        let d = 6
        var rng = RNG(seed: 11)
        let b = (0..<(d * d)).map { _ in rng.normal() }
        var a = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { for p in 0..<d { a[i * d + j] += b[i * d + p] * b[j * d + p] } } }
        for i in 0..<d { a[i * d + i] += 0.5 }
        let l = try #require(Cholesky.lower(a, d))
        for i in 0..<d {
            for j in 0..<d {
                if j > i { #expect(l[i * d + j] == 0) }
                var s = 0.0
                for p in 0..<d { s += l[i * d + p] * l[j * d + p] }
                #expect(abs(s - a[i * d + j]) < 1e-10 * (1 + abs(a[i * d + j])))
            }
            #expect(l[i * d + i] > 0)
        }
    }

    @Test func refusesMatricesThatAreNotPositiveDefinite() {
        // eigenvalues 3 and -1
        #expect(Cholesky.lower([1, 2, 2, 1], 2) == nil)
        // singular (rank 1)
        #expect(Cholesky.lower([1, 1, 1, 1], 2) == nil)
        #expect(Cholesky.lower([.nan, 0, 0, 1], 2) == nil)
        #expect(Cholesky.lower([4, 0, 0, 9], 2) == [2, 0, 0, 3])
    }
}
