import CSDL2
import Geometry
import Testing
@testable import Viewer

/// Keys the viewer has no command for reach the simulation (`ViewerStepInput.keys`, used by
/// `fly --ocs`); in the serialized window suite because SDL is process-global.
extension HeadlessWindowTests {
    @Test(.timeLimit(.minutes(5))) @MainActor func keysWithoutACommandReachTheStepClosure() throws {
        var opts = ViewerOptions(width: 320, height: 180, frameLimit: 8)
        opts.videoDriver = "dummy"
        opts.gamepad = false
        let app = ViewerApp(options: opts)
        app.onFrame = { i, _ in
            switch i {
            case 1: Self.push(SDL_KEYDOWN, SDLK_PERIOD); Self.push(SDL_KEYDOWN, SDLK_v); Self.push(SDL_KEYDOWN, SDLK_RIGHTBRACKET)
            case 3: Self.push(SDL_KEYUP, SDLK_PERIOD); Self.push(SDL_KEYDOWN, SDLK_COMMA); Self.push(SDL_KEYDOWN, SDLK_TAB)
            default: break
            }
        }
        var state = (t: 0.0, x: 0.0, frames: [ViewerStepInput]())
        let report = app.fly { Self.scene($0, state: &state) }
        #expect(report.frames == 8)
        let keys = state.frames.map(\.keys)
        #expect(keys[0].isEmpty && keys[1].isEmpty && keys[3].isEmpty)
        #expect(keys[2] == [.period, .v], "] is the viewer's own (sim speed), not passed on")
        #expect(keys[4] == [.comma], "Tab is the viewer's own")
        #expect(keys[5...].allSatisfy { $0.isEmpty }, "a key counts once per press")
    }
}
