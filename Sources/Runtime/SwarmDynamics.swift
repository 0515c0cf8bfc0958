import Diagnostics
import Geometry
import Physics
import Rendering
import World

/// The swarm environment's reset and step as functions of (model, &state), built from the
/// single-vehicle pieces of `EnvDynamics` so each vehicle runs exactly the code a lone `Env`
/// runs, with `QuadrotorSwarm` in place of the lone dynamics call.
public enum SwarmDynamics {
    /// Starts an episode from `seed` (see `SwarmEnv.reset`). The episode's domain draw, spawn and
    /// heading come from the same streams as `Env.reset(seed:)`, and vehicle 0 gets the physics
    /// seed and sensor stream a lone vehicle would: a swarm of one starts exactly as `Env` does.
    /// The vehicles share the episode's plant and wind; each has its own gusts and sensor noise.
    public static func reset(_ model: SwarmModel, _ state: inout SwarmState, seed: UInt64, workers: Int = 1) throws {
        let env = model.env, n = model.count, layout = model.swarm.layout
        let root = EnvDynamics.rootRNG(seed)
        var episodeRNG = root.derived(EnvDynamics.episodeKey)
        var spawnRNG = root.derived(EnvDynamics.spawnKey)
        let episode = env.domain.draw(&episodeRNG)
        let (spawn, yaw) = EnvDynamics.spawnPose(env, &spawnRNG)
        let anchor = Vec3(spawn.position.x, spawn.position.y, env.settings.altitude)
        let positions = (0..<n).map { layout.position($0, of: n, anchor: anchor, yaw: yaw, spacing: model.swarm.spacing) }

        // every vehicle must start free: not in an obstacle or the ground, inside the world
        let level = Quaternion(roll: 0, pitch: 0, yaw: yaw)
        for (i, p) in positions.enumerated() {
            let at = String(format: "(%.2f, %.2f, %.2f)", p.x, p.y, p.z)
            let what = "the \(layout.rawValue) layout of \(n) vehicles \(model.swarm.spacing) m apart (seed \(seed))"
            if let hit = EnvDynamics.contact(env, Pose(position: p, orientation: level)) {
                let other = hit < 0 ? "the ground" : "obstacle \(hit)"
                throw InputError("swarm spawn", at: "vehicle \(i)",
                                 "\(what) puts it at \(at) in contact with \(other) of \(env.scene.name)")
            }
            if !env.scene.inBounds(p) {
                throw InputError("swarm spawn", at: "vehicle \(i)", "\(what) puts it at \(at), outside \(env.scene.name)")
            }
        }

        // per-vehicle starts: seeds drawn in vehicle order, then the (camera) work in parallel
        let renderer = EnvDynamics.episodeRenderer(env, episode)
        var physicsRNG = root.derived(EnvDynamics.physicsKey)
        let physicsSeeds = (0..<n).map { _ in physicsRNG.next() }
        let sensor = root.derived(EnvDynamics.sensorKey)
        let cameras = model.swarm.cameras
        if state.vehicles.count != n { state.vehicles = (0..<n).map { _ in EnvState(model: env) } }
        VectorEnv.forEach(&state.vehicles, threads: workers) { i, vehicle in
            EnvDynamics.start(env, &vehicle, seed: seed, episode: episode, renderer: renderer,
                              sensorRNG: i == 0 ? sensor : sensor.derived(UInt64(i)), position: positions[i], yaw: yaw,
                              physicsSeed: physicsSeeds[i], render: false)
        }
        if cameras {
            // the first images, once every vehicle stands at its start: each sees all the others
            let bodies = self.bodies(model, state)
            VectorEnv.forEach(&state.vehicles, threads: workers) { i, vehicle in
                EnvDynamics.renderFirstFrame(env, &vehicle, bodies: bodies, ignoring: i)
            }
        }
        state.physics = QuadrotorSwarm(model: state.vehicles[0].plant!, states: state.vehicles.map(\.quadrotor),
                                       contacts: model.swarm.contacts)
        state.rpm = [SIMD4<Double>](repeating: .zero, count: n)
        state.saved = state.vehicles.map(\.quadrotor)
        state.stepPeakDownwash = [Double](repeating: 0, count: n)
        state.seed = seed
    }

    /// Advances every unfinished vehicle one control step (see `SwarmEnv.step`).
    public static func step(_ model: SwarmModel, _ state: inout SwarmState, _ actions: [EnvAction],
                            workers: Int = 1) -> SwarmStepResult {
        let env = model.env, n = state.count
        precondition(actions.count == n, "one action per vehicle")
        precondition(!state.done, "step after every vehicle finished: call reset(seed:) first")
        var results = [SwarmVehicleStep?](repeating: nil, count: n)
        var progress = [EnvDynamics.StepProgress](repeating: EnvDynamics.StepProgress(), count: n)
        var touched = [(other: Int, position: Vec3)?](repeating: nil, count: n)
        // stepping: started this step and not ended yet; flying: started this step
        var stepping = [Bool](repeating: false, count: n)
        for i in 0..<n where !state.vehicles[i].done {
            if let early = EnvDynamics.beginStep(env, &state.vehicles[i], actions[i]) {
                results[i] = SwarmVehicleStep(result: early)
            } else {
                stepping[i] = true
            }
        }
        let flying = stepping
        for i in 0..<n { state.stepPeakDownwash[i] = 0 }

        // the physics mirrors every vehicle; finished ones are frozen in place (still obstacles)
        for i in 0..<n {
            state.physics.states[i] = state.vehicles[i].quadrotor
            if !stepping[i] { state.physics.states[i].flagCrash() }
        }
        // the cameras' exposure instant (as `beginSubstep` takes it): every vehicle's pose then
        let render = model.swarm.cameras
        let exposure = env.substeps - env.cameraLatencySteps
        var exposed: [RenderBody] = []
        // the vehicles through a buffer pointer, never passed by value (`endSubstep` takes them
        // inout): a by-value `state.vehicles[i]` copied the whole EnvState (its arrays retained
        // and released) per vehicle and substep, 8% of `bench env`'s profile with the swarm in it
        for k in 0..<env.substeps {
            var any = false
            state.vehicles.withUnsafeMutableBufferPointer { v in
                for i in 0..<n where stepping[i] {
                    any = true
                    EnvDynamics.beginSubstep(env, &v[i], k, &progress[i])
                    state.saved[i] = v[i].quadrotor
                    state.rpm[i] = EnvDynamics.rotorSpeeds(env, &v[i])
                    state.physics.states[i] = v[i].quadrotor
                }
            }
            if !any { break }
            if render && k == exposure { exposed = bodies(model, state) }
            state.physics.updateInteractions(workers: workers)
            state.physics.advance(commands: state.rpm, workers: workers)
            state.vehicles.withUnsafeMutableBufferPointer { v in
                for i in 0..<n where stepping[i] {
                    state.stepPeakDownwash[i] = max(state.stepPeakDownwash[i], state.physics.downwashForce[i])
                    v[i].quadrotor = state.physics.states[i]
                    v[i].physicsSteps += 1
                    if state.physics.touching[i] {
                        // touching another vehicle at the substep's start: frozen there
                        touched[i] = (nearest(state.physics, i), v[i].quadrotor.position)
                        progress[i].terminated = true
                    } else if !EnvDynamics.checkQuadrotor(env, &v[i], saved: state.saved[i], &progress[i]) {
                        // numerical reset: restored and frozen, the substep not counted as flown
                        stepping[i] = false
                        state.physics.states[i] = v[i].quadrotor
                        continue
                    }
                    EnvDynamics.endSubstep(env, &v[i], &progress[i])
                    if progress[i].terminated {
                        stepping[i] = false
                        state.physics.states[i] = v[i].quadrotor
                    }
                }
            }
        }

        // limits, cameras and results of the vehicles that flew this step; a camera that exposed
        // during the step sees the others where they were then, one that did not (no latency, or
        // it ended before the exposure) sees them where they are now, as its own pose is taken
        let contacts = touched
        let ended = render ? bodies(model, state) : [], atExposure = exposed
        results.withUnsafeMutableBufferPointer { r in
            progress.withUnsafeMutableBufferPointer { p in
                nonisolated(unsafe) let out = r.baseAddress!, steps = p.baseAddress!
                VectorEnv.forEach(&state.vehicles, threads: workers) { i, vehicle in
                    guard flying[i] else { return }
                    let seen = steps[i].captured ? atExposure : ended
                    out[i] = SwarmVehicleStep(result: EnvDynamics.finishStep(env, &vehicle, &steps[i], render: render,
                                                                             bodies: seen, ignoring: i),
                                              contact: contacts[i])
                }
            }
        }
        return SwarmStepResult(vehicles: results)
    }

    /// Every vehicle as the cameras draw it: its body pose now (finished vehicles where they
    /// froze) and the model's `bodyShape`. Body i is vehicle i.
    static func bodies(_ model: SwarmModel, _ state: SwarmState) -> [RenderBody] {
        state.vehicles.map { RenderBody(pose: $0.quadrotor.pose, shape: model.bodyShape) }
    }

    /// The vehicle nearest to vehicle `i` (body positions), the one it touched.
    static func nearest(_ physics: QuadrotorSwarm, _ i: Int) -> Int {
        let p = physics.states[i].position
        var best = -1, bestDistance = Double.infinity
        for j in physics.states.indices where j != i {
            let d = (physics.states[j].position - p).lengthSquared
            if d < bestDistance { best = j; bestDistance = d }
        }
        return best
    }
}
