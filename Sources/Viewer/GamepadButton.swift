/// Game controller buttons the viewer uses (SDL GameController layout: Xbox names).
public enum GamepadButton: String, Sendable, Hashable, CaseIterable {
    case a, b, x, y
    case back, start
    case leftShoulder, rightShoulder
}
