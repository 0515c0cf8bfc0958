import Foundation
import Geometry

/// Cascaded position / velocity / attitude / rate controller producing rotor speeds (RPM).
///
/// Uses the nominal coefficients of the robot file (not the perturbed true vehicle) and keeps
/// its integrators in `QuadrotorState.controller`, so copying the state saves the controller
/// too. No heap allocation per call.
///
/// ```swift
/// let model = QuadrotorModel(robot: cf2x, effects: .real)
/// let ctrl = QuadrotorController(model: model)
/// var s = model.initialState()
/// for _ in 0..<1000 {
///     let rpm = ctrl.rotorSpeeds(for: .position(Vec3(1, 0, 1), yaw: 0), state: &s)
///     QuadrotorDynamics.step(model, &s, rpm)
/// }
/// ```
public struct QuadrotorController: Sendable {
    public let gains: QuadrotorGains
    /// Control period, s (one call per physics step by default).
    public let dt: Double
    public let mass: Double
    public let gravity: Double
    public let inertia: Mat3
    public let maxRPM: Double
    /// Horizontal acceleration at the tilt limit, g tan(maxTilt), m/s^2.
    public let maxHorizontalAcceleration: Double
    /// Mixer: rpm^2 = thrustColumn * T + rollColumn * tau_x + pitchColumn * tau_y + yawColumn * tau_z.
    public let thrustColumn: SIMD4<Double>
    public let rollColumn: SIMD4<Double>
    public let pitchColumn: SIMD4<Double>
    public let yawColumn: SIMD4<Double>

    /// A controller for `model`'s robot; gains default to those suited to its motor lag.
    public init(model: QuadrotorModel, gains: QuadrotorGains? = nil, dt: Double? = nil) {
        let p = model.params
        let lag = model.effects.contains(.motorLag) ? model.motorTimeConstant : 0
        self.gains = gains ?? QuadrotorGains.forMotorLag(lag)
        self.dt = dt ?? model.dt
        mass = model.robot.mass
        gravity = model.gravity
        inertia = model.robot.inertia
        maxRPM = model.maxRPM
        maxHorizontalAcceleration = model.gravity * tan(self.gains.maxTilt)
        // allocation A: [T, tx, ty, tz] = A * rpm^2, inverted once
        var a = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        for i in 0..<4 {
            let r = p.rotorPositions[i]
            a[0][i] = p.kf
            a[1][i] = p.kf * r.y
            a[2][i] = -p.kf * r.x
            a[3][i] = p.km * p.yawSigns[i]
        }
        guard let inv = QuadrotorController.invert4(a) else {
            preconditionFailure("rotor layout of \(model.robot.name) cannot produce independent thrust and torques")
        }
        thrustColumn = SIMD4(inv[0][0], inv[1][0], inv[2][0], inv[3][0])
        rollColumn = SIMD4(inv[0][1], inv[1][1], inv[2][1], inv[3][1])
        pitchColumn = SIMD4(inv[0][2], inv[1][2], inv[2][2], inv[3][2])
        yawColumn = SIMD4(inv[0][3], inv[1][3], inv[2][3], inv[3][3])
    }

    /// Rotor speed command (RPM) for `command` at `state`; updates the controller memory in `state`.
    public func rotorSpeeds(for command: FlightCommand, state: inout QuadrotorState) -> SIMD4<Double> {
        var mem = state.controller
        if !mem.initialised {
            mem.initialised = true
            mem.yawSetpoint = state.attitude.yaw
            mem.altitudeSetpoint = state.position.z
        }
        let g = gains
        // velocity setpoint and yaw setpoint per mode
        var vDes: Vec3
        var yawRateFF = 0.0
        switch command {
        case .position(let target, let yaw):
            vDes = g.positionP * (target - state.position)
            mem.yawSetpoint = yaw
        case .velocity(let v, let yawRate):
            vDes = v
            yawRateFF = clamp(yawRate, -g.maxRate.z, g.maxRate.z)
            mem.yawSetpoint = wrapAngle(mem.yawSetpoint + yawRateFF * dt)
        case .forward(let speed, let yawRate, let altitude):
            yawRateFF = clamp(yawRate, -g.maxRate.z, g.maxRate.z)
            mem.yawSetpoint = wrapAngle(mem.yawSetpoint + yawRateFF * dt)
            mem.altitudeSetpoint = altitude
            vDes = Vec3(speed * cos(mem.yawSetpoint), speed * sin(mem.yawSetpoint),
                        g.positionP.z * (altitude - state.position.z))
        }
        // speed limits
        let hs = (vDes.x * vDes.x + vDes.y * vDes.y).squareRoot()
        if hs > g.maxHorizontalSpeed { vDes.x *= g.maxHorizontalSpeed / hs; vDes.y *= g.maxHorizontalSpeed / hs }
        vDes.z = clamp(vDes.z, -g.maxVerticalSpeed, g.maxVerticalSpeed)
        if !(vDes.x.isFinite && vDes.y.isFinite && vDes.z.isFinite) { vDes = .zero }

        // velocity PI -> desired acceleration
        let ev = vDes - state.velocity
        // conditional integration: only near the setpoint, so transients do not wind it up
        let near = (ev .< Vec3(repeating: 0.2)) .& (ev .> Vec3(repeating: -0.2))
        var integral = mem.velocityIntegral + Vec3.zero.replacing(with: ev * dt, where: near)
        let lim = g.maxVelocityIntegral
        integral = integral.clamped(lowerBound: Vec3(repeating: -lim), upperBound: Vec3(repeating: lim))
        mem.velocityIntegral = integral
        var acc = g.velocityP * ev + g.velocityI * integral
        // tilt limit: horizontal acceleration at most g tan(maxTilt)
        let maxH = maxHorizontalAcceleration
        let ah = (acc.x * acc.x + acc.y * acc.y).squareRoot()
        if ah > maxH { acc.x *= maxH / ah; acc.y *= maxH / ah }
        acc.z = max(acc.z, -0.8 * gravity)

        // thrust vector -> collective thrust and attitude setpoint
        let fW = mass * (acc + Vec3(0, 0, gravity))
        let q = state.attitude
        let zB = Vec3(2 * (q.x * q.z + q.w * q.y), 2 * (q.y * q.z - q.w * q.x), 1 - 2 * (q.x * q.x + q.y * q.y))
        let thrust = max(0, fW.dot(zB))
        let qDes = QuadrotorController.attitude(thrustDirection: fW.normalized, yaw: mem.yawSetpoint)

        // attitude P on the quaternion error (body frame) -> rate setpoint
        var qe = q.conjugate * qDes
        if qe.w < 0 { qe = qe * -1 }
        var rateDes = g.attitudeP * (2 * qe.vector) + q.inverseRotate(Vec3(0, 0, yawRateFF))
        rateDes = rateDes.clamped(lowerBound: -g.maxRate, upperBound: g.maxRate)

        // rate P -> torques (with gyroscopic feed-forward)
        let omega = state.bodyRate
        let torque = inertia * (g.rateP * (rateDes - omega)) + omega.cross(inertia * omega)
        state.controller = mem
        return mix(thrust: thrust, torque: torque)
    }

    /// Rotor speeds (RPM) for collective thrust (N) and body torque (N m). Saturation keeps
    /// thrust first, then roll/pitch, then yaw.
    @inlinable
    public func mix(thrust: Double, torque: Vec3) -> SIMD4<Double> {
        let maxSq = maxRPM * maxRPM
        let base = thrustColumn * thrust
        let rp = rollColumn * torque.x + pitchColumn * torque.y
        let yaw = yawColumn * torque.z
        let kRP = QuadrotorController.fitScale(base, rp, maxSq)
        let withRP = base + kRP * rp
        let kYaw = QuadrotorController.fitScale(withRP, yaw, maxSq)
        let u = (withRP + kYaw * yaw).clamped(lowerBound: SIMD4(repeating: 0), upperBound: SIMD4(repeating: maxSq))
        return SIMD4(u.x.squareRoot(), u.y.squareRoot(), u.z.squareRoot(), u.w.squareRoot())
    }

    /// Largest k in [0, 1] keeping base + k * delta within [0, maxSq] (componentwise).
    @inlinable
    static func fitScale(_ base: SIMD4<Double>, _ delta: SIMD4<Double>, _ maxSq: Double) -> Double {
        var k = 1.0
        for i in 0..<4 {
            let b = base[i], d = delta[i]
            if d > 0, b + d > maxSq { k = min(k, max(0, (maxSq - b) / d)) }
            if d < 0, b + d < 0 { k = min(k, max(0, -b / d)) }
        }
        return k
    }

    /// Attitude whose body z is `thrustDirection` (unit, world) and whose heading is `yaw`.
    public static func attitude(thrustDirection z: Vec3, yaw: Double) -> Quaternion {
        let sh = sin(0.5 * yaw), ch = cos(0.5 * yaw)
        let qYaw = Quaternion(x: 0, y: 0, z: sh, w: ch)
        // rotate z by -yaw about world z
        let c2 = ch * ch - sh * sh, s2 = 2 * sh * ch
        let b = Vec3(c2 * z.x + s2 * z.y, -s2 * z.x + c2 * z.y, z.z)
        // shortest rotation taking +z to b
        let c = Vec3(-b.y, b.x, 0)
        var t = Quaternion(x: c.x, y: c.y, z: 0, w: 1 + b.z)
        t = t.normSquared > 1e-12 ? t.normalized : Quaternion(x: 1, y: 0, z: 0, w: 0)
        return qYaw * t
    }

    static func invert4(_ m: [[Double]]) -> [[Double]]? {
        var a = m
        var inv = (0..<4).map { i in (0..<4).map { j in i == j ? 1.0 : 0.0 } }
        for col in 0..<4 {
            guard let piv = (col..<4).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[piv][col]) > 0 else { return nil }
            a.swapAt(col, piv)
            inv.swapAt(col, piv)
            let d = a[col][col]
            for j in 0..<4 { a[col][j] /= d; inv[col][j] /= d }
            for r in 0..<4 where r != col {
                let f = a[r][col]
                if f == 0 { continue }
                for j in 0..<4 { a[r][j] -= f * a[col][j]; inv[r][j] -= f * inv[col][j] }
            }
        }
        return inv
    }
}
