import Diagnostics
import Foundation
import Geometry
import Runtime
import World

/// Settings of `swiftlet experiment hint` (JSON: every key optional, defaults below).
public struct HIntExperimentConfig: Codable, Sendable, Equatable {
    /// Root seed of data collection, training and evaluation.
    public var seed: UInt64 = 0
    /// Directory holding jackal.urdf, rccar.urdf and cf2x.urdf.
    public var robotsDirectory = "Robots"
    /// Training worlds (`WorldCatalog.trainingSpecs`), shared by every source.
    public var trainWorlds = 10
    /// Held-out evaluation worlds: families cycled from `evalFamilies`, generator seeds from
    /// `WorldCatalog.heldOutSeedStart` (never used for training).
    public var evalWorlds = 10
    /// Families of the evaluation worlds (open-ground families, where a goal a few metres
    /// ahead is reachable around the obstacles; hallways and offices often wall it off).
    /// `FAMILY` or `FAMILY:key=value,...` (generator parameters); defaults are denser than the
    /// generators' defaults so that reaching the goal needs turns.
    public var evalFamilies = ["forest:trees=300", "boulders:rocks=150"]
    /// Camera image size, pixels (METHODS.md: 96 x 72).
    public var imageWidth = 96
    public var imageHeight = 72
    /// Control steps collected per source.
    public var stepsPerSource = 3000
    /// Longest collection episode, control steps (4 Hz).
    public var episodeSteps = 60
    /// Models.
    public var training = HIntTrainingSettings()
    /// Evaluation episodes per method and yaw-rate limit (>= 50 for the report's CIs).
    public var episodes = 50
    /// Deploying robot's yaw-rate limits swept, deg/s.
    public var yawLimitsDegrees: [Double] = [180, 120, 60]
    /// MPPI samples per tick (METHODS.md: 4096).
    public var samples = 4096
    /// Goal distance from the spawn, m; the goal counts as reached within `goalRadius`.
    public var goalDistance = 6.0
    public var goalRadius = 0.75
    /// Time limit as a multiple of the straight-line goal time.
    public var timeFactor = 2.5
    /// Goal bearing from the start heading is uniform in +-this, deg; nil: +-0.6 rad (34.4 deg).
    public var goalBearingDegrees: Double? = nil
    /// Start poses inside the obstacle field (`HIntEpisodeLayout.interiorSpawns`: 4 m inside the
    /// bounds, 0.6 m clear of obstacles, any heading) instead of the generators' spawns at the
    /// open start edge.
    public var interiorStarts = false
    /// If set, only goals connected to the start on a grid of cells this far (m) from every
    /// obstacle count (`HIntEpisodeLayout.reachable`); an episode without one redraws its start.
    public var reachableClearance: Double? = nil
    /// Methods evaluated.
    public var methods: [HIntMethod] = HIntMethod.standard
    /// Per-source collection settings (defaults: `HIntPlatformSettings.defaults`).
    public var platforms: [String: HIntPlatformSettings] = [:]

    public init() {}

    /// The smoke-test preset: a minute or two on 2 cores.
    public static var smoke: HIntExperimentConfig {
        var c = HIntExperimentConfig()
        c.trainWorlds = 2; c.evalWorlds = 2
        c.stepsPerSource = 160; c.episodeSteps = 30
        c.training.perceptionSteps = 20; c.training.actionModelSteps = 10; c.training.dynamicsSteps = 200
        c.training.batchSize = 16
        c.episodes = 3
        c.yawLimitsDegrees = [180, 60]
        c.samples = 256
        c.goalDistance = 3
        return c
    }

    /// World specs of the held-out evaluation set.
    public var evalSpecs: [String] {
        (0..<evalWorlds).map { i in
            let parts = evalFamilies[i % evalFamilies.count].split(separator: ":", maxSplits: 1).map(String.init)
            let seed = WorldCatalog.heldOutSeedStart + UInt64(i / evalFamilies.count)
            return parts.count == 2 ? "\(parts[0]):\(seed):\(parts[1])" : "\(parts[0]):\(seed)"
        }
    }

    /// Settings of one source.
    public func settings(_ p: HIntPlatform) -> HIntPlatformSettings { platforms[p.rawValue] ?? .defaults(p) }

    enum Keys: String, CodingKey {
        case seed, robotsDirectory, imageWidth, imageHeight, trainWorlds, evalWorlds, evalFamilies, stepsPerSource, episodeSteps, training, episodes, yawLimitsDegrees,
             samples, goalDistance, goalRadius, timeFactor, goalBearingDegrees, interiorStarts, reachableClearance, methods, platforms
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let d = HIntExperimentConfig()
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        robotsDirectory = try c.decodeIfPresent(String.self, forKey: .robotsDirectory) ?? d.robotsDirectory
        trainWorlds = try c.decodeIfPresent(Int.self, forKey: .trainWorlds) ?? d.trainWorlds
        evalWorlds = try c.decodeIfPresent(Int.self, forKey: .evalWorlds) ?? d.evalWorlds
        evalFamilies = try c.decodeIfPresent([String].self, forKey: .evalFamilies) ?? d.evalFamilies
        imageWidth = try c.decodeIfPresent(Int.self, forKey: .imageWidth) ?? d.imageWidth
        imageHeight = try c.decodeIfPresent(Int.self, forKey: .imageHeight) ?? d.imageHeight
        stepsPerSource = try c.decodeIfPresent(Int.self, forKey: .stepsPerSource) ?? d.stepsPerSource
        episodeSteps = try c.decodeIfPresent(Int.self, forKey: .episodeSteps) ?? d.episodeSteps
        training = try c.decodeIfPresent(HIntTrainingSettings.self, forKey: .training) ?? d.training
        episodes = try c.decodeIfPresent(Int.self, forKey: .episodes) ?? d.episodes
        yawLimitsDegrees = try c.decodeIfPresent([Double].self, forKey: .yawLimitsDegrees) ?? d.yawLimitsDegrees
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? d.samples
        goalDistance = try c.decodeIfPresent(Double.self, forKey: .goalDistance) ?? d.goalDistance
        goalRadius = try c.decodeIfPresent(Double.self, forKey: .goalRadius) ?? d.goalRadius
        timeFactor = try c.decodeIfPresent(Double.self, forKey: .timeFactor) ?? d.timeFactor
        goalBearingDegrees = try c.decodeIfPresent(Double.self, forKey: .goalBearingDegrees) ?? d.goalBearingDegrees
        interiorStarts = try c.decodeIfPresent(Bool.self, forKey: .interiorStarts) ?? d.interiorStarts
        reachableClearance = try c.decodeIfPresent(Double.self, forKey: .reachableClearance) ?? d.reachableClearance
        methods = try c.decodeIfPresent([HIntMethod].self, forKey: .methods) ?? d.methods
        platforms = try c.decodeIfPresent([String: HIntPlatformSettings].self, forKey: .platforms) ?? d.platforms
    }

    /// Why these settings cannot run, or nil.
    public var validationProblem: String? {
        if let (key, value) = SettingsRangeCheck.excessCount(["trainWorlds": trainWorlds, "evalWorlds": evalWorlds,
                                                              "stepsPerSource": stepsPerSource, "episodeSteps": episodeSteps,
                                                              "episodes": episodes, "samples": samples]) {
            return "\(key) \(value) is more than \(SettingsRangeCheck.maxCount)"
        }
        if imageWidth > 4096 || imageHeight > 4096 { return "image \(imageWidth)x\(imageHeight) is larger than 4096 pixels a side" }
        if !(goalDistance <= 1000) { return "goalDistance \(goalDistance) m is more than 1000" }
        if trainWorlds < 1 || evalWorlds < 1 { return "trainWorlds \(trainWorlds) and evalWorlds \(evalWorlds) must be >= 1" }
        if stepsPerSource < 1 || episodeSteps < HIntTraining.horizon { return "stepsPerSource \(stepsPerSource) / episodeSteps \(episodeSteps) too small" }
        if imageWidth < 16 || imageHeight < 16 || imageWidth % 8 != 0 || imageHeight % 4 != 0 {
            return "image \(imageWidth)x\(imageHeight) must be at least 16x16, width a multiple of 8, height of 4"
        }
        if evalFamilies.isEmpty { return "evalFamilies is empty" }
        if episodes < 2 { return "episodes \(episodes) must be >= 2" }
        if yawLimitsDegrees.isEmpty || yawLimitsDegrees.contains(where: { !($0 > 0) }) { return "yawLimitsDegrees \(yawLimitsDegrees) must be positive" }
        if samples < 1 { return "samples \(samples) must be >= 1" }
        if !(goalDistance > 0 && goalRadius > 0 && timeFactor > 0) { return "goalDistance, goalRadius and timeFactor must be positive" }
        if let b = goalBearingDegrees, !(b >= 0 && b <= 180) { return "goalBearingDegrees \(b) must be in 0...180" }
        if let c = reachableClearance, !(c > 0 && c < 2) { return "reachableClearance \(c) must be in (0, 2) m" }
        if methods.isEmpty { return "no methods" }
        if let bad = platforms.keys.first(where: { HIntPlatform(rawValue: $0) == nil }) { return "platforms: unknown source '\(bad)'" }
        return nil
    }

    /// The deploying robot's env in the evaluation at yaw-rate limit `yawLimitDegrees`: 4 Hz
    /// control, one gray frame of the config's image size, its speed, the limit, and the time
    /// limit `timeFactor` x the straight-line time to the goal; everything else from `base`.
    public func evaluationEnv(yawLimitDegrees: Double, base: EnvSettings = EnvSettings()) -> EnvSettings {
        let ps = settings(HIntExperiment.deploying)
        var s = base
        s.controlRate = HIntCollector.controlRate
        s.frameStack = 1
        s.imageWidth = imageWidth
        s.imageHeight = imageHeight
        s.forwardSpeed = ps.speed
        s.maxYawRate = radians(yawLimitDegrees)
        s.maxEpisodeTime = timeFactor * goalDistance / ps.speed
        return s
    }

    /// The config's file name next to the models it trained (`OUT/models/experiment.json`), so
    /// `fly --hint DIR` flies the experiment's own conditions.
    public static let modelsFileName = "experiment.json"

    /// Writes the whole config as JSON (every key; `load` reads it back equal).
    public func save(to path: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(e.encode(self), to: path)
    }

    /// Loads a JSON config file; `InputError` naming the file on bad JSON or values.
    public static func load(_ path: String) throws -> HIntExperimentConfig {
        let c = try ConfigFile.decode(HIntExperimentConfig.self, from: ConfigFile.read(path), source: path, defaults: HIntExperimentConfig(),
                                      optionalKeys: ["goalBearingDegrees", "reachableClearance"])
        if let p = c.validationProblem { throw InputError(path, p) }
        return c
    }
}
