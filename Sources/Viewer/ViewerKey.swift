/// The keys the viewer reacts to, independent of SDL (`SDLKeyMapping` converts SDL keycodes).
public enum ViewerKey: String, Sendable, Hashable, CaseIterable {
    case w, a, s, d
    case up, down, left, right
    case space, shift
    case tab
    case p, r, n, q
    case leftBracket, rightBracket
    case f1
    case escape
    case home, end
    case plus, minus
    case c
    /// Keys left to the fly mode (`ViewerStepInput.keys`): `,` `.` and V.
    case comma, period, v
    /// Orbit camera keys: I/K pitch, J/L yaw.
    case i, j, k, l
}
