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
        let root = RNG(seed: seed, stream: 0x456E_7652)
        var episodeRNG = root.derived(episodeKey)
        var spawnRNG = root.derived(spawnKey)
        let episode = model.domain.draw(&episodeRNG)
        state.episode = episode
        state.renderer = model.domain.varyAppearance ? Renderer(scene: model.scene, profile: episode.appearance) : model.renderer
        state.rng = root.derived(sensorKey)
        state.seed = seed

        // spawn: one of the scene's spawns (or the origin), heading jittered
        let spawns = model.scene.spawns
        let spawn = spawns.isEmpty ? Spawn(position: .zero, yaw: 0) : spawns[spawnRNG.int(below: spawns.count)]
        let jitter = model.settings.spawnYawJitter
        let yaw = wrapAngle(spawn.yaw + (jitter > 0 ? spawnRNG.uniform(-jitter, jitter) : 0))
        if model.quadrotor != nil {
            let plant = model.plant(episode)!
            state.plant = plant
            var physicsRNG = root.derived(physicsKey)
            let physicsSeed = physicsRNG.next()
            state.quadrotor = plant.initialState(position: Vec3(spawn.position.x, spawn.position.y, model.settings.altitude),
                                                 yaw: yaw, seed: physicsSeed)
            state.activeCommand = .flight(.forward(speed: 0, yawRate: 0, altitude: model.settings.altitude))
        } else if let g = model.ground {
            state.ground = g.initialState(position: Vec3(spawn.position.x, spawn.position.y, 0), yaw: yaw)
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

        // the first image fills every slot of the stack
        let pose = cameraPose(model, state)
        let rate = cameraRate(model, state)
        render(model, &state, pose: pose, angularRate: rate)
        let n = model.pixelCount
        state.observation.frames.withUnsafeMutableBufferPointer { f in
            let newest = f.baseAddress! + (model.settings.frameStack - 1) * n
            for k in 0..<(model.settings.frameStack - 1) { (f.baseAddress! + k * n).update(from: newest, count: n) }
        }
    }

    /// Advances one control step (see `Env.step`).
    public static func step(_ model: EnvModel, _ state: inout EnvState, _ action: EnvAction) -> StepResult {
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

        var events: [EnvEvent] = []
        var terminated = false, truncated = false
        var flown = 0.0
        let captureAt = model.substeps - model.cameraLatencySteps
        var capturePose = Pose.identity, captureRate = Vec3.zero
        var captured = false
        let tiltLimit = model.settings.tiltLimit
        for k in 0..<model.substeps {
            if k == captureAt {
                capturePose = cameraPose(model, state)
                captureRate = cameraRate(model, state)
                captured = true
            }
            if let p = state.pendingCommand, state.physicsSteps >= state.pendingAt {
                state.activeCommand = p
                state.pendingCommand = nil
            }
            let before = position(model, state)
            if let plant = state.plant, let controller = model.controller {
                let saved = state.quadrotor
                let fc: FlightCommand
                if case .flight(let f) = state.activeCommand { fc = f } else { fc = .velocity(.zero, yawRate: 0) }
                let rpm = controller.rotorSpeeds(for: fc, state: &state.quadrotor)
                QuadrotorDynamics.step(plant, &state.quadrotor, rpm)
                state.physicsSteps += 1
                if state.quadrotor.warnings.total > state.warningBase {
                    state.quadrotor = saved
                    state.quadrotor.flagCrash()
                    events.append(.numericalReset)
                    truncated = true
                    break
                }
                if let hit = contact(model, state.quadrotor.pose) {
                    state.quadrotor.flagCrash()
                    events.append(.collision(obstacle: hit, position: state.quadrotor.position))
                    terminated = true
                } else {
                    let e = state.quadrotor.attitude.eulerAngles
                    if abs(e.roll) > tiltLimit || abs(e.pitch) > tiltLimit {
                        state.quadrotor.flagCrash()
                        events.append(.tilt(roll: e.roll, pitch: e.pitch, position: state.quadrotor.position))
                        terminated = true
                    }
                }
            } else if let g = model.ground {
                let saved = state.ground
                var gc = GroundCommand(speed: 0, turn: 0)
                if case .ground(let c) = state.activeCommand { gc = c }
                GroundVehicleDynamics.step(g, &state.ground, gc)
                state.physicsSteps += 1
                if state.ground.warnings.total > state.warningBase {
                    events.append(.numericalReset)
                    truncated = true
                    break
                }
                if let hit = contact(model, state.ground.pose) {
                    // stop against the obstacle: back to the last free pose, halted
                    let time = state.ground.time, warnings = state.ground.warnings
                    state.ground = saved
                    state.ground.time = time
                    state.ground.warnings = warnings
                    state.ground.flagCrash()
                    events.append(.collision(obstacle: hit, position: state.ground.pose.position))
                    terminated = true
                }
            }
            let after = position(model, state)
            let dx = after.x - before.x, dy = after.y - before.y
            flown += (dx * dx + dy * dy).squareRoot()
            if terminated { break }
        }
        if !captured {
            // no latency, or the step ended before the exposure time: the latest pose
            capturePose = cameraPose(model, state)
            captureRate = cameraRate(model, state)
        }
        state.distance += flown
        state.controlSteps += 1

        // limits
        let robot = robotObservation(model, state)
        if !terminated && !truncated {
            if !model.scene.inBounds(robot.position) {
                events.append(.leftBounds)
                truncated = true
            } else if state.distance >= model.settings.maxDistance {
                events.append(.distanceLimit)
                truncated = true
            } else if robot.time >= model.settings.maxEpisodeTime - 0.5 * model.dt {
                events.append(.timeLimit)
                truncated = true
            }
        }
        state.terminated = terminated
        state.truncated = truncated

        // shift the stack and add the newest image
        let n = model.pixelCount, stack = model.settings.frameStack
        if stack > 1 {
            state.observation.frames.withUnsafeMutableBufferPointer { f in
                f.baseAddress!.update(from: f.baseAddress! + n, count: (stack - 1) * n)
            }
        }
        render(model, &state, pose: capturePose, angularRate: captureRate)
        state.observation.robot = robot
        state.observation.step = state.controlSteps
        return StepResult(observation: state.observation, reward: flown, terminated: terminated, truncated: truncated, events: events)
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
    static func contact(_ model: EnvModel, _ pose: Pose) -> Int? {
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

    /// Renders the newest frame slot (and depth when enabled).
    static func render(_ model: EnvModel, _ state: inout EnvState, pose: Pose, angularRate: Vec3) {
        let n = model.pixelCount, stack = model.settings.frameStack
        let renderer = state.renderer
        state.observation.frames.withUnsafeMutableBufferPointer { f in
            state.observation.depth.withUnsafeMutableBufferPointer { d in
                renderer.render(camera: model.camera.intrinsics, pose: pose, angularRate: angularRate, rng: &state.rng,
                                depth: d.isEmpty ? nil : d.baseAddress, gray: f.baseAddress! + (stack - 1) * n, rgb: nil,
                                scratch: &state.scratch)
            }
        }
    }
}
