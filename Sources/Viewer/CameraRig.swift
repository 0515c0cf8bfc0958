import Foundation
import Geometry

/// The viewer's camera state and the pure functions that place it from the robot pose.
///
/// The chase camera sits `chaseDistance` metres behind and `chaseHeight` above the robot, along
/// its (smoothed) heading, looking at a point `lookAhead` metres ahead of it. The orbit camera
/// circles the robot at `orbitDistance` with yaw/pitch set by the user. First person sits at
/// the robot, rotated by yaw only (horizon level), looking forward.
///
/// ```swift
/// var rig = CameraRig()
/// let cam = rig.update(robot: pose_WB, dt: 1.0 / 60)   // ViewCamera for this frame
/// ```
public struct CameraRig: Sendable, Equatable {
    public var mode: CameraMode = .chase
    /// Chase camera offset: metres behind and above the robot.
    public var chaseDistance = 1.6
    public var chaseHeight = 0.7
    /// Chase camera aims this many metres ahead of the robot.
    public var lookAhead = 1.0
    /// Smoothing time constant of the chase camera's position and yaw (seconds of wall time).
    public var smoothing = 0.25
    /// Orbit camera: yaw around world z (radians, 0 looks along +x), pitch down (radians),
    /// distance (metres).
    public var orbitYaw = 0.0
    public var orbitPitch = 0.45
    public var orbitDistance = 4.0
    /// Horizontal field of view of the view camera (radians).
    public var horizontalFOV = 80 * Double.pi / 180
    /// Smoothed chase state (nil until the first update or after `reset`).
    public var chaseYaw: Double? = nil
    public var chaseEye: Vec3? = nil

    public init(mode: CameraMode = .chase) { self.mode = mode }

    /// Forgets the smoothed state (call after a reset or world change so the camera jumps).
    public mutating func reset() {
        chaseYaw = nil
        chaseEye = nil
    }

    /// Advances the smoothing by `dt` seconds and returns the camera for `robot` (pose of the
    /// body in the world).
    public mutating func update(robot: Pose, dt: Double) -> ViewCamera {
        let yaw = robot.orientation.yaw
        // smooth the chase heading and eye position in every mode so switching back is seamless
        let alpha = smoothing > 0 ? 1 - exp(-Swift.max(dt, 0) / smoothing) : 1
        let sy = chaseYaw.map { $0 + wrapAngle(yaw - $0) * alpha } ?? yaw
        chaseYaw = wrapAngle(sy)
        let target = CameraRig.chaseEye(robot: robot.position, yaw: sy, distance: chaseDistance, height: chaseHeight)
        let eye = chaseEye.map { $0 + (target - $0) * alpha } ?? target
        chaseEye = eye
        switch mode {
        case .chase:
            let look = robot.position + Vec3(cos(sy), sin(sy), 0) * lookAhead
            return ViewCamera(pose: Pose(position: eye, orientation: ViewCamera.lookAt(eye: eye, target: look)),
                              horizontalFOV: horizontalFOV)
        case .orbit:
            return CameraRig.orbitCamera(target: robot.position, yaw: orbitYaw, pitch: orbitPitch,
                                         distance: orbitDistance, fov: horizontalFOV)
        case .firstPerson:
            return CameraRig.firstPersonCamera(robot: robot, fov: horizontalFOV)
        }
    }

    /// The unsmoothed chase eye: `distance` behind along heading `yaw`, `height` above.
    public static func chaseEye(robot p: Vec3, yaw: Double, distance: Double, height: Double) -> Vec3 {
        p + Vec3(-cos(yaw) * distance, -sin(yaw) * distance, height)
    }

    /// Orbit camera around `target`: eye on a sphere of radius `distance`, at azimuth `yaw`
    /// (the camera looks along +x at yaw 0) and elevation `pitch` (positive = above).
    public static func orbitCamera(target: Vec3, yaw: Double, pitch: Double, distance: Double, fov: Double) -> ViewCamera {
        let dir = Vec3(cos(pitch) * cos(yaw), cos(pitch) * sin(yaw), -sin(pitch))
        let eye = target - dir * distance
        return ViewCamera(pose: Pose(position: eye, orientation: ViewCamera.lookAt(eye: eye, target: target)),
                          horizontalFOV: fov)
    }

    /// First-person camera: at the robot, heading only (level horizon).
    public static func firstPersonCamera(robot: Pose, fov: Double) -> ViewCamera {
        ViewCamera(pose: Pose(position: robot.position, orientation: Quaternion(roll: 0, pitch: 0, yaw: robot.orientation.yaw)),
                   horizontalFOV: fov)
    }

    /// The steepest orbit pitch, rad (about 86 deg: nearly straight down on the robot).
    public static let maxOrbitPitch = 1.5

    /// Turns the orbit camera by a mouse drag of (`dx`, `dy`) pixels.
    public mutating func orbitDrag(dx: Double, dy: Double) {
        orbitYaw = wrapAngle(orbitYaw - dx * 0.008)
        orbitPitch = clamp(orbitPitch + dy * 0.008, -0.2, CameraRig.maxOrbitPitch)
    }

    /// Zooms the orbit camera by `steps` wheel notches (positive = closer).
    public mutating func orbitZoom(steps: Double) {
        orbitDistance = clamp(orbitDistance * pow(0.9, steps), 0.5, 60)
    }
}
