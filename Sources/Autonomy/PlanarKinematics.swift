import Foundation

/// The privileged planner's ground-plane kinematics at a fixed forward speed: the heading turns
/// at the commanded yaw rate, and the velocity relaxes towards the heading with a first-order
/// lag. World frame, metres, m/s, rad. Shared by `KinematicRolloutCost` and the
/// pre-memorisation task so that both fly exactly the same paths.
struct PlanarKinematics {
    var x: Double, y: Double, yaw: Double, vx: Double, vy: Double

    /// One substep of `dt` seconds at `yawRate` rad/s: the velocity relaxes towards `speed`
    /// along the midpoint heading by the fraction `blend` (= 1 - exp(-dt / tau)); the position
    /// moves by the mean of the old and new velocities.
    @inline(__always)
    mutating func advance(yawRate a: Double, dt: Double, blend: Double, speed: Double) {
        let mid = yaw + 0.5 * a * dt
        let nx = vx + blend * (speed * cos(mid) - vx), ny = vy + blend * (speed * sin(mid) - vy)
        x += 0.5 * (vx + nx) * dt
        y += 0.5 * (vy + ny) * dt
        vx = nx
        vy = ny
        yaw += a * dt
    }
}
