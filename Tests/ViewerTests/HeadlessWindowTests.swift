import CSDL2
import Geometry
import Testing
@testable import Viewer

/// Runs the real SDL window under the dummy video driver: no display needed, no pacing.
///
/// Each test has a time limit so a hung window loop fails instead of stalling the run. The limit
/// is generous (5 min; each test needs well under a second): one `make test` on a loaded 2-core
/// host (160 s in all) hit the old 1-minute limit in a test that passes alone in milliseconds,
/// most likely waiting for the main actor, which other suites' @MainActor tests (whole fly runs
/// with learned policies, 70-90 s per suite) hold while they run.
@Suite(.serialized) struct HeadlessWindowTests {
    /// A 3D view that is sky blue on top and green at the bottom, plus one obstacle at a known
    /// map position; the robot flies forward from the origin.
    static func scene(_ input: ViewerStepInput, state: inout (t: Double, x: Double, frames: [ViewerStepInput])) -> ViewerFrame {
        state.frames.append(input)
        state.t += input.simDt
        state.x += input.simDt * 1.0
        return ViewerFrame(
            simTime: state.t, robotPose: Pose(position: Vec3(state.x, 0, 1)), speed: 1, altitude: 1,
            modeLabel: "privileged planner", trail: [Vec3(0, 0, 1), Vec3(state.x, 0, 1)],
            obstacles: [.circle(center: SIMD2(4, 4), radius: 0.6)],
            view: .render { _, img in
                for y in 0..<img.height {
                    let c: ViewerColor = y < img.height / 2 ? .sky : .ground
                    for x in 0..<img.width {
                        let i = 3 * (y * img.width + x)
                        img.pixels[i] = c.r; img.pixels[i + 1] = c.g; img.pixels[i + 2] = c.b
                    }
                }
            },
            mapRegion: (SIMD2(0, 0), 20))
    }

    @Test(.timeLimit(.minutes(5))) @MainActor func dummyDriverRunReturnsCheckedScreenshot() throws {
        var opts = ViewerOptions(width: 480, height: 270, frameLimit: 12)
        opts.videoDriver = "dummy"
        opts.gamepad = false
        let app = ViewerApp(options: opts)
        var state = (t: 0.0, x: 0.0, frames: [ViewerStepInput]())
        let report = app.fly { Self.scene($0, state: &state) }
        #expect(report.usedWindow, "window under the dummy driver: \(report.noDisplayReason ?? "")")
        #expect(report.driver == "dummy")
        #expect(report.frames == 12 && !report.userQuit)
        // the step closure saw every frame, zero dt first, autopilot on, hover input
        #expect(state.frames.map(\.frameIndex) == Array(0..<12))
        #expect(state.frames[0].simDt == 0 && abs(state.frames[1].simDt - 1.0 / 60) < 1e-12)
        #expect(state.frames.allSatisfy { $0.autopilot && $0.pilot == .hover && !$0.reset })
        let shot = try #require(report.lastFrame)
        #expect(shot.width == 480 && shot.height == 270)
        // sky above, ground below, where no overlay covers the view (between HUD and map)
        let layout = ViewerLayout(width: 480, height: 270)
        let x = (layout.hud.maxX + layout.map.x) / 2
        #expect(shot.pixel(x, 20) == .sky)
        #expect(shot.pixel(x, 250) == .ground)
        // the obstacle marker on the map at the transform's pixel
        let t = MapTransform(center: SIMD2(0, 0), side: 20, rect: layout.map.inset(by: 2))
        let p = t.pixel(SIMD2(4, 4))
        #expect(shot.pixel(Int(p.x), Int(p.y)) == .obstacle)
        // and not at the mirrored spot
        let q = t.pixel(SIMD2(-4, -4))
        #expect(shot.pixel(Int(q.x), Int(q.y)) != .obstacle)
        // the HUD panel darkens the top-left corner and has text in it
        var lit = 0
        for yy in layout.hud.y + 4..<layout.hud.maxY - 4 { for xx in layout.hud.x + 4..<layout.hud.maxX - 4 where shot.pixel(xx, yy) == .white { lit += 1 } }
        #expect(lit > 200, "HUD text drawn (\(lit) white pixels)")
    }

    /// Pushes a synthetic key event into SDL's queue.
    @MainActor static func push(_ type: SDL_EventType, _ key: SDL_KeyCode) {
        var e = SDL_Event()
        e.type = type.rawValue
        e.key.type = type.rawValue
        e.key.keysym.sym = SDL_Keycode(key.rawValue)
        e.key.state = UInt8(type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED)
        _ = SDL_PushEvent(&e)
    }

    @Test(.timeLimit(.minutes(5))) @MainActor func keyEventsThroughTheWindowDriveTheRun() throws {
        var opts = ViewerOptions(width: 320, height: 180, frameLimit: 100)
        opts.videoDriver = "dummy"
        opts.gamepad = false
        opts.pilotLimits = PilotLimits(speed: 2, climbRate: 0.5, yawRate: 1)
        let app = ViewerApp(options: opts)
        var cameras: [CameraMode] = []
        var speeds: [Double] = []
        app.onFrame = { i, overlay in
            cameras.append(overlay.cameraMode)
            speeds.append(overlay.simSpeed.factor)
            switch i {
            case 2: Self.push(SDL_KEYDOWN, SDLK_p); Self.push(SDL_KEYDOWN, SDLK_w)
            case 5: Self.push(SDL_KEYUP, SDLK_w); Self.push(SDL_KEYDOWN, SDLK_TAB); Self.push(SDL_KEYDOWN, SDLK_RIGHTBRACKET)
            case 7: Self.push(SDL_KEYDOWN, SDLK_r)
            case 8: Self.push(SDL_KEYDOWN, SDLK_ESCAPE)
            default: break
            }
        }
        var state = (t: 0.0, x: 0.0, frames: [ViewerStepInput]())
        let report = app.fly { Self.scene($0, state: &state) }
        #expect(report.userQuit && report.frames == 9, "Esc quits before frame 9 is produced")
        let f = state.frames
        #expect(f[2].autopilot && f[2].pilot == .hover)
        #expect(!f[3].autopilot && f[3].pilot == PilotInput(forward: 2), "P toggles autopilot, W flies forward")
        #expect(f[5].pilot.forward == 2 && f[6].pilot == .hover, "releasing W hovers")
        #expect(cameras[5] == .chase && cameras[6] == .orbit, "Tab cycles the camera")
        #expect(speeds[5] == 1 && speeds[6] == 2 && abs(f[6].simDt - 2.0 / 60) < 1e-12, "] doubles sim speed")
        #expect(!f[7].reset && f[8].reset, "R asks for a reset")
    }

    @Test(.timeLimit(.minutes(5))) @MainActor func noDisplayRunsHeadlessAndSaysWhy() throws {
        var opts = ViewerOptions(width: 320, height: 180)
        opts.environment = [:]
        opts.headlessFrames = 5
        let app = ViewerApp(options: opts)
        var state = (t: 0.0, x: 0.0, frames: [ViewerStepInput]())
        let report = app.fly { Self.scene($0, state: &state) }
        #expect(!report.usedWindow && report.frames == 5)
        #expect(report.noDisplayReason?.contains("no display") == true)
        let shot = try #require(report.lastFrame)
        #expect(shot.pixel(200, 170) == .ground)
        // without the fallback, nothing runs
        opts.headlessFrames = nil
        let none = ViewerApp(options: opts).fly { Self.scene($0, state: &state) }
        #expect(none.frames == 0 && none.lastFrame == nil && none.noDisplayReason != nil)
    }

    @Test(.timeLimit(.minutes(5))) @MainActor func replayPlaysThroughTheLogHeadless() throws {
        var opts = ViewerOptions(width: 320, height: 180, frameLimit: 60)
        opts.environment = [:]
        opts.targetFrameRate = 10
        let times = (0..<20).map { Double($0) * 0.25 }
        var shown: [Int] = []
        let report = ViewerApp(options: opts).replay(times: times) { i, _ in
            shown.append(i)
            return ViewerFrame(robotPose: Pose(position: Vec3(Double(i), 0, 1)))
        }
        #expect(report.frames == 60)
        // 0.1 s per frame at 1x over 0.25 s frames (4.75 s): indices rise monotonically to the end
        #expect(shown.first == 0 && shown.last == 19)
        #expect(zip(shown, shown.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(shown[12] == 4, "1.2 s in: frame 4")
        #expect(shown.filter { $0 == 19 }.count > 5, "stays on the last frame once at the end")
    }
}
