/// How a viewer run ended.
public struct ViewerRunReport: Sendable {
    /// True when frames were shown in an SDL window (also under the dummy driver).
    public var usedWindow: Bool
    /// The SDL video driver, when a window was used.
    public var driver: String?
    /// Why no window was used, in one line (nil when one was).
    public var noDisplayReason: String?
    /// Frames produced.
    public var frames: Int
    /// The last frame as RGB: read back from the window (`SDL_RenderReadPixels`) or, headless,
    /// from the canvas. Nil when no frame was drawn.
    public var lastFrame: RGBImage?
    /// True when the user quit (Esc, Q, window close) before the frame limit.
    public var userQuit: Bool
}
