import CSDL2
import Testing
@testable import Viewer

@Suite struct InputMapperTests {
    @Test func flyKeysMapToCommands() {
        let expected: [(ViewerKey, ViewerCommand)] = [
            (.tab, .cycleCamera), (.p, .toggleAutopilot), (.r, .reset), (.n, .nextWorld),
            (.leftBracket, .slower), (.rightBracket, .faster), (.f1, .toggleHelp),
            (.escape, .quit), (.q, .quit), (.c, .screenshot),
        ]
        for (key, command) in expected {
            #expect(InputMapper.command(forKeyDown: key, mode: .fly) == command, "\(key)")
        }
        // flight keys act while held, not as commands
        for key in [ViewerKey.w, .a, .s, .d, .up, .down, .left, .right, .space, .shift] {
            #expect(InputMapper.command(forKeyDown: key, mode: .fly) == nil, "\(key)")
        }
    }

    @Test func replayKeysMapToPlayback() {
        let expected: [(ViewerKey, PlaybackCommand)] = [
            (.space, .togglePlay), (.right, .stepForward), (.left, .stepBackward), (.home, .toStart),
            (.end, .toEnd), (.plus, .speedUp), (.minus, .slowDown),
        ]
        for (key, p) in expected {
            #expect(InputMapper.command(forKeyDown: key, mode: .replay) == .playback(p), "\(key)")
        }
        // fly-only commands do nothing in replay
        #expect(InputMapper.command(forKeyDown: .p, mode: .replay) == nil)
        #expect(InputMapper.command(forKeyDown: .r, mode: .replay) == nil)
        #expect(InputMapper.command(forKeyDown: .tab, mode: .replay) == .cycleCamera)
    }

    @Test func heldKeysBecomeVelocitySetpoints() {
        let lim = PilotLimits(speed: 2, climbRate: 0.5, yawRate: 1.25)
        #expect(InputMapper.pilotInput(held: [], limits: lim) == .hover)
        #expect(InputMapper.pilotInput(held: [.w], limits: lim) == PilotInput(forward: 2))
        #expect(InputMapper.pilotInput(held: [.down], limits: lim) == PilotInput(forward: -2))
        #expect(InputMapper.pilotInput(held: [.a], limits: lim) == PilotInput(left: 2))
        #expect(InputMapper.pilotInput(held: [.d], limits: lim) == PilotInput(left: -2))
        #expect(InputMapper.pilotInput(held: [.space], limits: lim) == PilotInput(climbRate: 0.5))
        #expect(InputMapper.pilotInput(held: [.shift], limits: lim) == PilotInput(climbRate: -0.5))
        #expect(InputMapper.pilotInput(held: [.left], limits: lim) == PilotInput(yawRate: 1.25))
        #expect(InputMapper.pilotInput(held: [.right], limits: lim) == PilotInput(yawRate: -1.25))
        // opposite keys cancel; W and Up together do not exceed full stick
        #expect(InputMapper.pilotInput(held: [.w, .s], limits: lim).forward == 0)
        #expect(InputMapper.pilotInput(held: [.w, .up], limits: lim).forward == 2)
        let combo = InputMapper.pilotInput(held: [.w, .d, .space, .left], limits: lim)
        #expect(combo == PilotInput(forward: 2, left: -2, climbRate: 0.5, yawRate: 1.25))
    }

    @Test func gamepadSticksWithDeadZone() {
        let lim = PilotLimits(speed: 1, climbRate: 1, yawRate: 1)
        // inside the dead zone: nothing
        let small = GamepadState(leftX: 0.05, leftY: -0.1, rightX: 0.1, rightY: 0.08)
        #expect(InputMapper.pilotInput(held: [], gamepad: small, limits: lim, deadZone: 0.12) == .hover)
        // full stick up (SDL y is down) flies forward; right stick left yaws left (positive)
        let full = GamepadState(leftX: 1, leftY: -1, rightX: -1, rightY: -1)
        let p = InputMapper.pilotInput(held: [], gamepad: full, limits: lim)
        #expect(p == PilotInput(forward: 1, left: -1, climbRate: 1, yawRate: 1))
        // half-way past the dead zone scales linearly
        let half = GamepadState(leftY: -(0.12 + 0.44))
        #expect(abs(InputMapper.pilotInput(held: [], gamepad: half, limits: lim).forward - 0.5) < 1e-12)
        // a key and a stick together clamp to full stick
        #expect(InputMapper.pilotInput(held: [.w], gamepad: full, limits: lim).forward == 1)
        #expect(GamepadState.normalise(Int16.min) == -1)
        #expect(GamepadState.normalise(Int16.max) == 1)
    }

    @Test func sdlKeycodesTranslate() {
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_w.rawValue)) == .w)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_TAB.rawValue)) == .tab)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_LSHIFT.rawValue)) == .shift)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_RSHIFT.rawValue)) == .shift)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_F1.rawValue)) == .f1)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_LEFTBRACKET.rawValue)) == .leftBracket)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_EQUALS.rawValue)) == .plus)
        #expect(SDLKeyMapping.key(SDL_Keycode(SDLK_z.rawValue)) == nil)
        #expect(SDLKeyMapping.button(Int32(SDL_CONTROLLER_BUTTON_START.rawValue)) == .start)
        // a synthetic SDL key press through the whole pure chain
        let key = SDLKeyMapping.key(SDL_Keycode(SDLK_p.rawValue))!
        #expect(InputMapper.command(forKeyDown: key, mode: .fly) == .toggleAutopilot)
    }

    @Test func gamepadButtonsMapToCommands() {
        #expect(InputMapper.command(forButton: .start, mode: .fly) == .toggleAutopilot)
        #expect(InputMapper.command(forButton: .back, mode: .fly) == .reset)
        #expect(InputMapper.command(forButton: .y, mode: .fly) == .cycleCamera)
        #expect(InputMapper.command(forButton: .a, mode: .replay) == .playback(.togglePlay))
        #expect(InputMapper.command(forButton: .b, mode: .fly) == nil)
    }

    @Test func cameraModesCycleAndSimSpeedClamps() {
        #expect(CameraMode.chase.next == .orbit)
        #expect(CameraMode.orbit.next == .firstPerson)
        #expect(CameraMode.firstPerson.next == .chase)
        var s = SimSpeed(factor: 1)
        #expect(s.factor == 1)
        s.faster()
        #expect(s.factor == 2)
        for _ in 0..<20 { s.faster() }
        #expect(s.factor == SimSpeed.ladder.last)
        for _ in 0..<20 { s.slower() }
        #expect(s.factor == SimSpeed.ladder.first)
        #expect(SimSpeed(factor: 3.1).factor == 4)
    }
}
