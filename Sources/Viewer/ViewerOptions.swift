/// How `ViewerApp` runs: window size, frame limit, driver, pacing, callbacks.
public struct ViewerOptions: Sendable {
    /// Window (and canvas) size in pixels.
    public var width = 960
    public var height = 540
    public var title = "Swiftlet"
    /// Stop after this many frames (`--frames N`); nil runs until the user quits.
    public var frameLimit: Int? = nil
    /// Frames per second the pacer aims for; each frame advances the simulation by
    /// `simSpeed / targetFrameRate` simulated seconds.
    public var targetFrameRate = 60.0
    /// Forces an SDL video driver ("dummy", "offscreen"); nil uses the environment.
    public var videoDriver: String? = nil
    /// Without a display, run this many frames without a window (compositing only) instead of
    /// stopping; nil means report "no display" and run nothing. `frameLimit` takes precedence.
    public var headlessFrames: Int? = 300
    /// Pace frames to wall time: nil = only when a real window is shown.
    public var pace: Bool? = nil
    /// Open a game controller when SDL finds one.
    public var gamepad = true
    /// Initial UI state.
    /// The main view's camera at the start (`fly --camera`); Tab cycles on from its mode.
    public var camera = ViewerCameraChoice(mode: .chase)
    public var autopilot = true
    public var simSpeed = 1.0
    public var pilotLimits = PilotLimits()
    /// Help-overlay lines (F1) for keys a fly mode adds (e.g. `fly --ocs`'s corruption keys).
    public var extraHelp: [String] = []
    /// Environment used to detect a display (defaults to the process environment).
    public var environment: [String: String]? = nil

    public init(width: Int = 960, height: Int = 540, frameLimit: Int? = nil) {
        self.width = width
        self.height = height
        self.frameLimit = frameLimit
    }
}
