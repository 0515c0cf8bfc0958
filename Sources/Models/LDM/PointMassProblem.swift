import Foundation
import Geometry

/// The continuous toy problem of docs/ldm.md: a 1-D point mass, state s = (x, v) (m, m/s),
/// action a = u (m/s^2) in [-1, 1], step dt (s):
///
///     v' = v + u dt,   x' = x + v' dt        (the model the planner and the LDM use)
///
/// The data cover the box |x| <= `dataPosition`, |v| <= `dataVelocity` with uniform actions.
/// The *true* world agrees with the model inside |x| <= `slipPosition` and beyond it the mass
/// slides on ice: actions act with factor `slipFactor` (model error, as a learned model
/// would have off its data). A crash is |x| > `wallPosition`. The task ("tempting") is a goal at
/// x = `goal`, outside the data.
public struct PointMassProblem: Sendable, Equatable, Codable {
    public var dt: Float = 0.2
    public var dataPosition: Float = 1
    public var dataVelocity: Float = 1
    public var actionBound: Float = 1
    public var slipPosition: Float = 1.2
    public var slipFactor: Float = 0.2
    public var wallPosition: Float = 1.6
    public var goal: Float = 3

    public init() {}

    public var stateDim: Int { 2 }
    public var actionDim: Int { 1 }

    /// The model dynamics, batched (see `LDMDynamics`).
    public var dynamics: LDMDynamics {
        let dt = self.dt
        return { s, a, n, out in
            for i in 0..<n {
                let v = s[2 * i + 1] + a[i] * dt
                out[2 * i] = s[2 * i] + v * dt
                out[2 * i + 1] = v
            }
        }
    }

    /// One step of the model.
    @inlinable public func modelStep(_ s: SIMD2<Float>, _ u: Float) -> SIMD2<Float> {
        let v = s.y + u * dt
        return SIMD2(s.x + v * dt, v)
    }

    /// One step of the true world (ice beyond `slipPosition`).
    @inlinable public func trueStep(_ s: SIMD2<Float>, _ u: Float) -> SIMD2<Float> {
        let effective = abs(s.x) > slipPosition ? u * slipFactor : u
        return modelStep(s, effective)
    }

    /// Whether a state has crashed.
    @inlinable public func crashed(_ s: SIMD2<Float>) -> Bool { abs(s.x) > wallPosition }

    /// `count` training pairs: states `[N, 2]` uniform in the data box, actions `[N, 1]` uniform.
    public func sampleData(count: Int, rng: inout RNG) -> (states: [Float], actions: [Float]) {
        var s = [Float](repeating: 0, count: 2 * count), a = [Float](repeating: 0, count: count)
        for i in 0..<count {
            s[2 * i] = dataPosition * (2 * rng.uniformFloat() - 1)
            s[2 * i + 1] = dataVelocity * (2 * rng.uniformFloat() - 1)
            a[i] = actionBound * (2 * rng.uniformFloat() - 1)
        }
        return (s, a)
    }

    /// Whether (s, a) lies in the data's support.
    public func inDataBox(_ s: SIMD2<Float>, _ u: Float) -> Bool {
        abs(s.x) <= dataPosition && abs(s.y) <= dataVelocity && abs(u) <= actionBound
    }
}
