/// A window input event, translated from SDL so the run loop's logic is SDL-free.
public enum ViewerInputEvent: Sendable, Equatable {
    case quit
    /// A key went down; `isRepeat` for auto-repeat while held.
    case keyDown(ViewerKey, isRepeat: Bool)
    case keyUp(ViewerKey)
    /// Mouse button `button` (1 left, 2 middle, 3 right) at window pixel (x, y).
    case mouseDown(x: Int, y: Int, button: Int)
    case mouseUp(x: Int, y: Int, button: Int)
    /// Mouse moved to (x, y) by (dx, dy); `leftHeld` when the left button is down.
    case mouseMotion(x: Int, y: Int, dx: Int, dy: Int, leftHeld: Bool)
    /// Wheel notches, positive away from the user.
    case wheel(Double)
    case gamepadButton(GamepadButton)
    case gamepadConnected
    case gamepadDisconnected
}
