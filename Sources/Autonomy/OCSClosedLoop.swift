import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Rendering
import Runtime
import World

/// Closed-loop check of the two OCS policies (optional, off by default): each flies the GtS
/// action model in held-out worlds with its camera images corrupted at each severity of one
/// pixel rung; every control step it either flies its chosen primitive's yaw rate for the step
/// (replanning every step) or, when it abstains, hovers in place for the step.
public struct OCSClosedLoopSettings: Codable, Sendable, Equatable {
    /// Episodes per world and policy and severity; 0 = no closed-loop run.
    public var episodesPerWorld = 0
    /// Held-out worlds (`WorldCatalog.heldOutSpecs`, the five training families at seed 1,000,000).
    public var worlds = 5
    /// Episode time limit, s.
    public var episodeTime = 30.0
    /// The pixel rung whose corruption the camera sees.
    public var rung: OCSRung = .noise
    public var severities = [0, 1, 2, 3, 4, 5]
    public init() {}
}

/// One policy at one severity, over all closed-loop episodes.
public struct OCSClosedLoopRow: Sendable, Equatable {
    public var model: OCSModelKind
    public var severity: Int
    public var episodes: Int
    public var collisions: Int
    /// Horizontal path length flown per episode, m.
    public var distances: [Double]
    /// Fraction of control steps spent hovering (abstaining).
    public var hoverFraction: Double
    /// Whether each episode collided (same order as `distances`).
    public var collided: [Bool] = []

    public init(model: OCSModelKind, severity: Int, episodes: Int, collisions: Int, distances: [Double], hoverFraction: Double,
                collided: [Bool] = []) {
        self.model = model
        self.severity = severity
        self.episodes = episodes
        self.collisions = collisions
        self.distances = distances
        self.hoverFraction = hoverFraction
        self.collided = collided
    }
}

public enum OCSClosedLoop {
    /// Work units (episodes) of a run.
    public static func workUnits(_ s: OCSSettings) -> Int {
        s.closedLoop.episodesPerWorld * s.closedLoop.worlds * s.closedLoop.severities.count * 2
    }

    public static func run(_ s: OCSSettings, models: [OCSModelSummary], robot: RobotDescription,
                           progress: Diagnostics.Progress? = nil) throws -> [OCSClosedLoopRow] {
        let c = s.closedLoop
        guard c.episodesPerWorld > 0, let corruption = c.rung.corruption else { return [] }
        let scenes = try WorldCatalog.heldOutSpecs(count: c.worlds).map { try WorldGenerators.make($0) }
        let envModels = try scenes.map { try EnvModel(scene: $0, robot: robot, settings: envSettings(s.data, episodeTime: c.episodeTime), domain: .sim) }
        var rows: [OCSClosedLoopRow] = []
        for summary in models {
            let policy = OCSFlightPolicy(summary)
            for severity in c.severities {
                var row = OCSClosedLoopRow(model: summary.model.kind, severity: severity, episodes: 0, collisions: 0, distances: [], hoverFraction: 0)
                var steps = 0, hovers = 0
                for (w, model) in envModels.enumerated() {
                    for e in 0..<c.episodesPerWorld {
                        let episodeSeed = self.episodeSeed(s.seed, world: w, episode: e)
                        var sim = Env(model: model)
                        sim.reset(seed: episodeSeed)
                        var distance = 0.0, collided = false
                        while true {
                            let d = decide(sim.state.observation, policy: policy, corruption: corruption, severity: severity,
                                           episodeSeed: episodeSeed)
                            let before = sim.state.observation.robot.position
                            let r = sim.step(action(d.action, data: s.data))
                            steps += 1
                            if d.action == nil { hovers += 1 }
                            let p = r.observation.robot.position - before
                            distance += (p.x * p.x + p.y * p.y).squareRoot()
                            if r.collided { collided = true }
                            if r.done { break }
                        }
                        row.episodes += 1
                        if collided { row.collisions += 1 }
                        row.distances.append(distance)
                        row.collided.append(collided)
                        progress?.advance(note: "closed loop \(summary.model.kind.rawValue) severity \(severity)")
                    }
                }
                row.hoverFraction = Double(hovers) / Double(max(1, steps))
                rows.append(row)
            }
        }
        return rows
    }

    /// The env of the closed loop: the OCS data's camera (one frame, with depth for fog) and
    /// forward speed, episodes of `episodeTime` s.
    public static func envSettings(_ data: OCSDataSettings, episodeTime: Double) -> EnvSettings {
        var env = data.envSettings
        env.frameStack = 1
        env.depth = true
        env.maxEpisodeTime = episodeTime
        return env
    }

    /// Reset seed of episode `episode` in held-out world `world` (shared by every policy and severity).
    public static func episodeSeed(_ seed: UInt64, world: Int, episode: Int) -> UInt64 {
        RNG.mix(seed, UInt64(world * 1000 + episode))
    }

    /// The env action of a decision: the primitive's yaw rate at the env's forward speed for one
    /// control step, or (nil, abstain) hovering in place at the flight altitude.
    public static func action(_ a: Int?, data: OCSDataSettings) -> EnvAction {
        guard let a else { return .vehicle(.flight(.forward(speed: 0, yawRate: 0, altitude: data.altitude))) }
        return .yawRate(data.yawRatesDegrees[a] * .pi / 180)
    }

    /// One control step's decision: the observation's newest camera image corrupted at
    /// `severity` (noise drawn from the episode's stream for that severity and step
    /// `observation.step`, so a step sees the same image whenever it is asked), the policy's
    /// outputs on it and its decision (nil = hover).
    public static func decide(_ observation: Observation, policy: OCSFlightPolicy, corruption: ImageCorruption, severity: Int,
                              episodeSeed: UInt64) -> OCSClosedLoopDecision {
        let (h, w) = policy.imageSize
        let n = w * h
        precondition(observation.frames.count >= n && observation.depth.count == n, "the env's camera must match the policy's \(w)x\(h) input")
        let newest = Array(observation.frames[(observation.frames.count - n)...])
        var rng = RNG(seed: RNG.mix(episodeSeed, UInt64(severity)), stream: 0x636c_6f6f).derived(UInt64(observation.step))
        let image = corruption.apply(severity: severity, gray: newest, depth: observation.depth, width: w, height: h, rng: &rng)
        let p = policy.predict(images: image, count: 1)
        return OCSClosedLoopDecision(image: image, predictions: p, action: policy.decide(p, 0))
    }
}
