import Geometry

/// The quadrotor step (MuJoCo's `mj_step`): model first, state written in place, no heap
/// allocation.
///
/// Per step: rotor speeds follow the command (exact first-order lag or ideal), per-rotor thrust
/// `kf rpm^2` (times the ground-effect factor `1 + coeff (r / 4h)^2`, h clipped below), body
/// torques from rotor positions plus yaw reaction `km sum(s_i rpm_i^2)`, gusts advance one OU
/// step; then the rigid body (position, velocity, attitude, body rates) advances by one RK4 step
/// with rotor forces held over the step and drag evaluated at each stage. The quaternion is
/// renormalised; non-finite or diverged states count a warning and reset.
public enum QuadrotorDynamics {
    /// Advances `state` by `model.dt` under rotor speed command `rpm` (RPM, clamped to
    /// [0, maxRPM]). A command with NaN/Inf counts a warning and resets the state.
    @inlinable
    public static func step(_ model: QuadrotorModel, _ state: inout QuadrotorState, _ rpm: SIMD4<Double>) {
        step(model, &state, rpm, downwash: 0)
    }

    /// `step` with an external force of `downwash` N along `-z_B` at the centre of mass, held
    /// over the step (`QuadrotorSwarm` passes the downwash from vehicles above). With 0 the
    /// result is bit-identical to `step(model, &state, rpm)`.
    @inlinable
    public static func step(_ model: QuadrotorModel, _ state: inout QuadrotorState, _ rpm: SIMD4<Double>, downwash: Double) {
        let dt = model.dt
        if state.crashed {
            state.time += dt
            return
        }
        // bad input: warn and reset
        guard rpm.x.isFinite && rpm.y.isFinite && rpm.z.isFinite && rpm.w.isFinite else {
            state.warnings.badCommand &+= 1
            state.reset()
            state.time += dt
            return
        }
        // motors
        var command = rpm.replacing(with: 0, where: rpm .< 0)
        command.replace(with: model.maxRPM, where: command .> model.maxRPM)
        var w = state.rotorRPM
        w += model.motorBlend * (command - w)
        state.rotorRPM = w
        let w2 = w * w
        var f = model.kf * w2

        // ground effect from each rotor's height above z = 0
        let q = state.attitude
        if model.groundEffectGain > 0 {
            let r20 = 2 * (q.x * q.z - q.w * q.y)
            let r21 = 2 * (q.y * q.z + q.w * q.x)
            let r22 = 1 - 2 * (q.x * q.x + q.y * q.y)
            if r22 > 0 {
                var h = state.position.z + r20 * model.rotorX + r21 * model.rotorY + r22 * model.rotorZ
                h = h.replacing(with: SIMD4(repeating: model.groundEffectMinHeight), where: h .< model.groundEffectMinHeight)
                f *= 1 + model.groundEffectGain / (h * h)
            }
        }

        // body force (rotor thrust minus downwash) and torque, held over the step
        let thrust = f.sum() - downwash
        let torque = Vec3((model.rotorY * f).sum(),
                          -(model.rotorX * f).sum(),
                          model.km * (model.yawSigns * w2).sum())
        let dragCoeff = model.dragPerRotorSpeed * w.sum()

        // gusts: one OU step with a cheap approximate normal
        var air = model.meanWind
        if model.gustDrive > 0 {
            let n = Vec3(cheapNormal(&state.rng), cheapNormal(&state.rng), cheapNormal(&state.rng))
            state.gust = model.gustDecay * state.gust + model.gustDrive * n
            air += state.gust
        }

        // rigid body RK4 (quaternion as a SIMD4 (x, y, z, w))
        let p0 = state.position, v0 = state.velocity, o0 = state.bodyRate
        let q0 = SIMD4(q.x, q.y, q.z, q.w)
        let k1 = derivative(model, v0, q0, o0, thrust, torque, dragCoeff, air)
        let h2 = 0.5 * dt
        let v1 = v0 + h2 * k1.a, q1 = q0 + h2 * k1.q, o1 = o0 + h2 * k1.alpha
        let k2 = derivative(model, v1, q1, o1, thrust, torque, dragCoeff, air)
        let v2 = v0 + h2 * k2.a, q2 = q0 + h2 * k2.q, o2 = o0 + h2 * k2.alpha
        let k3 = derivative(model, v2, q2, o2, thrust, torque, dragCoeff, air)
        let v3 = v0 + dt * k3.a, q3 = q0 + dt * k3.q, o3 = o0 + dt * k3.alpha
        let k4 = derivative(model, v3, q3, o3, thrust, torque, dragCoeff, air)
        let s = dt / 6
        state.position = p0 + s * (v0 + 2 * v1 + 2 * v2 + v3)
        state.velocity = v0 + s * (k1.a + 2 * k2.a + 2 * k3.a + k4.a)
        let qn = q0 + s * (k1.q + 2 * k2.q + 2 * k3.q + k4.q)
        state.bodyRate = o0 + s * (k1.alpha + 2 * k2.alpha + 2 * k3.alpha + k4.alpha)
        let inv = 1 / (qn * qn).sum().squareRoot()
        let qu = qn * inv
        state.attitude = Quaternion(x: qu.x, y: qu.y, z: qu.z, w: qu.w)
        state.time += dt

        // divergence: warn and reset
        let p = state.position, v = state.velocity, o = state.bodyRate
        let bad = !(abs(p.x) < model.limitPosition && abs(p.y) < model.limitPosition && abs(p.z) < model.limitPosition
                    && v.lengthSquared < model.limitVelocity * model.limitVelocity
                    && o.lengthSquared < model.limitBodyRate * model.limitBodyRate && inv.isFinite)
        if bad {
            state.warnings.divergence &+= 1
            state.reset()
        }
    }

    /// Time derivatives of velocity, attitude (quaternion as SIMD4 x, y, z, w) and body rates
    /// (position's is the velocity). Written out by hand so everything inlines into the step.
    @inlinable @inline(__always)
    static func derivative(_ model: QuadrotorModel, _ v: Vec3, _ q: SIMD4<Double>, _ omega: Vec3, _ thrust: Double,
                           _ torque: Vec3, _ dragCoeff: Vec3, _ air: Vec3)
        -> (a: Vec3, q: SIMD4<Double>, alpha: Vec3) {
        // rotation matrix of q_WB, scalar code (SIMD3 reductions cost more than they save here)
        let x = q.x, y = q.y, z = q.z, w = q.w
        let xx = x * x, yy = y * y, zz = z * z, xy = x * y, xz = x * z, yz = y * z, wx = w * x, wy = w * y, wz = w * z
        let r00 = 1 - 2 * (yy + zz), r01 = 2 * (xy - wz), r02 = 2 * (xz + wy)
        let r10 = 2 * (xy + wz), r11 = 1 - 2 * (xx + zz), r12 = 2 * (yz - wx)
        let r20 = 2 * (xz - wy), r21 = 2 * (yz + wx), r22 = 1 - 2 * (xx + yy)
        // body-frame force: thrust along z_B plus drag against the air-relative velocity R^T (v - air)
        let dx = v.x - air.x, dy = v.y - air.y, dz = v.z - air.z
        let fx = -dragCoeff.x * (r00 * dx + r10 * dy + r20 * dz)
        let fy = -dragCoeff.y * (r01 * dx + r11 * dy + r21 * dz)
        let fz = thrust - dragCoeff.z * (r02 * dx + r12 * dy + r22 * dz)
        let im = model.inverseMass
        let a = Vec3((r00 * fx + r01 * fy + r02 * fz) * im,
                     (r10 * fx + r11 * fy + r12 * fz) * im,
                     (r20 * fx + r21 * fy + r22 * fz) * im - model.gravity)
        // Euler's equations: J dw/dt = tau - w x J w
        let j = model.inertia, ji = model.inverseInertia
        let ox = omega.x, oy = omega.y, oz = omega.z
        let jx = j.r0.x * ox + j.r0.y * oy + j.r0.z * oz
        let jy = j.r1.x * ox + j.r1.y * oy + j.r1.z * oz
        let jz = j.r2.x * ox + j.r2.y * oy + j.r2.z * oz
        let mx = torque.x - (oy * jz - oz * jy)
        let my = torque.y - (oz * jx - ox * jz)
        let mz = torque.z - (ox * jy - oy * jx)
        let alpha = Vec3(ji.r0.x * mx + ji.r0.y * my + ji.r0.z * mz,
                         ji.r1.x * mx + ji.r1.y * my + ji.r1.z * mz,
                         ji.r2.x * mx + ji.r2.y * my + ji.r2.z * mz)
        // quaternion kinematics: 0.5 q (omega, 0)
        let qd = SIMD4(0.5 * (w * ox + y * oz - z * oy),
                       0.5 * (w * oy - x * oz + z * ox),
                       0.5 * (w * oz + x * oy - y * ox),
                       -0.5 * (x * ox + y * oy + z * oz))
        return (a, qd, alpha)
    }

    /// An approximately standard normal number from one 64-bit draw (Irwin-Hall sum of four
    /// 16-bit uniforms, rescaled to unit variance). Tails stop at +-3.46; fine for gust noise.
    @inlinable @inline(__always)
    public static func cheapNormal(_ rng: inout RNG) -> Double {
        let r = rng.next()
        let a = Double(r & 0xFFFF) + Double((r >> 16) & 0xFFFF) + Double((r >> 32) & 0xFFFF) + Double(r >> 48)
        // sum of four U(0, 65535) has mean 131070 and variance 4 * (65536^2 - 1) / 12
        return (a - 131_070) * (1.7320508075688772 / 65_536)
    }

    /// Total mechanical energy (kinetic + rotational + potential), J; for tests and diagnostics.
    public static func energy(_ model: QuadrotorModel, _ state: QuadrotorState) -> Double {
        let o = state.bodyRate
        return 0.5 * model.mass * state.velocity.lengthSquared + 0.5 * o.dot(model.inertia * o)
            + model.mass * model.gravity * state.position.z
    }
}
