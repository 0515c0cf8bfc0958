import Foundation
import Geometry

/// What a robot file describes, parsed from URDF (see docs/physics.md, "URDF conventions").
///
/// Frames: `base_link` is the body frame B (x forward, y left, z up, origin at the centre of
/// mass). Units are SI.
public struct RobotDescription: Sendable, Equatable {
    /// The `<robot name>` attribute.
    public var name: String
    /// The file or source the robot came from (for messages).
    public var source: String
    /// Total mass in kg (base_link's inertial).
    public var mass: Double
    /// Inertia about the centre of mass in body axes, kg m^2.
    public var inertia: Mat3
    /// The vehicle's collision shape, centred at `collisionOrigin` in the body frame.
    public var collision: CollisionShape
    /// Centre of the collision shape in the body frame, m.
    public var collisionOrigin: Vec3
    /// The camera mount (pose in the body frame plus image parameters).
    public var camera: CameraMount
    /// What kind of vehicle and its coefficients.
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        case quadrotor(QuadrotorParameters)
        case ground(GroundVehicleParameters)
    }

    /// The quadrotor coefficients, or nil for a ground robot.
    public var quadrotor: QuadrotorParameters? {
        if case .quadrotor(let q) = kind { return q }
        return nil
    }

    /// The ground-vehicle coefficients, or nil for a quadrotor.
    public var ground: GroundVehicleParameters? {
        if case .ground(let g) = kind { return g }
        return nil
    }
}

/// A vehicle collision shape in its own frame (axis along body z for the cylinder).
public enum CollisionShape: Sendable, Equatable {
    /// Cylinder of `radius` m and `length` m along body z (quadrotors).
    case cylinder(radius: Double, length: Double)
    /// Box with full edge lengths `size` m along body x, y, z (ground robots).
    case box(size: Vec3)

    /// Radius of the smallest sphere around the shape's centre, m.
    public var boundingRadius: Double {
        switch self {
        case .cylinder(let r, let l): return (r * r + 0.25 * l * l).squareRoot()
        case .box(let s): return 0.5 * s.length
        }
    }
}

/// The camera mount a robot file declares: `camera_link`, joined to `base_link` by a fixed joint
/// whose `<origin xyz rpy>` is the mount pose, plus a `<camera>` element under `<robot>`.
///
/// The camera frame C follows the body convention: x is the optical axis (looking forward),
/// y left, z up. Renderers that want an optical frame (z forward, x right, y down) apply the
/// fixed rotation themselves.
public struct CameraMount: Sendable, Equatable {
    /// Pose of the camera frame C in the body frame B (`T_BC`).
    public var pose: Pose
    /// Image width and height in pixels.
    public var width: Int
    public var height: Int
    /// Horizontal field of view in degrees.
    public var horizontalFOVDegrees: Double
    /// Frame rate in Hz.
    public var rateHz: Double
    /// Delay from capture to availability, s.
    public var latency: Double

    public init(pose: Pose = .identity, width: Int = 64, height: Int = 64, horizontalFOVDegrees: Double = 90,
                rateHz: Double = 30, latency: Double = 0) {
        self.pose = pose
        self.width = width
        self.height = height
        self.horizontalFOVDegrees = horizontalFOVDegrees
        self.rateHz = rateHz
        self.latency = latency
    }

    /// Vertical field of view in degrees for square pixels.
    public var verticalFOVDegrees: Double {
        let h = tan(radians(horizontalFOVDegrees) / 2) * Double(height) / Double(width)
        return degrees(2 * atan(h))
    }
}
