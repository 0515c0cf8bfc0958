import Geometry

/// Everything the viewer draws for one frame: a read-only snapshot of the simulation (or of a
/// replayed log) produced by the step closure. The viewer never owns simulation state.
///
/// Units: metres, seconds, radians; world frame z up.
public struct ViewerFrame: Sendable {
    /// Simulated time (s).
    public var simTime: Double
    /// Pose of the robot body in the world.
    public var robotPose: Pose
    /// Speed (m/s), altitude (m) and yaw rate (rad/s) for the HUD.
    public var speed: Double
    public var altitude: Double
    public var yawRate: Double
    /// Who is flying, shown on the HUD: e.g. "privileged planner", "learned policy", "manual".
    public var modeLabel: String
    /// Number of collisions so far this episode.
    public var collisions: Int
    /// Past robot positions, oldest first.
    public var trail: [Vec3]
    /// Obstacle footprints for the map.
    public var obstacles: [MapObstacle]
    /// The planner's candidate paths (drawn on the map and projected into the 3D view).
    public var candidates: [CandidatePath]
    /// Onboard camera images for the insets (nil hides the inset).
    public var monocular: GrayImage?
    public var depth: DepthImage?
    /// Display range of the depth inset (metres).
    public var depthRange: ClosedRange<Float>
    /// The main 3D view.
    public var view: MainView
    /// Centre and side length (metres) of the square map region; nil follows the robot with a
    /// 16 m side.
    public var mapRegion: (center: SIMD2<Double>, side: Double)?
    /// An optional one-line status message (world name, episode end, ...).
    public var status: String
    /// A goal position (world, m) drawn on the map and in the 3D view, with its radius (m).
    public var goal: Vec3?
    public var goalRadius: Double
    /// Method-specific HUD lines under the standard ones (filter value, threshold, ...).
    public var hudExtra: [HUDLine]
    /// Replaces the HUD's measured fps figure when set, e.g. "TICKS/S 180 (headless)" for a
    /// frame composed once after a headless run (where no frame rate exists).
    public var rateLabel: String?
    /// Other vehicles drawn in the 3D view and on the map with their trails (a swarm's members
    /// besides the followed one); empty for one robot.
    public var vehicles: [ViewerVehicle]

    public init(simTime: Double = 0, robotPose: Pose = .identity, speed: Double = 0, altitude: Double = 0,
                yawRate: Double = 0, modeLabel: String = "manual", collisions: Int = 0, trail: [Vec3] = [],
                obstacles: [MapObstacle] = [], candidates: [CandidatePath] = [], monocular: GrayImage? = nil,
                depth: DepthImage? = nil, depthRange: ClosedRange<Float> = 0.2...10, view: MainView = .horizon,
                mapRegion: (center: SIMD2<Double>, side: Double)? = nil, status: String = "", goal: Vec3? = nil,
                goalRadius: Double = 0.5, hudExtra: [HUDLine] = [], rateLabel: String? = nil,
                vehicles: [ViewerVehicle] = []) {
        self.simTime = simTime
        self.robotPose = robotPose
        self.speed = speed
        self.altitude = altitude
        self.yawRate = yawRate
        self.modeLabel = modeLabel
        self.collisions = collisions
        self.trail = trail
        self.obstacles = obstacles
        self.candidates = candidates
        self.monocular = monocular
        self.depth = depth
        self.depthRange = depthRange
        self.view = view
        self.mapRegion = mapRegion
        self.status = status
        self.goal = goal
        self.goalRadius = goalRadius
        self.hudExtra = hudExtra
        self.rateLabel = rateLabel
        self.vehicles = vehicles
    }
}
