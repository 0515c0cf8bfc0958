import Geometry

/// What an environment is configured with, apart from the world and the robot. Defaults follow
/// GtS (METHODS.md section 1): 4 Hz control, 4 stacked 72x96 gray frames (72 rows, 96 columns),
/// forward speed 0.4 m/s at 0.4 m altitude, yaw rate within +-120 deg/s, tilt limit 0.5 rad.
public struct EnvSettings: Sendable, Equatable, Codable {
    /// Physics integration rate, Hz (500 by default).
    public var physicsRate: Double = 500
    /// Control (and camera) rate, Hz: one `step` lasts `1 / controlRate` s (GtS: 4 Hz = 0.25 s).
    public var controlRate: Double = 4
    /// Image width and height in pixels (GtS: 96 x 72).
    public var imageWidth: Int = 96
    public var imageHeight: Int = 72
    /// Horizontal field of view, degrees; nil takes the robot file's camera.
    public var fieldOfViewDegrees: Double? = nil
    /// Depth saturation range, m.
    public var maxRange: Double = 20
    /// Frames stacked in the observation, oldest first.
    public var frameStack: Int = 4
    /// Also return the newest depth image.
    public var depth: Bool = false
    /// GtS action space: forward speed (m/s) and held altitude (m).
    public var forwardSpeed: Double = 0.4
    public var altitude: Double = 0.4
    /// Largest yaw-rate magnitude accepted, rad/s (commands are clamped).
    public var maxYawRate: Double = 120 * Double.pi / 180
    /// Quadrotors: |roll| or |pitch| beyond this ends the episode as a collision, rad.
    public var tiltLimit: Double = 0.5
    /// Truncation limits: simulated time (s) and path length flown (m).
    public var maxEpisodeTime: Double = 120
    public var maxDistance: Double = 1000
    /// Random heading offset at spawn, uniform in +-this, rad.
    public var spawnYawJitter: Double = 0.3

    public init() {}

    /// Physics substeps per control step.
    public var substeps: Int { max(1, Int((physicsRate / controlRate).rounded())) }
}
