import Foundation
import Geometry
import Planning
import Runtime
import World

/// PRIVILEGED baseline: CEM over the 12-step yaw-rate sequence, scoring each candidate by a
/// kinematic rollout of the GtS action model (constant forward speed, piecewise-constant yaw
/// rate per control period; the velocity follows the heading with a first-order lag, which
/// models the sideslip of a quadrotor in a turn) against the true world geometry. It reads the scene and the true
/// pose, which no camera-only policy can: it is an upper reference, labelled "(privileged)".
///
/// Cost of a sequence = mean over steps h of c_h (1 from the first step whose swept path touches
/// an obstacle, inflated by `margin`, or leaves the bounds) + `clearanceWeight` * mean_h
/// exp(-d_h / 0.5 m) (d_h: distance to the nearest obstacle, or other vehicle of a swarm, at the end of step h) +
/// `yawWeight` * mean_h (a_h / max)^2.
///
/// In a swarm it also sees the other vehicles (`SwarmAwarePolicy`): each is a `MovingObstacle`,
/// an upright cylinder of its collision shape at its true position, moving on at its true
/// horizontal velocity over the horizon while its altitude only moves toward the held one (every
/// vehicle is commanded the same altitude), and a substep also collides when the robot is within
/// the neighbour's radius plus its own plus `margin` of it horizontally and within their half
/// heights plus `2 * altitudeTolerance` vertically, and the clearance term reads the distance to
/// its cylinder where the prediction puts it (a plan skimming a neighbour costs more than one
/// keeping clear, as near a tree). Without neighbours the cost is the static one above, bit for bit.
public struct PrivilegedPlannerPolicy: SwarmAwarePolicy {
    public struct Settings: Sendable, Equatable {
        /// Planner budget (smaller than the learned policy's 4096/1024/128/3: the cost is exact).
        public var cem: CEMPlanner.Settings = {
            var s = CEMPlanner.Settings()
            s.initialSamples = 256
            s.samples = 128
            s.elites = 16
            s.iterations = 3
            // the cost is exact, so fly the best sequence seen (a mean of left- and right-turning
            // elites can run straight into the obstacle), and keep last tick's plan as a candidate
            s.execute = .best
            s.includeNominal = true
            return s
        }()
        /// Steps looked ahead (5 s at 4 Hz): longer than the learned model's 12 so that it turns
        /// before entering places too narrow for a U-turn at constant forward speed.
        public var horizon = 20
        /// Rollout substeps per control period (each checked for overlap).
        public var substeps = 3
        /// Extra radius around the robot's collision shape, m.
        public var margin = 0.1
        /// How far a vehicle holding its commanded altitude may stray from it, m: the vertical
        /// band around another vehicle of a swarm is both vehicles' collision half heights plus
        /// twice this (the controller's tested bound while yawing at 120 deg/s, docs/physics.md).
        public var altitudeTolerance = 0.05
        /// Time constant of the velocity turning toward the heading, s (the controller's velocity
        /// loop; 0 = the velocity follows the heading at once).
        public var velocityTimeConstant = 0.17
        public var clearanceWeight = 0.05
        public var yawWeight = 0.01
        public init() {}
    }

    public let settings: Settings
    var planner: CEMPlanner?
    var rng = RNG(seed: 0)
    /// The other vehicles of a swarm for the next `act` (empty alone).
    public private(set) var neighbours: [MovingObstacle] = []

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// The candidates the last `act` scored (nil before the first call): what the viewer draws.
    public var lastBatch: CandidateBatch? { planner?.lastBatch }

    public var name: String { "privileged" }
    public var isPrivileged: Bool { true }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x5052_4956)
        planner?.reset()
        neighbours = []
    }

    public mutating func setNeighbours(_ neighbours: [MovingObstacle]) { self.neighbours = neighbours }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let m = Float(model.settings.maxYawRate)
        if planner == nil || planner!.space.upper[0] != m {
            planner = CEMPlanner(space: ActionSpace(horizon: settings.horizon, lower: [-m], upper: [m]), settings: settings.cem)
        }
        var cost = KinematicRolloutCost(model: model, start: observation.robot, settings: settings, neighbours: neighbours)
        planner!.plan(&cost, rng: &rng)
        let a = Double(planner!.nominal[0])
        planner!.shift()
        return a
    }
}
