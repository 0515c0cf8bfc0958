import Foundation
import Geometry
import Models
import Neural
import Physics
import Planning
import Runtime
import World

/// The task of METHODS.md 6 in Swiftlet (docs/premem.md): the Crazyflie at its fixed altitude
/// and constant forward speed, commanded by a 12-step sequence of discretised yaw-rate tokens,
/// must end within `goalRadius` of the goal without touching anything. The kinematics are the
/// privileged planner's (`KinematicRolloutCost`: piecewise-constant yaw rate per control period,
/// velocity turning toward the heading with a first-order lag, `substeps` overlap checks per
/// period); the collision check is `Scene.overlaps` with the robot's collision shape.
public struct PreMemTask: Sendable {
    public struct Settings: Codable, Sendable, Equatable {
        public var robot = "Robots/cf2x.urdf"
        /// Generator specs of the training worlds (queries for training and curation).
        public var trainWorlds = (0..<6).map { "forest:\($0):trees=90,size=16,rmin=0.15,rmax=0.35" }
        /// Held-out worlds (seeds >= 1,000,000): test queries only.
        public var testWorlds = (0..<3).map { "forest:\(1_000_000 + $0):trees=90,size=16,rmin=0.15,rmax=0.35" }
        /// Forward speed, m/s (the GtS action model flies 0.4; faster gives a longer 12-step path).
        public var forwardSpeed = 0.8
        public var steps = 12
        public var tokens = 7
        /// Goal distance drawn in [0.85, 1] x this (then [0.5, 0.85] x), m; bearing within +-goalBearing rad of the heading.
        public var goalDistance = 2.0
        public var goalBearing = 0.9
        /// Success: the final position within this distance of the goal, m.
        public var goalRadius = 0.35
        /// Privileged range scan: rays evenly over the full circle from the start, range in m.
        public var scanRays = 16
        public var scanRange = 4.0
        /// Starts: inside the world shrunk by `startInset` m, at least `startClearance` m from obstacles.
        public var startInset = 1.5
        public var startClearance = 0.45
        /// Demonstration planner: extra radius around the robot, m, and CEM budget.
        public var demoMargin = 0.08
        public var demoInitialSamples = 384
        public var demoSamples = 192
        public var demoIterations = 4
        public var substeps = 3
        public var velocityTimeConstant = 0.17
        public init() {}
    }

    public let settings: Settings
    /// Training worlds first, then the held-out test worlds.
    public let scenes: [Scene]
    public let shape: World.CollisionShape
    public let period: Double
    public let altitude: Double
    public let vocabulary: PreMemTokens
    /// Environment settings the kinematics are taken from.
    public let envSettings: EnvSettings
    public let robot: RobotDescription

    public init(settings: Settings) throws {
        self.settings = settings
        var names = settings.trainWorlds + settings.testWorlds
        if names.isEmpty { names = ["forest:0"] }
        scenes = try names.map { try SceneLoader.resolve($0) }
        robot = try URDFLoader.load(path: settings.robot)
        var env = EnvSettings()
        env.forwardSpeed = settings.forwardSpeed
        envSettings = env
        let model = try EnvModel(scene: scenes[0], robot: robot, settings: env)
        shape = model.shape
        period = model.controlPeriod
        altitude = model.settings.altitude
        vocabulary = PreMemTokens(count: settings.tokens, maxRate: model.settings.maxYawRate)
    }

    public var trainWorldIndices: [Int] { Array(0..<settings.trainWorlds.count) }
    public var testWorldIndices: [Int] { Array(settings.trainWorlds.count..<(settings.trainWorlds.count + settings.testWorlds.count)) }

    /// Feature count of a query: the scan plus the goal in the start's body frame (x, y, distance).
    public var queryDim: Int { settings.scanRays + 3 }

    /// Heading change of one step with each token, rad.
    public var tokenTurn: [Double] { (0..<vocabulary.count).map { vocabulary.rate($0) * period } }

    /// Flies rates `rate(0..<steps)` (rad/s) open loop from the query's start with the robot's
    /// shape inflated by `margin` m; stops at the first contact or bound crossing.
    public func rollout(_ q: PreMemQuery, margin: Double = 0, rate: (Int) -> Double) -> PreMemRollout {
        let probe = shape.inflatedHorizontally(by: margin)
        let scene = scenes[q.world]
        let sub = max(1, settings.substeps)
        let dt = period / Double(sub)
        let tau = settings.velocityTimeConstant
        let blend = tau > 0 ? 1 - exp(-dt / tau) : 1
        let speed = settings.forwardSpeed
        var k = PlanarKinematics(x: q.start.x, y: q.start.y, yaw: q.yaw, vx: speed * cos(q.yaw), vy: speed * sin(q.yaw))
        for h in 0..<settings.steps {
            let a = rate(h)
            for _ in 0..<sub {
                // the privileged planner's kinematics (KinematicRolloutCost)
                k.advance(yawRate: a, dt: dt, blend: blend, speed: speed)
                let p = Vec3(k.x, k.y, altitude)
                if !scene.inBounds(p) || scene.overlaps(probe, at: Pose(position: p, orientation: Quaternion(roll: 0, pitch: 0, yaw: k.yaw))) {
                    return PreMemRollout(collided: true, final: SIMD2(k.x, k.y))
                }
            }
        }
        return PreMemRollout(collided: false, final: SIMD2(k.x, k.y))
    }

    /// Euclidean distance between two ground points, m.
    public static func distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let d = a - b
        return (d.x * d.x + d.y * d.y).squareRoot()
    }

    /// Flies a token sequence with the true shape.
    public func rollout(_ q: PreMemQuery, tokens: [Int], margin: Double = 0) -> PreMemRollout {
        rollout(q, margin: margin) { vocabulary.rate(tokens[$0]) }
    }

    /// Whether `tokens`, flown open loop, end within `goalRadius` of the goal without contact.
    public func solves(_ q: PreMemQuery, tokens: [Int], margin: Double = 0) -> Bool {
        precondition(tokens.count == settings.steps, "solves needs \(settings.steps) tokens")
        let r = rollout(q, tokens: tokens, margin: margin)
        return !r.collided && PreMemTask.distance(r.final, q.goal) <= settings.goalRadius
    }

    /// Query features: `scanRays` horizontal ranges at the start (ray i at heading yaw - pi +
    /// 2 pi i / scanRays, range / scanRange, 1 = nothing within range), then the goal in the start's
    /// body frame divided by `goalDistance` (forward, left, distance).
    public func features(_ q: PreMemQuery) -> [Float] {
        let scene = scenes[q.world]
        let origin = Vec3(q.start.x, q.start.y, altitude)
        var f = [Float]()
        f.reserveCapacity(queryDim)
        for i in 0..<settings.scanRays {
            let a = q.yaw - .pi + 2 * .pi * Double(i) / Double(settings.scanRays)
            let d = scene.raycast(from: origin, direction: Vec3(cos(a), sin(a), 0), maxDistance: settings.scanRange)?.distance ?? settings.scanRange
            f.append(Float(min(d, settings.scanRange) / settings.scanRange))
        }
        let dx = q.goal.x - q.start.x, dy = q.goal.y - q.start.y
        let c = cos(q.yaw), s = sin(q.yaw)
        f.append(Float((c * dx + s * dy) / settings.goalDistance))
        f.append(Float((-s * dx + c * dy) / settings.goalDistance))
        f.append(Float((dx * dx + dy * dy).squareRoot() / settings.goalDistance))
        return f
    }

    /// The privileged demonstration: CEM over the 12 rates against the true world, each candidate
    /// scored on its token-quantised version (so the best candidate is exactly a token sequence),
    /// cost = 4 if it touches anything (shape inflated by `demoMargin`) + final distance to the goal
    /// / goalDistance + 0.05 x mean squared normalised rate. Returns the tokens when they solve the
    /// query with the margin, else nil.
    public func demonstrate(_ q: PreMemQuery, rng: inout RNG) -> [Int]? {
        let m = Float(vocabulary.maxRate)
        var cem = CEMPlanner.Settings()
        cem.initialSamples = settings.demoInitialSamples
        cem.samples = settings.demoSamples
        cem.elites = max(2, settings.demoSamples / 8)
        cem.iterations = settings.demoIterations
        cem.execute = .best
        cem.includeNominal = true
        var planner = CEMPlanner(space: ActionSpace(horizon: settings.steps, lower: [-m], upper: [m]), settings: cem)
        var cost = PreMemDemoCost(task: self, query: q)
        planner.plan(&cost, rng: &rng)
        let tokens = planner.nominal.map { vocabulary.token(Double($0)) }
        return solves(q, tokens: tokens, margin: settings.demoMargin) ? tokens : nil
    }

    /// A start in `world` drawn by `HIntEpisodeLayout.interiorSpawns` and a goal by
    /// `HIntEpisodeLayout.goal` (both seeded from `rng`); nil if the world has no room.
    public func drawQuery(world: Int, rng: inout RNG) -> PreMemQuery? {
        let scene = scenes[world]
        guard let s = HIntEpisodeLayout.interiorSpawns(scene: scene, count: 1, inset: settings.startInset,
                                                       clearance: settings.startClearance, seed: rng.next()).first else { return nil }
        let start = SIMD2(s.position.x, s.position.y)
        guard let g = HIntEpisodeLayout.goal(scene: scene, start: start, yaw: s.yaw, distance: settings.goalDistance,
                                             bearing: settings.goalBearing, reachableWith: nil, rng: &rng) else { return nil }
        return PreMemQuery(world: world, start: start, yaw: s.yaw, goal: g)
    }

    /// The query with its start moved by N(0, positionStd^2) per axis and its heading by
    /// N(0, yawStd^2) (same goal and world); nil if the new start is within `startClearance` of
    /// an obstacle or outside the bounds.
    public func perturbed(_ q: PreMemQuery, positionStd: Double, yawStd: Double, rng: inout RNG) -> PreMemQuery? {
        let p = q.start + SIMD2(positionStd * rng.normal(), positionStd * rng.normal())
        let yaw = wrapAngle(q.yaw + yawStd * rng.normal())
        let probe = World.CollisionShape.sphere(radius: settings.startClearance)
        let pos = Vec3(p.x, p.y, HIntEpisodeLayout.probeHeight)
        guard scenes[q.world].inBounds(Vec3(p.x, p.y, altitude)),
              scenes[q.world].firstOverlap(probe, at: Pose(position: pos, orientation: .identity)) == nil else { return nil }
        return PreMemQuery(world: q.world, start: p, yaw: yaw, goal: q.goal)
    }

    /// `count` demonstrated examples: queries from `draw` (called with an attempt counter and a
    /// per-attempt RNG) that the demonstration planner solves; at most `20 * count` attempts.
    public func examples(count: Int, seed: UInt64, draw: (Int, inout RNG) -> PreMemQuery?) -> [PreMemExample] {
        examplesCountingAttempts(count: count, seed: seed, draw: draw).examples
    }

    /// `examples(count:seed:draw:)` with the number of attempts it took (queries drawn, solved or not).
    public func examplesCountingAttempts(count: Int, seed: UInt64, draw: (Int, inout RNG) -> PreMemQuery?) -> (examples: [PreMemExample], attempts: Int) {
        var out: [PreMemExample] = []
        var attempt = 0
        while out.count < count && attempt < 20 * max(count, 1) {
            var rng = RNG(seed: seed, stream: UInt64(attempt))
            attempt += 1
            guard let q = draw(attempt - 1, &rng), let tokens = demonstrate(q, rng: &rng) else { continue }
            out.append(PreMemExample(query: q, features: features(q), tokens: tokens))
        }
        return (out, attempt)
    }

    /// `count` examples with fresh queries drawn round-robin from `worlds`.
    public func examples(worlds: [Int], count: Int, seed: UInt64) -> [PreMemExample] {
        examples(count: count, seed: seed) { a, rng in drawQuery(world: worlds[a % worlds.count], rng: &rng) }
    }

    /// Per-query fraction of `samples` sequences (temperature `temperature`) that solve it.
    public func accuracy(policy: PreMemSequencePolicy, parameters: Parameters, queries: [PreMemQuery], features: [[Float]],
                         samples: Int, temperature: Double, rng: inout RNG) -> [Double] {
        let seqs = policy.sample(parameters, queries: features, samplesPerQuery: samples, temperature: temperature, rng: &rng)
        return queries.indices.map { j in
            var ok = 0
            for s in 0..<samples where solves(queries[j], tokens: seqs[j * samples + s]) { ok += 1 }
            return Double(ok) / Double(samples)
        }
    }
}
