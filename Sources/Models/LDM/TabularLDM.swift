import Foundation

/// The exact Lyapunov density model of a `TabularMDP` under a `TabularDensity`
/// (METHODS.md section 3):
///
///     G(s, a) = max( E(s, a), min_a' G(f(s, a), a') ),   E = -log p
///
/// G(s, a) is the smallest L such that, starting with (s, a), some way of acting keeps the
/// energy <= L forever; equivalently the min over infinite action sequences of the max energy
/// along the path. Guarantee: if G(s0, a0) <= -log c and every later action keeps
/// G(s_t, a_t) <= -log c (always possible, since min_a' G(f(s, a), a') <= G(s, a)), then
/// p(s_t, a_t) >= c for all t, because E <= G.
///
/// `solve` computes it exactly by undiscounted value iteration from G_0 = E. Every iterate takes
/// values in the finite set of energies and never decreases, so the iteration reaches the fixed
/// point after finitely many sweeps (at most one change per pair per distinct energy value).
/// `solveDiscounted` runs the contraction used for learning,
///
///     G_gamma(s, a) = (1 - gamma) E(s, a) + gamma max( E(s, a), min_a' G_gamma(f(s, a), a') ),
///
/// which converges geometrically for gamma < 1, satisfies E <= G_gamma <= G (energies are
/// >= 0), and tends to G as gamma -> 1. Note the direction: a discounted LDM is *less*
/// conservative than the exact one, so thresholds learned with small gamma admit more.
public struct TabularLDM: Sendable, Equatable {
    public let mdp: TabularMDP
    /// E(s, a) per pair.
    public let energies: [Double]
    /// G(s, a) per pair.
    public let values: [Double]
    /// Sweeps until the fixed point (undiscounted) or the tolerance (discounted) was reached.
    public let iterations: Int
    /// The discount used (1 = exact).
    public let gamma: Double

    /// The exact (undiscounted) LDM by value iteration to the fixed point.
    public static func solve(mdp: TabularMDP, density: TabularDensity) -> TabularLDM {
        solve(mdp: mdp, energies: density.energies)
    }

    /// The exact LDM for given energies (one per pair, may be `+infinity`).
    public static func solve(mdp: TabularMDP, energies e: [Double]) -> TabularLDM {
        precondition(e.count == mdp.pairCount, "TabularLDM needs one energy per pair")
        var g = e
        var sweeps = 0
        while true {
            sweeps += 1
            // synchronous (Jacobi) backup: G_{k+1} from G_k
            let minNext = minOverActions(g, mdp: mdp)
            var changed = false
            var out = g
            for s in 0..<mdp.stateCount {
                for a in 0..<mdp.actionCount {
                    let i = mdp.pair(s, a)
                    let v = max(e[i], minNext[mdp.next(s, a)])
                    if v != g[i] { changed = true }
                    out[i] = v
                }
            }
            g = out
            if !changed { break }
            precondition(sweeps <= mdp.pairCount * mdp.pairCount + 1, "TabularLDM value iteration failed to converge")
        }
        return TabularLDM(mdp: mdp, energies: e, values: g, iterations: sweeps, gamma: 1)
    }

    /// The discounted LDM G_gamma (gamma in (0, 1)), iterated from E until the largest change
    /// is <= `tolerance` (or `maxIterations` sweeps).
    public static func solveDiscounted(mdp: TabularMDP, energies e: [Double], gamma: Double,
                                       tolerance: Double = 1e-12, maxIterations: Int = 10_000_000) -> TabularLDM {
        precondition(gamma > 0 && gamma < 1, "solveDiscounted needs gamma in (0, 1)")
        precondition(e.count == mdp.pairCount, "TabularLDM needs one energy per pair")
        var g = e
        var sweeps = 0
        while sweeps < maxIterations {
            sweeps += 1
            let minNext = minOverActions(g, mdp: mdp)
            var delta = 0.0
            var out = g
            for s in 0..<mdp.stateCount {
                for a in 0..<mdp.actionCount {
                    let i = mdp.pair(s, a)
                    let v = e[i].isFinite ? (1 - gamma) * e[i] + gamma * max(e[i], minNext[mdp.next(s, a)]) : e[i]
                    if v != g[i] { delta = max(delta, v.isFinite && g[i].isFinite ? abs(v - g[i]) : .infinity) }
                    out[i] = v
                }
            }
            g = out
            if delta <= tolerance { break }
        }
        return TabularLDM(mdp: mdp, energies: e, values: g, iterations: sweeps, gamma: gamma)
    }

    /// min_a G(s, a) for every state.
    static func minOverActions(_ g: [Double], mdp: TabularMDP) -> [Double] {
        (0..<mdp.stateCount).map { s in
            var m = Double.infinity
            for a in 0..<mdp.actionCount { m = min(m, g[mdp.pair(s, a)]) }
            return m
        }
    }

    /// G(s, a).
    @inlinable public func value(_ s: Int, _ a: Int) -> Double { values[mdp.pair(s, a)] }

    /// min_a G(s, a): the best level at which the agent can stay forever from s.
    public func stateValue(_ s: Int) -> Double {
        var m = Double.infinity
        for a in 0..<mdp.actionCount { m = min(m, value(s, a)) }
        return m
    }

    /// Largest backup residual |G - max(E, min G(f, .))| over pairs (0 at the exact fixed point).
    public func bellmanResidual() -> Double {
        let minNext = TabularLDM.minOverActions(values, mdp: mdp)
        var r = 0.0
        for s in 0..<mdp.stateCount {
            for a in 0..<mdp.actionCount {
                let i = mdp.pair(s, a)
                let target = max(energies[i], minNext[mdp.next(s, a)])
                if target != values[i] { r = max(r, target.isFinite && values[i].isFinite ? abs(target - values[i]) : .infinity) }
            }
        }
        return r
    }
}
