/// Pure mapping from input state to viewer commands and pilot setpoints (no window needed).
///
/// Fly mode: W/S or Up/Down move forward/back, A/D move left/right, Left/Right yaw,
/// Space/Shift climb/descend, Tab camera, P autopilot, R reset, N next world, [ ] simulation
/// speed, F1 help, C screenshot, Esc or Q quit.
/// Replay mode: Space play/pause, Left/Right step one frame, Home/End jump, +/- or ] / [
/// playback speed, Tab camera, F1 help, C screenshot, Esc or Q quit.
public enum InputMapper {
    /// The command for a key press (not for repeats of held keys), or nil if the key only
    /// matters while held (flight keys) or not at all.
    public static func command(forKeyDown key: ViewerKey, mode: ViewerMode) -> ViewerCommand? {
        // keys that mean the same in both modes
        switch key {
        case .escape, .q: return .quit
        case .tab: return .cycleCamera
        case .f1: return .toggleHelp
        case .c: return .screenshot
        default: break
        }
        switch mode {
        case .fly:
            switch key {
            case .p: return .toggleAutopilot
            case .r: return .reset
            case .n: return .nextWorld
            case .leftBracket, .minus: return .slower
            case .rightBracket, .plus: return .faster
            default: return nil
            }
        case .replay:
            switch key {
            case .space: return .playback(.togglePlay)
            case .right: return .playback(.stepForward)
            case .left: return .playback(.stepBackward)
            case .home: return .playback(.toStart)
            case .end: return .playback(.toEnd)
            case .plus, .rightBracket: return .playback(.speedUp)
            case .minus, .leftBracket: return .playback(.slowDown)
            default: return nil
            }
        }
    }

    /// Manual flight setpoints from the held keys and an optional game controller.
    ///
    /// Keys give full-stick values; controller sticks (left: translate, right X: yaw, right Y or
    /// triggers: climb) add to them with a dead zone; the sum is clamped to the limits.
    public static func pilotInput(held: Set<ViewerKey>, gamepad: GamepadState? = nil,
                                  limits: PilotLimits = PilotLimits(), deadZone: Double = 0.12) -> PilotInput {
        func axis(_ pos: Bool, _ neg: Bool) -> Double { (pos ? 1 : 0) - (neg ? 1 : 0) }
        var fwd = axis(held.contains(.w) || held.contains(.up), held.contains(.s) || held.contains(.down))
        var left = axis(held.contains(.a), held.contains(.d))
        var climb = axis(held.contains(.space), held.contains(.shift))
        var yaw = axis(held.contains(.left), held.contains(.right))
        if let g = gamepad {
            func dz(_ v: Double) -> Double {
                let m = Swift.abs(v)
                guard m > deadZone else { return 0 }
                return (v < 0 ? -1 : 1) * (m - deadZone) / (1 - deadZone)
            }
            // SDL y axes point down and x axes right
            fwd += dz(-g.leftY)
            left += dz(-g.leftX)
            yaw += dz(-g.rightX)
            climb += dz(-g.rightY) + g.rightTrigger - g.leftTrigger
        }
        func lim(_ v: Double) -> Double { Swift.min(Swift.max(v, -1), 1) }
        return PilotInput(forward: lim(fwd) * limits.speed, left: lim(left) * limits.speed,
                          climbRate: lim(climb) * limits.climbRate, yawRate: lim(yaw) * limits.yawRate)
    }

    /// Orbit camera turn rates from held I/J/K/L keys: (yaw, pitch) in rad/s.
    public static func orbitRates(held: Set<ViewerKey>, rate: Double = 1.2) -> (yaw: Double, pitch: Double) {
        let yaw = (held.contains(.j) ? rate : 0) - (held.contains(.l) ? rate : 0)
        let pitch = (held.contains(.i) ? rate : 0) - (held.contains(.k) ? rate : 0)
        return (yaw, pitch)
    }

    /// The command for a game controller button press, or nil.
    /// Start: autopilot, Back: reset, Y: camera, X: next world, shoulders: simulation or
    /// playback speed, A: play/pause in replay.
    public static func command(forButton button: GamepadButton, mode: ViewerMode) -> ViewerCommand? {
        switch (button, mode) {
        case (.y, _): return .cycleCamera
        case (.start, .fly): return .toggleAutopilot
        case (.back, .fly): return .reset
        case (.x, .fly): return .nextWorld
        case (.leftShoulder, .fly): return .slower
        case (.rightShoulder, .fly): return .faster
        case (.a, .replay), (.start, .replay): return .playback(.togglePlay)
        case (.leftShoulder, .replay): return .playback(.stepBackward)
        case (.rightShoulder, .replay): return .playback(.stepForward)
        default: return nil
        }
    }
}
