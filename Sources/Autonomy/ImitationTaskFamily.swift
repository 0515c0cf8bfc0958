import Geometry
import Models

/// One draw of the multi-task problem: a shared representation phi (k x nx, orthonormal rows),
/// the target system and expert (index 0) and source systems and experts (1...H), all with
/// experts `K_h = F_h phi`.
///
/// Generation (ours; the paper draws random stable systems and experts sharing phi, and we
/// could not read its code): phi = orthonormalised Gaussian rows; for each system h, draw
/// A_h Gaussian rescaled to spectral radius `openLoopRadius`, B_h with entries N(0, 1/nx),
/// F_h with entries N(0, gainStd^2 / k), and redraw all three until A_h + B_h F_h phi has
/// spectral radius at most `closedLoopRadiusMax`. System h uses its own stream
/// (`RNG(seed, stream: seedIndex).derived(h)` mixed with k), so the first H sources of a
/// larger family are the same systems: sweeps over H are nested.
public struct ImitationTaskFamily: Sendable {
    public var phi: Matrix
    public var systems: [LinearSystem]
    public var experts: [Matrix]
    /// Draws rejected for an unstable closed loop, over all systems.
    public var rejections: Int

    public var target: LinearSystem { systems[0] }
    public var targetExpert: Matrix { experts[0] }
    public var sourceCount: Int { systems.count - 1 }

    /// The family of seed `seedIndex` with rank `k` and `sources` source systems.
    public init(settings s: ImitationSettings, seedIndex: Int, rank k: Int, sources: Int) {
        let base = ImitationTaskFamily.baseRNG(s, seedIndex: seedIndex)
        var phiRNG = base.derived(RNG.mix(0x5048_4900, UInt64(k)))
        var phi: Matrix? = nil
        while phi == nil { phi = Matrix.gaussian(rows: k, cols: s.stateDim, rng: &phiRNG).orthonormalizedRows()?.q }
        self.phi = phi!
        var systems: [LinearSystem] = [], experts: [Matrix] = []
        var rejections = 0
        for h in 0...sources {
            var rng = base.derived(RNG.mix(UInt64(h) + 1, UInt64(k)))
            while true {
                var a = Matrix.gaussian(rows: s.stateDim, cols: s.stateDim, rng: &rng)
                a = (s.openLoopRadius / a.spectralRadius) * a
                let b = Matrix.gaussian(rows: s.stateDim, cols: s.inputDim, std: 1 / Double(s.stateDim).squareRoot(), rng: &rng)
                let f = Matrix.gaussian(rows: s.inputDim, cols: k, std: s.gainStd / Double(k).squareRoot(), rng: &rng)
                let sys = LinearSystem(a: a, b: b)
                let gain = f * self.phi
                if sys.closedLoop(gain).spectralRadius <= s.closedLoopRadiusMax {
                    systems.append(sys)
                    experts.append(gain)
                    break
                }
                rejections += 1
            }
        }
        self.systems = systems
        self.experts = experts
        self.rejections = rejections
    }

    /// The root stream of one seed; parts derive from it by fixed keys.
    static func baseRNG(_ s: ImitationSettings, seedIndex: Int) -> RNG { RNG(seed: s.seed, stream: UInt64(seedIndex)) }

    /// Nested demonstration moments of system `h` at each sample count in `checkpoints`.
    public func demonstrations(_ s: ImitationSettings, seedIndex: Int, system h: Int, checkpoints: [Int]) -> [SecondMoments] {
        var rng = ImitationTaskFamily.baseRNG(s, seedIndex: seedIndex).derived(RNG.mix(0xDE30 + UInt64(h), UInt64(phi.rows)))
        return systems[h].demonstrations(expert: experts[h], checkpoints: checkpoints, trajectoryLength: s.trajectoryLength,
                                         initialStd: s.initialStd, processStd: s.processStd, inputStd: s.inputStd, rng: &rng)
    }

    /// Imitation gaps of `learned` target gains; every call of one seed sees the same initial
    /// states and noise (common random numbers across sweep points).
    public func targetGaps(_ s: ImitationSettings, seedIndex: Int, learned: [Matrix]) -> [Double] {
        var rng = ImitationTaskFamily.baseRNG(s, seedIndex: seedIndex).derived(0xE7A1)
        return target.imitationGap(expert: targetExpert, learned: learned, rollouts: s.rollouts, horizon: s.horizon,
                                   initialStd: s.initialStd, processStd: s.processStd, rng: &rng)
    }
}
