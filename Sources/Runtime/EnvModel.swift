import Diagnostics
import Geometry
import Physics
import Rendering
import World

/// Everything constant about an environment: world, robot, camera, rates, domain profile and
/// limits. A `Sendable` value built once and validated; many `EnvState`s can share it (MuJoCo's
/// model/data split).
public struct EnvModel: Sendable {
    public let scene: Scene
    public let robot: RobotDescription
    public let settings: EnvSettings
    public let domain: DomainProfile
    /// The observation camera: intrinsics and mount pose in the body frame.
    public let camera: Camera
    /// Physics step, s, and physics steps per control step.
    public let dt: Double
    public let substeps: Int
    /// Control period, s (`substeps * dt`).
    public let controlPeriod: Double
    /// The robot's collision shape for World queries and its centre in the body frame.
    public let shape: World.CollisionShape
    public let shapeOffset: Vec3
    /// Half the shape's vertical extent (for ground contact), m.
    public let shapeHalfHeight: Double
    /// Nominal vehicle models (one of the two is set): the controller always uses the nominal one.
    public let quadrotor: QuadrotorModel?
    public let controller: QuadrotorController?
    public let ground: GroundVehicleModel?
    /// Renderer for the domain's base appearance (per-episode varied appearance builds its own).
    public let renderer: Renderer
    /// Physics substeps between exposure and the end of a control step (camera latency).
    public let cameraLatencySteps: Int

    /// Builds and validates a model. Throws `InputError` naming the setting for bad values.
    public init(scene: Scene, robot: RobotDescription, settings: EnvSettings = EnvSettings(),
                domain: DomainProfile = .sim) throws {
        func check(_ ok: Bool, _ name: String, _ value: Any) throws {
            if !ok { throw InputError("env settings", at: name, "bad value \(value)") }
        }
        try check(settings.physicsRate.isFinite && settings.physicsRate > 0 && settings.physicsRate <= 1e5, "physicsRate", settings.physicsRate)
        try check(settings.controlRate.isFinite && settings.controlRate > 0 && settings.controlRate <= settings.physicsRate,
                  "controlRate", settings.controlRate)
        try check((1...4096).contains(settings.imageWidth), "imageWidth", settings.imageWidth)
        try check((1...4096).contains(settings.imageHeight), "imageHeight", settings.imageHeight)
        try check((1...64).contains(settings.frameStack), "frameStack", settings.frameStack)
        try check(settings.maxRange > 0, "maxRange", settings.maxRange)
        try check(settings.forwardSpeed.isFinite && settings.forwardSpeed >= 0, "forwardSpeed", settings.forwardSpeed)
        try check(settings.altitude.isFinite && settings.altitude > 0, "altitude", settings.altitude)
        try check(settings.maxYawRate.isFinite && settings.maxYawRate >= 0, "maxYawRate", settings.maxYawRate)
        try check(settings.tiltLimit > 0, "tiltLimit", settings.tiltLimit)
        try check(settings.maxEpisodeTime > 0, "maxEpisodeTime", settings.maxEpisodeTime)
        try check(settings.maxDistance > 0, "maxDistance", settings.maxDistance)
        let fov = Self.fieldOfView(settings, robot: robot)
        try check(fov > 0 && fov < 180, "fieldOfViewDegrees", fov)
        try check(domain.actuationLatency >= 0 && domain.cameraLatency >= 0 && domain.cameraLatency < 1 / settings.controlRate,
                  "domain latency", "\(domain.actuationLatency), \(domain.cameraLatency)")
        self.scene = scene
        self.robot = robot
        self.settings = settings
        self.domain = domain
        self.dt = 1 / settings.physicsRate
        self.substeps = settings.substeps
        self.controlPeriod = Double(substeps) * dt
        self.camera = Camera(intrinsics: CameraIntrinsics(width: settings.imageWidth, height: settings.imageHeight,
                                                          fovDegrees: fov, maxRange: settings.maxRange),
                             mount: robot.camera.pose, frameRate: settings.controlRate, latency: domain.cameraLatency)
        switch robot.collision {
        case .cylinder(let r, let l):
            shape = .cylinder(radius: r, height: l)
            shapeHalfHeight = l / 2
        case .box(let s):
            shape = .box(halfExtents: s * 0.5)
            shapeHalfHeight = s.z / 2
        }
        shapeOffset = robot.collisionOrigin
        switch robot.kind {
        case .quadrotor:
            let m = QuadrotorModel(robot: robot, rate: settings.physicsRate, effects: domain.effects,
                                   motorTimeConstant: domain.motorTimeConstant,
                                   wind: WindParameters(mean: .zero, gustSigma: domain.gustSigma, gustTimeConstant: domain.gustTimeConstant))
            quadrotor = m
            controller = QuadrotorController(model: m)
            ground = nil
        case .ground:
            quadrotor = nil
            controller = nil
            ground = GroundVehicleModel(robot: robot, rate: settings.physicsRate)
        }
        renderer = Renderer(scene: scene, profile: domain.appearance)
        cameraLatencySteps = min(substeps, Int((domain.cameraLatency / dt).rounded()))
    }

    /// The camera's horizontal field of view, degrees: the settings' override, else the robot file's.
    public static func fieldOfView(_ settings: EnvSettings, robot: RobotDescription) -> Double {
        settings.fieldOfViewDegrees ?? robot.camera.horizontalFOVDegrees
    }

    /// Pixels per frame.
    @inlinable public var pixelCount: Int { settings.imageWidth * settings.imageHeight }

    /// Whether the robot is a quadrotor.
    @inlinable public var isQuadrotor: Bool { quadrotor != nil }

    /// The simulated (perturbed) quadrotor model of an episode.
    func plant(_ p: EpisodeParameters) -> QuadrotorModel? {
        guard quadrotor != nil else { return nil }
        return QuadrotorModel(robot: robot, rate: settings.physicsRate, effects: domain.effects,
                              motorTimeConstant: domain.motorTimeConstant, wind: p.wind, scales: p.scales)
    }
}
