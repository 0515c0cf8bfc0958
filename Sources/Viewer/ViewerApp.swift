import CSDL2
import Diagnostics
import Foundation

/// The viewer's run loop: opens the window (or runs headless without a display), turns input
/// into commands and pilot setpoints, asks the simulation (or a log) for a `ViewerFrame` each
/// frame, composes it and shows it. It reads simulation state and never owns it.
///
/// ```swift
/// var sim = MySimulation()
/// let app = ViewerApp(options: ViewerOptions(frameLimit: 120))
/// let report = app.fly { input in
///     if input.reset { sim.reset() }
///     sim.advance(by: input.simDt, manual: input.autopilot ? nil : input.pilot)
///     return sim.viewerFrame()
/// }
/// if let shot = report.lastFrame { savePNG(shot) }
/// ```
@MainActor public final class ViewerApp {
    public let options: ViewerOptions
    /// Called with the window contents when the user presses C (frame index as second value).
    public var onScreenshot: ((RGBImage, Int) -> Void)?
    /// Called once per frame after drawing (e.g. to log fps); frame index and the overlay state.
    public var onFrame: ((Int, ViewerOverlayState) -> Void)?
    /// Replaces the camera rig's camera before the frame is drawn (the view and the overlays use
    /// the result), e.g. a level camera with a shifted principal point for a renderer whose fast
    /// path needs level cameras.
    public var adjustCamera: ((ViewCamera) -> ViewCamera)?

    public init(options: ViewerOptions = ViewerOptions()) {
        self.options = options
    }

    /// Flies a live simulation: `step` is called once per frame (see `ViewerStepInput`).
    public func fly(step: (ViewerStepInput) -> ViewerFrame) -> ViewerRunReport {
        var state = ViewerOverlayState(mode: .fly, cameraMode: options.camera.mode, autopilot: options.autopilot,
                                       simSpeed: SimSpeed(factor: options.simSpeed))
        state.extraHelp = options.extraHelp
        let nominal = 1 / options.targetFrameRate
        return loop(state: &state) { index, commands, keys, pilot, state in
            let input = ViewerStepInput(frameIndex: index, simDt: index == 0 ? 0 : state.simSpeed.factor * nominal,
                                        pilot: pilot, autopilot: state.autopilot,
                                        reset: commands.contains(.reset), nextWorld: commands.contains(.nextWorld), keys: keys)
            return (step(input), input.reset || input.nextWorld)
        }
    }

    /// Replays a log: `times` are the frame times (seconds, sorted); `frameAt(index, time)`
    /// returns the frame to show at the playhead. Playback starts playing from the beginning.
    public func replay(times: [Double], frameAt: (Int, Double) -> ViewerFrame) -> ViewerRunReport {
        replay(times: times) { i, t, _ in frameAt(i, t) }
    }

    /// Replays a log as `replay(times:frameAt:)`, also passing this frame's key presses that map
    /// to no viewer command (a swarm replay's follow-vehicle keys). `options.extraHelp` joins
    /// the F1 help.
    public func replay(times: [Double], frameAt: (Int, Double, [ViewerKey]) -> ViewerFrame) -> ViewerRunReport {
        var head = Playhead(times: times)
        head.play()
        var state = ViewerOverlayState(mode: .replay, cameraMode: options.camera.mode, autopilot: false, playhead: head)
        state.extraHelp = options.extraHelp
        let nominal = 1 / options.targetFrameRate
        var lastIndex = -1
        return loop(state: &state) { index, _, keys, _, state in
            guard var h = state.playhead else { preconditionFailure("replay without a playhead") }
            if index > 0 { h.advance(wallSeconds: nominal) }
            state.playhead = h
            let i = h.index
            // a backwards jump makes the camera cut instead of smoothing
            defer { lastIndex = i }
            return (frameAt(i, h.time, keys), i < lastIndex)
        }
    }

    /// The shared loop. `produce(frameIndex, commands, otherKeys, pilot, &state)` returns the
    /// frame and whether the camera should cut (reset its smoothing); `otherKeys` are this
    /// frame's key presses that map to no viewer command.
    private func loop(state: inout ViewerOverlayState,
                      produce: (Int, [ViewerCommand], [ViewerKey], PilotInput, inout ViewerOverlayState) -> (ViewerFrame, Bool))
        -> ViewerRunReport {
        let env = options.environment ?? ProcessInfo.processInfo.environment
        var probeEnv = env
        if let d = options.videoDriver { probeEnv["SDL_VIDEODRIVER"] = d }
        var window: SDLWindow? = nil
        var noDisplay: String? = nil
        switch DisplayStatus.probe(environment: probeEnv) {
        case let .unavailable(reason):
            noDisplay = reason
        case .available:
            switch SDLWindow.open(title: options.title, width: options.width, height: options.height,
                                  driver: options.videoDriver, gamepad: options.gamepad) {
            case let .success(w): window = w
            case let .failure(why): noDisplay = why.reason
            }
        }
        defer { window?.close() }
        let limit: Int
        if let l = options.frameLimit {
            limit = l
        } else if window == nil {
            guard let h = options.headlessFrames else {
                return ViewerRunReport(usedWindow: false, driver: nil, noDisplayReason: noDisplay, frames: 0,
                                       lastFrame: nil, userQuit: false)
            }
            limit = h
        } else {
            limit = Int.max
        }
        let pace = options.pace ?? (window != nil && !DisplayStatus.isHeadlessDriver(window?.driver))
        var composer = ViewerComposer(width: options.width, height: options.height)
        var canvas = Canvas(width: options.width, height: options.height)
        var rig = CameraRig(mode: state.cameraMode)
        if let pitch = options.camera.orbitPitch { rig.orbitPitch = pitch }
        if let distance = options.camera.orbitDistance { rig.orbitDistance = distance }
        var pacer = FramePacer()
        var meter = FrameRateMeter()
        var held = Set<ViewerKey>()
        var dragging = false
        var scrubbing = false
        var quit = false
        var frames = 0
        let nominal = 1 / options.targetFrameRate
        state.gamepadConnected = window?.hasGamepad ?? false

        while frames < limit && !quit {
            // input
            var commands: [ViewerCommand] = []
            var otherKeys: [ViewerKey] = []
            for ev in window?.pollEvents() ?? [] {
                switch ev {
                case .quit:
                    commands.append(.quit)
                case let .keyDown(k, isRepeat):
                    held.insert(k)
                    if !isRepeat {
                        if let c = InputMapper.command(forKeyDown: k, mode: state.mode) { commands.append(c) } else { otherKeys.append(k) }
                    }
                case let .keyUp(k):
                    held.remove(k)
                case let .mouseDown(x, y, button) where button == 1:
                    if state.playhead != nil, composer.layout.timeline.contains(x, y) {
                        scrubbing = true
                        commands.append(.playback(.scrub(fraction: composer.layout.timelineFraction(atX: x))))
                    } else {
                        dragging = true
                    }
                case .mouseUp:
                    dragging = false
                    scrubbing = false
                case let .mouseMotion(x, _, dx, dy, leftHeld):
                    if scrubbing && leftHeld {
                        commands.append(.playback(.scrub(fraction: composer.layout.timelineFraction(atX: x))))
                    } else if dragging && leftHeld {
                        if rig.mode != .orbit { rig.mode = .orbit; state.cameraMode = .orbit }
                        rig.orbitDrag(dx: Double(dx), dy: Double(dy))
                    }
                case let .wheel(steps):
                    rig.orbitZoom(steps: steps)
                case let .gamepadButton(b):
                    if let c = InputMapper.command(forButton: b, mode: state.mode) { commands.append(c) }
                case .gamepadConnected:
                    state.gamepadConnected = true
                case .gamepadDisconnected:
                    state.gamepadConnected = false
                default:
                    break
                }
            }
            // viewer-side commands
            var wantShot = false
            for c in commands {
                switch c {
                case .quit: quit = true
                case .cycleCamera:
                    state.cameraMode = state.cameraMode.next
                    rig.mode = state.cameraMode
                case .toggleAutopilot: state.autopilot.toggle()
                case .toggleHelp: state.showHelp.toggle()
                case .slower: state.simSpeed.slower()
                case .faster: state.simSpeed.faster()
                case .screenshot: wantShot = true
                case let .playback(p): state.playhead?.apply(p)
                case .reset, .nextWorld: break
                }
            }
            if quit { break }
            let orbit = InputMapper.orbitRates(held: held)
            if orbit.yaw != 0 || orbit.pitch != 0 {
                rig.orbitYaw += orbit.yaw * nominal
                rig.orbitPitch = Swift.min(Swift.max(rig.orbitPitch + orbit.pitch * nominal, -0.2), CameraRig.maxOrbitPitch)
            }
            let pilot = InputMapper.pilotInput(held: held, gamepad: window?.gamepadState(), limits: options.pilotLimits)

            // simulation (or log) -> frame -> canvas
            let (frame, cut) = produce(frames, commands, otherKeys, pilot, &state)
            if cut || frames == 0 { rig.reset() }
            var camera = rig.update(robot: frame.robotPose, dt: nominal)
            if let adjustCamera { camera = adjustCamera(camera) }
            composer.compose(frame, camera: camera, overlay: state, into: &canvas)
            window?.present(canvas)
            if wantShot, let shot = window?.screenshot() ?? Optional(canvas.rgbImage()) {
                onScreenshot?(shot, frames)
            }
            onFrame?(frames, state)
            frames += 1

            // pacing by simulated time
            let now = Stopwatch.now()
            meter.tick(now: now)
            state.fps = meter.fps
            if pace {
                let simClock = Double(frames) * nominal * (state.mode == .fly ? state.simSpeed.factor : 1)
                let wait = pacer.delay(simTime: simClock, factor: state.mode == .fly ? state.simSpeed.factor : 1, now: now)
                if wait > 0.0005 { SDL_Delay(UInt32((wait * 1000).rounded())) }
            }
        }
        let last: RGBImage? = frames == 0 ? nil : (window?.screenshot() ?? canvas.rgbImage())
        return ViewerRunReport(usedWindow: window != nil, driver: window?.driver, noDisplayReason: noDisplay,
                               frames: frames, lastFrame: last, userQuit: quit)
    }
}
