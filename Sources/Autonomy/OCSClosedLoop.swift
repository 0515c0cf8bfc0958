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
        var env = s.data.envSettings
        env.frameStack = 1
        env.depth = true
        env.maxEpisodeTime = c.episodeTime
        let scenes = try WorldCatalog.heldOutSpecs(count: c.worlds).map { try WorldGenerators.make($0) }
        let envModels = try scenes.map { try EnvModel(scene: $0, robot: robot, settings: env, domain: .sim) }
        let hover = EnvAction.vehicle(.flight(.forward(speed: 0, yawRate: 0, altitude: s.data.altitude)))
        var rows: [OCSClosedLoopRow] = []
        for summary in models {
            for severity in c.severities {
                var row = OCSClosedLoopRow(model: summary.model.kind, severity: severity, episodes: 0, collisions: 0, distances: [], hoverFraction: 0)
                var steps = 0, hovers = 0
                for (w, model) in envModels.enumerated() {
                    for e in 0..<c.episodesPerWorld {
                        let episodeSeed = RNG.mix(s.seed, UInt64(w * 1000 + e))
                        let noise = RNG(seed: RNG.mix(episodeSeed, UInt64(severity)), stream: 0x636c_6f6f)
                        var sim = Env(model: model)
                        var obs = sim.reset(seed: episodeSeed)
                        var distance = 0.0, collided = false, t = 0
                        while true {
                            var rng = noise.derived(UInt64(t))
                            let image = corruption.apply(severity: severity, gray: obs.frames, depth: obs.depth,
                                                         width: env.imageWidth, height: env.imageHeight, rng: &rng)
                            let p = summary.model.predict(images: image, count: 1)
                            let a = summary.model.kind == .rewardRegression ? OCSDecisions.rewardRegression(p, 0)
                                                                            : OCSDecisions.classifier(p, 0, threshold: summary.threshold ?? 0)
                            let before = obs.robot.position
                            let r = sim.step(a.map { .yawRate(s.data.yawRatesDegrees[$0] * .pi / 180) } ?? hover)
                            steps += 1
                            if a == nil { hovers += 1 }
                            let d = r.observation.robot.position - before
                            distance += (d.x * d.x + d.y * d.y).squareRoot()
                            obs = r.observation
                            t += 1
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
}
