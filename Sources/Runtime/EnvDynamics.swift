import Foundation
import Geometry
import Physics
import Rendering
import World

/// The environment's reset and step as functions of (model, &state), so vectorised and
/// sequential runs share the exact same code.
public enum EnvDynamics {
    /// RNG stream keys (per reset seed).
    static let episodeKey: UInt64 = 1, spawnKey: UInt64 = 2, physicsKey: UInt64 = 3, sensorKey: UInt64 = 4

    /// Starts an episode from `seed` (see `Env.reset`).
    public static func reset(_ model: EnvModel, _ state: inout EnvState, seed: UInt64) {
        let root = rootRNG(seed)
        var episodeRNG = root.derived(episodeKey)
        var spawnRNG = root.derived(spawnKey)
        let episode = model.domain.draw(&episodeRNG)
        let renderer = episodeRenderer(model, episode)
        let (spawn, yaw) = spawnPose(model, &spawnRNG)
        var physicsRNG = root.derived(physicsKey)
        let physicsSeed = model.quadrotor != nil ? physicsRNG.next() : 0
        start(model, &state, seed: seed, episode: episode, renderer: renderer, sensorRNG: root.derived(sensorKey),
              position: Vec3(spawn.position.x, spawn.position.y, model.settings.altitude), yaw: yaw, physicsSeed: physicsSeed)
    }

    /// The root of a reset's RNG streams.
    static func rootRNG(_ seed: UInt64) -> RNG { RNG(seed: seed, stream: 0x456E_7652) }

    /// The renderer of an episode: its own appearance when the domain varies it, else the model's.
    static func episodeRenderer(_ model: EnvModel, _ episode: EpisodeParameters) -> Renderer {
        model.domain.varyAppearance ? Renderer(scene: model.scene, profile: episode.appearance) : model.renderer
    }

    /// One of the scene's spawns (or the origin) and its heading, jittered.
    static func spawnPose(_ model: EnvModel, _ spawnRNG: inout RNG) -> (spawn: Spawn, yaw: Double) {
        let spawns = model.scene.spawns
        let spawn = spawns.isEmpty ? Spawn(position: .zero, yaw: 0) : spawns[spawnRNG.int(below: spawns.count)]
        let jitter = model.settings.spawnYawJitter
        let yaw = wrapAngle(spawn.yaw + (jitter > 0 ? spawnRNG.uniform(-jitter, jitter) : 0))
        return (spawn, yaw)
    }

    /// Starts an episode with the given draws, the vehicle at `position` (quadrotors hold its
    /// height; ground robots stand on z = 0) heading `yaw`; renders the first image into every
    /// slot of the stack unless `render` is false. Shared by `reset` and the swarm's reset.
    static func start(_ model: EnvModel, _ state: inout EnvState, seed: UInt64, episode: EpisodeParameters, renderer: Renderer,
                      sensorRNG: RNG, position: Vec3, yaw: Double, physicsSeed: UInt64, render: Bool = true) {
        state.episode = episode
        state.renderer = renderer
        state.rng = sensorRNG
        state.seed = seed
        if model.quadrotor != nil {
            let plant = model.plant(episode)!
            state.plant = plant
            state.quadrotor = plant.initialState(position: position, yaw: yaw, seed: physicsSeed)
            state.activeCommand = .flight(.forward(speed: 0, yawRate: 0, altitude: position.z))
        } else if let g = model.ground {
            state.ground = g.initialState(position: Vec3(position.x, position.y, 0), yaw: yaw)
            state.activeCommand = .ground(GroundCommand(speed: 0, turn: 0))
        }
        state.pendingCommand = nil
        state.pendingAt = 0
        state.physicsSteps = 0
        state.controlSteps = 0
        state.distance = 0
        state.terminated = false
        state.truncated = false
        state.warningBase = warnings(model, state)
        state.observation.step = 0
        state.observation.robot = robotObservation(model, state)
        if render { renderFirstFrame(model, &state) }
    }

    /// Renders the episode's first image into every slot of the frame stack, with `bodies` (all
    /// but `ignoring`) drawn in it. `start` calls it; the swarm calls it once every vehicle has started.
    static func renderFirstFrame(_ model: EnvModel, _ state: inout EnvState, bodies: [RenderBody] = [], ignoring: Int = -1) {
        let pose = cameraPose(model, state)
        let rate = cameraRate(model, state)
        Self.render(model, &state, pose: pose, angularRate: rate, bodies: bodies, ignoring: ignoring)
        let n = model.pixelCount
        state.observation.frames.withUnsafeMutableBufferPointer { f in
            let newest = f.baseAddress! + (model.settings.frameStack - 1) * n
            for k in 0..<(model.settings.frameStack - 1) { (f.baseAddress! + k * n).update(from: newest, count: n) }
        }
    }

    /// Advances one control step (see `Env.step`).
    public static func step(_ model: EnvModel, _ state: inout EnvState, _ action: EnvAction) -> StepResult {
        if let early = beginStep(model, &state, action) { return early }
        var progress = StepProgress()
        for k in 0..<model.substeps {
            beginSubstep(model, &state, k, &progress)
            if let plant = state.plant, model.controller != nil {
                let saved = state.quadrotor
                let rpm = rotorSpeeds(model, &state)
                QuadrotorDynamics.step(plant, &state.quadrotor, rpm)
                state.physicsSteps += 1
                if !checkQuadrotor(model, &state, saved: saved, &progress) { break }
            } else if let g = model.ground {
                let saved = state.ground
                var gc = GroundCommand(speed: 0, turn: 0)
                if case .ground(let c) = state.activeCommand { gc = c }
                GroundVehicleDynamics.step(g, &state.ground, gc)
                state.physicsSteps += 1
                if state.ground.warnings.total > state.warningBase {
                    progress.events.append(.numericalReset)
                    progress.truncated = true
                    break
                }
                if let hit = contact(model, state.ground.pose) {
                    // stop against the obstacle: back to the last free pose, halted
                    let time = state.ground.time, warnings = state.ground.warnings
                    state.ground = saved
                    state.ground.time = time
                    state.ground.warnings = warnings
                    state.ground.flagCrash()
                    progress.events.append(.collision(obstacle: hit, position: state.ground.pose.position))
                    progress.terminated = true
                }
            }
            endSubstep(model, &state, &progress)
            if progress.terminated { break }
        }
        return finishStep(model, &state, &progress)
    }

    /// What a control step has done so far: events, end flags, path flown, the camera's capture
    /// pose and the position at the start of the current substep.
    struct StepProgress {
        var events: [EnvEvent] = []
        var terminated = false, truncated = false
        var flown = 0.0
        var capturePose = Pose.identity, captureRate = Vec3.zero
        var captured = false
        var before = Vec3.zero
    }

    /// Starts a control step: a non-finite yaw rate ends the episode at once (its result is
    /// returned); otherwise the action's command becomes active or waits out the actuation latency.
    static func beginStep(_ model: EnvModel, _ state: inout EnvState, _ action: EnvAction) -> StepResult? {
        precondition(!state.done, "step after the episode ended: call reset(seed:) first")
        if case .yawRate(let r) = action, !r.isFinite {
            // a counted warning and the end of the episode, never a trap
            state.badActions += 1
            state.truncated = true
            state.controlSteps += 1
            state.observation.step = state.controlSteps
            return StepResult(observation: state.observation, reward: 0, terminated: false, truncated: true, events: [.numericalReset])
        }
        let command = vehicleCommand(model, state, action)
        let latency = Int((model.domain.actuationLatency / model.dt).rounded())
        if latency == 0 {
            state.activeCommand = command
            state.pendingCommand = nil
        } else {
            // a newer command replaces one still in flight only once that one has taken effect
            if let p = state.pendingCommand { state.activeCommand = p }
            state.pendingCommand = command
            state.pendingAt = state.physicsSteps + latency
        }
        return nil
    }

    /// Before physics substep `k`: the camera exposure (at `cameraLatency` before the end of the
    /// step), a pending command taking effect, and the position the substep starts from.
    static func beginSubstep(_ model: EnvModel, _ state: inout EnvState, _ k: Int, _ progress: inout StepProgress) {
        if k == model.substeps - model.cameraLatencySteps {
            progress.capturePose = cameraPose(model, state)
            progress.captureRate = cameraRate(model, state)
            progress.captured = true
        }
        if let p = state.pendingCommand, state.physicsSteps >= state.pendingAt {
            state.activeCommand = p
            state.pendingCommand = nil
        }
        progress.before = position(model, state)
    }

    /// The nominal controller's rotor speeds (RPM) for the active command (quadrotors).
    static func rotorSpeeds(_ model: EnvModel, _ state: inout EnvState) -> SIMD4<Double> {
        let fc: FlightCommand
        if case .flight(let f) = state.activeCommand { fc = f } else { fc = .velocity(.zero, yawRate: 0) }
        return model.controller!.rotorSpeeds(for: fc, state: &state.quadrotor)
    }

    /// After a quadrotor's physics substep: a new physics warning restores `saved`, freezes the
    /// vehicle and truncates (returns false: the substep loop stops and the substep is not
    /// counted as flown); contact with the scene or the ground, or a tilt beyond the limit,
    /// freezes it and terminates.
    static func checkQuadrotor(_ model: EnvModel, _ state: inout EnvState, saved: QuadrotorState,
                               _ progress: inout StepProgress) -> Bool {
        if state.quadrotor.warnings.total > state.warningBase {
            state.quadrotor = saved
            state.quadrotor.flagCrash()
            progress.events.append(.numericalReset)
            progress.truncated = true
            return false
        }
        if let hit = contact(model, state.quadrotor.pose) {
            state.quadrotor.flagCrash()
            progress.events.append(.collision(obstacle: hit, position: state.quadrotor.position))
            progress.terminated = true
        } else {
            let tiltLimit = model.settings.tiltLimit
            let e = state.quadrotor.attitude.eulerAngles
            if abs(e.roll) > tiltLimit || abs(e.pitch) > tiltLimit {
                state.quadrotor.flagCrash()
                progress.events.append(.tilt(roll: e.roll, pitch: e.pitch, position: state.quadrotor.position))
                progress.terminated = true
            }
        }
        return true
    }

    /// After a substep: adds its horizontal travel to the step's path. `state` is only read; it is
    /// `inout` because a by-value argument from an array element (the swarm's vehicles) made the
    /// compiler copy the whole 3.4 kB `EnvState`, arrays retained and released, every substep.
    static func endSubstep(_ model: EnvModel, _ state: inout EnvState, _ progress: inout StepProgress) {
        let after = position(model, state)
        let dx = after.x - progress.before.x, dy = after.y - progress.before.y
        progress.flown += (dx * dx + dy * dy).squareRoot()
    }

    /// Ends a control step: the limits (bounds, distance, time), the frame stack shifted and the
    /// newest image rendered (unless `render` is false; with `bodies` but `ignoring` drawn in it),
    /// the observation and the result.
    static func finishStep(_ model: EnvModel, _ state: inout EnvState, _ progress: inout StepProgress,
                           render: Bool = true, bodies: [RenderBody] = [], ignoring: Int = -1) -> StepResult {
        if !progress.captured {
            // no latency, or the step ended before the exposure time: the latest pose
            progress.capturePose = cameraPose(model, state)
            progress.captureRate = cameraRate(model, state)
        }
        state.distance += progress.flown
        state.controlSteps += 1

        // limits
        let robot = robotObservation(model, state)
        if !progress.terminated && !progress.truncated {
            if !model.scene.inBounds(robot.position) {
                progress.events.append(.leftBounds)
                progress.truncated = true
            } else if state.distance >= model.settings.maxDistance {
                progress.events.append(.distanceLimit)
                progress.truncated = true
            } else if robot.time >= model.settings.maxEpisodeTime - 0.5 * model.dt {
                progress.events.append(.timeLimit)
                progress.truncated = true
            }
        }
        state.terminated = progress.terminated
        state.truncated = progress.truncated

        // shift the stack and add the newest image
        if render {
            let n = model.pixelCount, stack = model.settings.frameStack
            if stack > 1 {
                state.observation.frames.withUnsafeMutableBufferPointer { f in
                    f.baseAddress!.update(from: f.baseAddress! + n, count: (stack - 1) * n)
                }
            }
            Self.render(model, &state, pose: progress.capturePose, angularRate: progress.captureRate, bodies: bodies, ignoring: ignoring)
        }
        state.observation.robot = robot
        state.observation.step = state.controlSteps
        return StepResult(observation: state.observation, reward: progress.flown, terminated: progress.terminated,
                          truncated: progress.truncated, events: progress.events)
    }

    /// The vehicle command for an action (yaw rate scaled by the episode's yaw-rate gain).
    static func vehicleCommand(_ model: EnvModel, _ state: EnvState, _ action: EnvAction) -> VehicleCommand {
        switch action {
        case .vehicle(let c):
            return c
        case .yawRate(let r):
            let limit = model.settings.maxYawRate
            let rate = clamp(r, -limit, limit) * state.episode.yawRateGain
            if model.quadrotor != nil {
                return .flight(.forward(speed: model.settings.forwardSpeed, yawRate: rate, altitude: model.settings.altitude))
            }
            let params = model.robot.ground!
            if params.drive == .ackermann {
                let steer = GroundVehicleDynamics.steering(forYawRate: rate, speed: model.settings.forwardSpeed, params: params)
                return .ground(GroundCommand(speed: model.settings.forwardSpeed, turn: steer))
            }
            return .ground(GroundCommand(speed: model.settings.forwardSpeed, turn: rate))
        }
    }

    /// Scene obstacle the robot's shape touches at body `pose` (-1 = ground, quadrotors only), or nil.
    public static func contact(_ model: EnvModel, _ pose: Pose) -> Int? {
        let centre = pose.transform(model.shapeOffset)
        if model.quadrotor != nil && centre.z - model.shapeHalfHeight <= model.scene.groundHeight { return -1 }
        return model.scene.firstOverlap(model.shape, at: Pose(position: centre, orientation: pose.orientation))
    }

    static func position(_ model: EnvModel, _ state: EnvState) -> Vec3 {
        model.quadrotor != nil ? state.quadrotor.position : state.ground.pose.position
    }

    static func warnings(_ model: EnvModel, _ state: EnvState) -> Int {
        model.quadrotor != nil ? state.quadrotor.warnings.total : state.ground.warnings.total
    }

    static func robotObservation(_ model: EnvModel, _ state: EnvState) -> RobotObservation {
        if model.quadrotor != nil {
            let q = state.quadrotor
            return RobotObservation(time: q.time, position: q.position, attitude: q.attitude, velocity: q.velocity, bodyRate: q.bodyRate)
        }
        let g = state.ground
        return RobotObservation(time: g.time, position: g.pose.position, attitude: g.pose.orientation, velocity: g.velocity,
                                bodyRate: Vec3(0, 0, g.yawRate))
    }

    /// World pose of the camera (levelled to heading only when the domain says so).
    static func cameraPose(_ model: EnvModel, _ state: EnvState) -> Pose {
        var body = model.quadrotor != nil ? state.quadrotor.pose : state.ground.pose
        if model.domain.levelCamera {
            body.orientation = Quaternion(roll: 0, pitch: 0, yaw: body.orientation.yaw)
        }
        return body * model.camera.mount
    }

    /// Camera-frame angular rate (drives motion blur).
    static func cameraRate(_ model: EnvModel, _ state: EnvState) -> Vec3 {
        let w = model.quadrotor != nil ? state.quadrotor.bodyRate : Vec3(0, 0, state.ground.yawRate)
        return model.camera.mount.orientation.inverseRotate(w)
    }

    /// Renders the newest frame slot (and depth when enabled), with `bodies` but `ignoring` in it.
    static func render(_ model: EnvModel, _ state: inout EnvState, pose: Pose, angularRate: Vec3,
                       bodies: [RenderBody] = [], ignoring: Int = -1) {
        let n = model.pixelCount, stack = model.settings.frameStack
        let renderer = state.renderer
        state.observation.frames.withUnsafeMutableBufferPointer { f in
            state.observation.depth.withUnsafeMutableBufferPointer { d in
                renderer.render(camera: model.camera.intrinsics, pose: pose, angularRate: angularRate, rng: &state.rng,
                                depth: d.isEmpty ? nil : d.baseAddress, gray: f.baseAddress! + (stack - 1) * n, rgb: nil,
                                scratch: &state.scratch, bodies: bodies, ignoring: ignoring)
            }
        }
    }
}
