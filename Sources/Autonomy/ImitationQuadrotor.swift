import Diagnostics
import Foundation
import Geometry
import Models
import Physics

/// The quadrotor part of the imitation study: H airframes that differ in mass, inertia and arm
/// length, linearised about hover (n_x = 12, n_u = 4), with their LQR gains as experts. Unlike
/// the synthetic families, these experts share no exact rank-k representation: pre-training
/// finds the best rank-k one, and what it misses is a floor of the target gap.
///
/// State (world frame, z up): position (3, m), velocity (3, m/s), roll, pitch, yaw (3, rad),
/// body rates (3, rad/s). Input: the four rotor thrust deviations from hover, in units of the
/// base airframe's hover thrust per rotor (m g / 4). Linearised about hover:
/// `dp = v`, `dv = g (theta, -phi, 0) + (0, 0, sum f / m)`, `d(angles) = omega`,
/// `d(omega) = J^-1 (sum_i r_i x (0, 0, f_i) + (0, 0, (km / kf) sum_i s_i f_i))`, discretised by
/// zero-order hold over `dt`.
public enum ImitationQuadrotor {
    /// Settings of the quadrotor part (`ImitationSettings.quadrotor`).
    public struct Settings: Codable, Sendable, Equatable {
        /// Run the quadrotor part at all.
        public var enabled = true
        /// The base airframe (URDF); every airframe scales its mass, inertia and rotor positions.
        public var robot = "Robots/cf2x.urdf"
        /// Each of mass, inertia and arm length is scaled by a factor uniform in [1 - v, 1 + v].
        public var variation = 0.3
        public var dt = 0.02
        /// LQR weights: Q = diag(positionWeight x3, velocityWeight x3, angleWeight x3, rateWeight x3), R = inputWeight I.
        public var positionWeight = 1.0
        public var velocityWeight = 1.0
        public var angleWeight = 1.0
        public var rateWeight = 0.1
        public var inputWeight = 1.0
        /// Noise of demonstrations and evaluation, in the state's units (isotropic) and in hover-thrust units.
        public var initialStd = 0.1
        public var processStd = 0.01
        public var inputStd = 0.05
        public var sources = 10
        public var sharedSamples = 5000
        public var targetSamples = [25, 50, 100, 200, 400, 800, 1600]
        public var ranks = [4, 8]
        /// N_target at which the scratch/pretrained ratio is read.
        public var ratioAt = 400

        public init() {}
    }

    /// One airframe: its scale factors and its linearised hover system.
    public struct Airframe: Sendable, Equatable {
        public var massScale: Double
        public var inertiaScale: Double
        public var armScale: Double
        public var system: LinearSystem
    }

    /// The continuous-time hover linearisation of `robot` scaled by the factors, discretised.
    public static func airframe(robot: RobotDescription, massScale: Double, inertiaScale: Double, armScale: Double,
                                dt: Double, gravity: Double = 9.81) throws -> Airframe {
        guard let q = robot.quadrotor else { throw InputError(robot.source, "not a quadrotor") }
        let mass = robot.mass * massScale
        guard let jInv = (robot.inertia * inertiaScale).inverse else { throw InputError(robot.source, at: "inertia", "singular") }
        let fRef = robot.mass * gravity / 4  // input unit: the base airframe's hover thrust per rotor, N
        var a = Matrix(rows: 12, cols: 12), b = Matrix(rows: 12, cols: 4)
        for i in 0..<3 { a[i, 3 + i] = 1; a[6 + i, 9 + i] = 1 }
        a[3, 7] = gravity    // dvx = g theta
        a[4, 6] = -gravity   // dvy = -g phi
        for i in 0..<4 {
            let r = q.rotorPositions[i] * armScale
            b[5, i] = fRef / mass
            let torque = Vec3(r.y * fRef, -r.x * fRef, q.km / q.kf * q.yawSigns[i] * fRef)
            let alpha = jInv * torque
            b[9, i] = alpha.x
            b[10, i] = alpha.y
            b[11, i] = alpha.z
        }
        return Airframe(massScale: massScale, inertiaScale: inertiaScale, armScale: armScale,
                        system: LinearSystem.discretized(continuousA: a, continuousB: b, dt: dt))
    }

    /// The LQR gain of an airframe under the settings' weights.
    public static func expert(_ sys: LinearSystem, _ s: Settings) throws -> Matrix {
        var q = Matrix(rows: 12, cols: 12)
        let w = [s.positionWeight, s.velocityWeight, s.angleWeight, s.rateWeight]
        for i in 0..<12 { q[i, i] = w[i / 3] }
        return try DiscreteLQR(system: sys, q: q, r: s.inputWeight * Matrix.identity(4)).gain
    }

    /// Results per seed: `pretrained[rank][value][seed]`, `scratch[value][seed]`, and the
    /// fraction of the target expert outside the learnt representation, per rank and seed.
    public struct Result: Sendable, Equatable {
        public var settings: Settings
        public var seeds: Int
        public var pretrained: [[[Double]]]
        public var scratch: [[Double]]
        /// |K_0 (I - phi^T phi)|_F / |K_0|_F of the learnt phi (the misspecification), [rank][seed].
        public var outside: [[Double]]
        /// Learnt target loops with spectral radius >= 1, over all fits.
        public var unstable: Int
    }

    /// Runs the N_target sweep over `seeds` draws of H + 1 airframes (seeded from `seed`).
    public static func run(_ s: Settings, seed: UInt64, seeds: Int, trajectoryLength: Int, rollouts: Int, horizon: Int,
                           pretrainIterations: Int, progress: Diagnostics.Progress? = nil) throws -> Result {
        let robot = try URDFLoader.load(path: BundledResource.resolve(s.robot))
        let values = s.targetSamples.sorted()
        var pre = Array(repeating: Array(repeating: Array(repeating: Double.nan, count: seeds), count: values.count), count: s.ranks.count)
        var scr = Array(repeating: Array(repeating: Double.nan, count: seeds), count: values.count)
        var outside = Array(repeating: Array(repeating: Double.nan, count: seeds), count: s.ranks.count)
        var unstable = 0
        for seedIndex in 0..<seeds {
            let base = RNG(seed: seed, stream: 0x0AD0_0000 + UInt64(seedIndex))
            var frames: [LinearSystem] = [], experts: [Matrix] = []
            for h in 0...s.sources {
                var rng = base.derived(UInt64(h) + 1)
                let f = try airframe(robot: robot, massScale: rng.uniform(1 - s.variation, 1 + s.variation),
                                     inertiaScale: rng.uniform(1 - s.variation, 1 + s.variation),
                                     armScale: rng.uniform(1 - s.variation, 1 + s.variation), dt: s.dt)
                frames.append(f.system)
                experts.append(try expert(f.system, s))
            }
            func demos(_ h: Int, _ checkpoints: [Int]) -> [SecondMoments] {
                var rng = base.derived(0xDE30 + UInt64(h))
                return frames[h].demonstrations(expert: experts[h], checkpoints: checkpoints, trajectoryLength: trajectoryLength,
                                                initialStd: s.initialStd, processStd: s.processStd, inputStd: s.inputStd, rng: &rng)
            }
            func gaps(_ learned: [Matrix]) -> [Double] {
                var rng = base.derived(0xE7A1)
                unstable += learned.filter { frames[0].closedLoop($0).spectralRadius >= 1 }.count
                return frames[0].imitationGap(expert: experts[0], learned: learned, rollouts: rollouts, horizon: horizon,
                                              initialStd: s.initialStd, processStd: s.processStd, rng: &rng)
            }
            let sourceData = (1...s.sources).map { demos($0, [s.sharedSamples])[0] }
            let targetData = demos(0, values)
            for (ri, k) in s.ranks.enumerated() {
                let rep = try ImitationEstimators.pretrain(sourceData, rank: k, iterations: pretrainIterations)
                let k0 = experts[0]
                outside[ri][seedIndex] = (k0 - k0 * rep.phi.transposed * rep.phi).frobeniusNorm / k0.frobeniusNorm
                for (vi, m) in targetData.enumerated() {
                    pre[ri][vi][seedIndex] = gaps([try ImitationEstimators.fineTune(m, phi: rep.phi)])[0]
                }
            }
            for (vi, m) in targetData.enumerated() where values[vi] > 12 + 1 {
                scr[vi][seedIndex] = gaps([try ImitationEstimators.scratch(m)])[0]
            }
            progress?.advance()
        }
        return Result(settings: s, seeds: seeds, pretrained: pre, scratch: scr, outside: outside, unstable: unstable)
    }
}
