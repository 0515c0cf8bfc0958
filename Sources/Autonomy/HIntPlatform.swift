import Foundation

/// A data source of the HInt experiment (METHODS.md section 2): three robots with different
/// dynamics and a hand-held camera without any, all in the same world families.
public enum HIntPlatform: String, Codable, CaseIterable, Sendable {
    /// Differential-drive (skid-steer) robot, `Robots/jackal.urdf`; the deploying robot.
    case jackal
    /// Ackermann car, `Robots/rccar.urdf` (bicycle model, steering-limited turns).
    case rccar
    /// Crazyflie-class quadrotor at fixed altitude, `Robots/cf2x.urdf`.
    case quadrotor
    /// A camera carried along smooth random paths: poses and images, no actions.
    case handheld

    /// Robot description file (relative to the robots directory), nil for the hand-held camera.
    public var robotFile: String? {
        switch self {
        case .jackal: "jackal.urdf"
        case .rccar: "rccar.urdf"
        case .quadrotor: "cf2x.urdf"
        case .handheld: nil
        }
    }

    /// Whether the source has actions (and so a dynamics model).
    public var hasActions: Bool { self != .handheld }
}

/// How one platform gathers data: forward speed and the range of commanded yaw rates.
public struct HIntPlatformSettings: Codable, Sendable, Equatable {
    /// Forward speed, m/s (hand-held: the mean walking speed; each episode draws 0.6x-1.4x).
    public var speed: Double
    /// Commanded yaw rates are uniform in +-this, deg/s.
    public var maxYawRateDegrees: Double
    /// Camera height for the hand-held source, m (robots use their file's mount).
    public var cameraHeight: Double = 0.5

    public init(speed: Double, maxYawRateDegrees: Double, cameraHeight: Double = 0.5) {
        self.speed = speed; self.maxYawRateDegrees = maxYawRateDegrees; self.cameraHeight = cameraHeight
    }

    /// Defaults: jackal 0.5 m/s +-180 deg/s; rccar 0.8 m/s (its 0.4 rad steering limit caps
    /// turns at about 75 deg/s); quadrotor 0.4 m/s +-120 deg/s (GtS); hand-held 0.6 m/s +-90 deg/s.
    public static func defaults(_ p: HIntPlatform) -> HIntPlatformSettings {
        switch p {
        case .jackal: HIntPlatformSettings(speed: 0.5, maxYawRateDegrees: 180)
        case .rccar: HIntPlatformSettings(speed: 0.8, maxYawRateDegrees: 180)
        case .quadrotor: HIntPlatformSettings(speed: 0.4, maxYawRateDegrees: 120)
        case .handheld: HIntPlatformSettings(speed: 0.6, maxYawRateDegrees: 90, cameraHeight: 0.6)
        }
    }
}
