import Geometry
import Physics
import Rendering

/// Everything that evolves in one environment: vehicle state, episode draw, pending command,
/// frame stack, counters and RNG. A value: `let saved = env.state` saves, `env.state = saved`
/// restores, and the episode continues bit-identically. Buffers are allocated once (at init and,
/// for per-episode appearance, at reset); `step` allocates nothing.
public struct EnvState: Sendable {
    /// Quadrotor state (meaningful when the model's robot is a quadrotor).
    public var quadrotor: QuadrotorState
    /// Ground-robot state (meaningful for ground robots).
    public var ground: GroundVehicleState
    /// The simulated, perturbed quadrotor of this episode (derived from `episode`).
    public internal(set) var plant: QuadrotorModel?
    /// This episode's domain draw.
    public internal(set) var episode: EpisodeParameters
    /// Renderer with this episode's appearance.
    public internal(set) var renderer: Renderer
    var scratch: RenderScratch
    /// The latest observation (`frames` is updated in place).
    public internal(set) var observation: Observation
    /// Sensor-noise RNG.
    public var rng: RNG
    /// Command the controller is tracking and the one waiting out the actuation latency.
    public var activeCommand: VehicleCommand
    public var pendingCommand: VehicleCommand?
    /// Physics step index at which `pendingCommand` takes over.
    public var pendingAt: Int = 0
    /// Physics steps and control steps since reset.
    public var physicsSteps: Int = 0
    public var controlSteps: Int = 0
    /// Horizontal path length flown since reset, m.
    public var distance: Double = 0
    /// Set once the episode has terminated or been truncated.
    public var terminated = false
    public var truncated = false
    /// Non-finite actions received (each ends its episode as truncated), over the state's life.
    public var badActions: Int = 0
    /// The seed of the last reset.
    public var seed: UInt64 = 0
    /// Physics warnings seen when the episode started (to spot new ones).
    var warningBase = 0

    /// A state for `model` (call `Env.reset(seed:)` before stepping).
    public init(model: EnvModel) {
        quadrotor = model.quadrotor?.initialState() ?? QuadrotorState(position: .zero, rotorRPM: .zero, rng: RNG(seed: 0))
        ground = GroundVehicleState(x: 0, y: 0, yaw: 0)
        plant = model.quadrotor
        episode = EpisodeParameters(scales: .nominal, yawRateGain: 1, wind: .calm, appearance: model.domain.appearance)
        renderer = model.renderer
        scratch = RenderScratch(renderer: model.renderer, camera: model.camera.intrinsics)
        let n = model.pixelCount
        observation = Observation(frames: [UInt8](repeating: 0, count: n * model.settings.frameStack),
                                  depth: model.settings.depth ? [Float](repeating: 0, count: n) : [],
                                  robot: RobotObservation(time: 0, position: .zero, attitude: .identity, velocity: .zero, bodyRate: .zero),
                                  step: 0)
        rng = RNG(seed: 0)
        activeCommand = .flight(.velocity(.zero, yawRate: 0))
    }

    /// Whether the episode is over.
    @inlinable public var done: Bool { terminated || truncated }
}
