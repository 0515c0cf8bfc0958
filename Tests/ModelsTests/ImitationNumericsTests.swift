import Foundation
import Geometry
@testable import Models
import Testing

/// Largest absolute entry of a - b.
private func maxDiff(_ a: Matrix, _ b: Matrix) -> Double {
    zip(a.values, b.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Moments of u = W x (+ optional noise) over `n` Gaussian x.
private func moments(_ w: Matrix, samples n: Int, noise: Double = 0, rng: inout RNG) -> SecondMoments {
    var m = SecondMoments(stateDim: w.cols, inputDim: w.rows)
    for _ in 0..<n {
        let x = (0..<w.cols).map { _ in rng.normal() }
        var u = w.apply(x)
        for i in 0..<u.count { u[i] += noise * rng.normal() }
        m.add(x: x, u: u)
    }
    return m
}

@Suite("Imitation numerics")
struct ImitationNumericsTests {
    @Test func matrixSolveInverseAndProducts() throws {
        let a = Matrix([[0, 2, 1], [1, 1, 0], [3, 0, 1]])  // needs pivoting (a00 = 0)
        let x = Matrix([[1, -1], [2, 0.5], [-3, 4]])
        let b = a * x
        let solved = try #require(a.solve(b))
        #expect(maxDiff(solved, x) < 1e-12)
        let inv = try #require(a.inverse)
        #expect(maxDiff(a * inv, .identity(3)) < 1e-12)
        #expect(Matrix([[1, 2], [2, 4]]).inverse == nil)
        #expect(Matrix([[1, 2, 3]]).transposed == Matrix([[1], [2], [3]]))
    }

    @Test func symmetricEigenAndSpectralRadius() throws {
        var rng = RNG(seed: 3)
        let g = Matrix.gaussian(rows: 6, cols: 6, rng: &rng)
        let s = g.transposed * g
        let (values, vectors) = s.symmetricEigen()
        #expect(values == values.sorted(by: >))
        // V^T diag V reconstructs S; V orthonormal
        var d = Matrix(rows: 6, cols: 6)
        for i in 0..<6 { d[i, i] = values[i] }
        #expect(maxDiff(vectors.transposed * d * vectors, s) < 1e-10)
        #expect(maxDiff(vectors * vectors.transposed, .identity(6)) < 1e-12)
        // a scaled rotation has radius 0.5 (complex pair); a non-normal 2x2 has radius 0.9
        let c = cos(0.7), sn = sin(0.7)
        #expect(abs(Matrix([[0.5 * c, -0.5 * sn], [0.5 * sn, 0.5 * c]]).spectralRadius - 0.5) < 1e-4)  // Frobenius overestimate sqrt(2)^(1/4096)
        #expect(abs(Matrix([[0.9, 5], [0, 0.3]]).spectralRadius - 0.9) < 1e-3)
        #expect(abs(Matrix([[1, 2], [0, 0.5]]).spectralNorm - Matrix([[1, 2], [0, 0.5]]).transposed.spectralNorm) < 1e-9)
    }

    @Test func leastSquaresRecoversNoiselessGainAndRefusesBadData() throws {
        var rng = RNG(seed: 11)
        let w = Matrix.gaussian(rows: 3, cols: 7, rng: &rng)
        let fit = try LeastSquares.fit(moments(w, samples: 12, rng: &rng))
        #expect(maxDiff(fit, w) < 1e-9)
        #expect(throws: LeastSquaresError.tooFewSamples(samples: 5, features: 7)) {
            try LeastSquares.fit(moments(w, samples: 5, rng: &rng))
        }
        // a feature that is always zero: the Gram matrix is singular
        var m = SecondMoments(stateDim: 2, inputDim: 1)
        for i in 0..<10 { m.add(x: [Double(i), 0], u: [1]) }
        #expect(throws: LeastSquaresError.self) { try LeastSquares.fit(m) }
    }

    @Test func pretrainingRecoversSharedRepresentationExactly() throws {
        var rng = RNG(seed: 5)
        let nx = 10, nu = 2, k = 3, sources = 4
        let phi = try #require(Matrix.gaussian(rows: k, cols: nx, rng: &rng).orthonormalizedRows()).q
        let heads = (0..<sources).map { _ in Matrix.gaussian(rows: nu, cols: k, rng: &rng) }
        let data = heads.map { moments($0 * phi, samples: 30, rng: &rng) }
        let rep = try ImitationEstimators.pretrain(data, rank: k)
        for h in 0..<sources { #expect(maxDiff(rep.gain(h), heads[h] * phi) < 1e-8) }
        // the same row space: equal projectors
        #expect(maxDiff(rep.phi.transposed * rep.phi, phi.transposed * phi) < 1e-8)
        // a new target in the span is learnt from k samples with phi frozen; scratch cannot
        let target = Matrix.gaussian(rows: nu, cols: k, rng: &rng) * phi
        let few = moments(target, samples: k + 1, rng: &rng)
        #expect(maxDiff(try ImitationEstimators.fineTune(few, phi: rep.phi), target) < 1e-8)
        #expect(throws: LeastSquaresError.self) { try ImitationEstimators.scratch(few) }
    }

    @Test func alternatingStepsNeverIncreaseTheObjective() throws {
        var rng = RNG(seed: 8)
        let nx = 8, nu = 2, k = 2
        let phi = try #require(Matrix.gaussian(rows: k, cols: nx, rng: &rng).orthonormalizedRows()).q
        let data = (0..<5).map { _ in moments(Matrix.gaussian(rows: nu, cols: k, rng: &rng) * phi, samples: 40, noise: 0.5, rng: &rng) }
        let rep = try ImitationEstimators.pretrain(data, rank: k)
        #expect(rep.objectiveTrace.count >= 2)
        for (a, b) in zip(rep.objectiveTrace, rep.objectiveTrace.dropFirst()) { #expect(b <= a * (1 + 1e-12)) }
        // the estimate beats the true (phi, F) on its own data only by the fitted noise: it is at
        // least as good as any other factorisation, e.g. the truth's own least-squares heads
        let truthHeads = try data.map { try ImitationEstimators.headFit($0, phi: phi) }
        #expect(rep.objectiveTrace.last! <= ImitationEstimators.objective(data, phi: phi, heads: truthHeads) * (1 + 1e-9))
    }

    @Test func lqrMatchesHandSolvedScalarCase() throws {
        // x+ = x + u, q = r = 1: P^2 - P - 1 = 0, P = golden ratio, K = -P / (1 + P)
        let sys = LinearSystem(a: Matrix([[1]]), b: Matrix([[1]]))
        let lqr = try DiscreteLQR(system: sys, q: Matrix([[1]]), r: Matrix([[1]]))
        let golden = (1 + 5.0.squareRoot()) / 2
        #expect(abs(lqr.p[0, 0] - golden) < 1e-12)
        #expect(abs(lqr.gain[0, 0] + golden / (1 + golden)) < 1e-12)
    }

    @Test func lqrSolvesRiccatiAndStabilisesUnstableSystem() throws {
        var rng = RNG(seed: 21)
        let nx = 6, nu = 2
        // open loop unstable (radius ~1.3)
        var a = Matrix.gaussian(rows: nx, cols: nx, rng: &rng)
        a = (1.3 / a.spectralRadius) * a
        let sys = LinearSystem(a: a, b: Matrix.gaussian(rows: nx, cols: nu, rng: &rng))
        let q = Matrix.identity(nx), r = 0.1 * Matrix.identity(nu)
        let lqr = try DiscreteLQR(system: sys, q: q, r: r)
        #expect(DiscreteLQR.riccatiResidual(system: sys, q: q, r: r, p: lqr.p) < 1e-8 * lqr.p.frobeniusNorm)
        #expect(sys.closedLoop(lqr.gain).spectralRadius < 1)
        #expect(lqr.p.symmetricEigen().values.last! > 0)
        // the doubling solution equals the fixed point of plain Riccati recursion
        var p = q
        for _ in 0..<3000 {
            let s = r + sys.b.transposed * p * sys.b
            p = (q + a.transposed * p * a - a.transposed * p * sys.b * s.solve(sys.b.transposed * p * a)!).symmetrized
        }
        #expect(maxDiff(p, lqr.p) < 1e-7 * lqr.p.frobeniusNorm)
    }

    @Test func imitationGapIsZeroForTheExpertAndQuadraticInSmallErrors() throws {
        var rng = RNG(seed: 2)
        let nx = 5, nu = 2
        var a = Matrix.gaussian(rows: nx, cols: nx, rng: &rng)
        a = (0.8 / a.spectralRadius) * a
        let sys = LinearSystem(a: a, b: Matrix.gaussian(rows: nx, cols: nu, std: 0.3, rng: &rng))
        let expert = Matrix.gaussian(rows: nu, cols: nx, std: 0.1, rng: &rng)
        let delta = Matrix.gaussian(rows: nu, cols: nx, std: 1e-3, rng: &rng)
        var eval = RNG(seed: 99)
        let gaps = sys.imitationGap(expert: expert, learned: [expert, expert + delta, expert + 2 * delta], rollouts: 50,
                                    horizon: 50, initialStd: 1, processStd: 0.1, rng: &eval)
        #expect(gaps[0] == 0)
        #expect(gaps[1] > 0)
        #expect(abs(gaps[2] / gaps[1] - 4) < 0.05)
        // same seed, same bits
        var again = RNG(seed: 99)
        #expect(sys.imitationGap(expert: expert, learned: [expert, expert + delta, expert + 2 * delta], rollouts: 50,
                                 horizon: 50, initialStd: 1, processStd: 0.1, rng: &again) == gaps)
    }

    @Test func zeroOrderHoldOfADoubleIntegratorIsExact() throws {
        // x = (position, velocity), u = acceleration: A_d = [1 dt; 0 1], B_d = [dt^2/2; dt]
        let dt = 0.37
        let d = LinearSystem.discretized(continuousA: Matrix([[0, 1], [0, 0]]), continuousB: Matrix([[0], [1]]), dt: dt)
        #expect(maxDiff(d.a, Matrix([[1, dt], [0, 1]])) < 1e-14)
        #expect(maxDiff(d.b, Matrix([[dt * dt / 2], [dt]])) < 1e-14)
        // exp of a large diagonal matrix (many squarings)
        let e = Matrix([[3, 0], [0, -2]]).exponential
        #expect(abs(e[0, 0] / exp(3) - 1) < 1e-12 && abs(e[1, 1] / exp(-2) - 1) < 1e-12 && e[0, 1] == 0)
    }

    @Test func demonstrationsAreNestedAndCountSamples() throws {
        var rng = RNG(seed: 4)
        let sys = LinearSystem(a: 0.5 * Matrix.identity(3), b: Matrix([[1], [0], [0]]))
        let k = Matrix([[0.1, 0.2, 0.3]])
        let sets = sys.demonstrations(expert: k, checkpoints: [0, 7, 20], trajectoryLength: 5, initialStd: 1,
                                      processStd: 0.1, inputStd: 0, rng: &rng)
        #expect(sets.map(\.count) == [0, 7, 20])
        // noiseless labels: the moments satisfy ux = K xx exactly
        #expect(maxDiff(sets[2].ux, k * sets[2].xx) < 1e-12)
        // nested: the first 7 samples are a prefix of the 20 (a fresh draw of 7 equals the prefix)
        var again = RNG(seed: 4)
        let seven = sys.demonstrations(expert: k, checkpoints: [7], trajectoryLength: 5, initialStd: 1,
                                       processStd: 0.1, inputStd: 0, rng: &again)
        #expect(seven[0] == sets[1])
    }
}
