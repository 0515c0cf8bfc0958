/// The viewer's own UI state (not simulation state): camera, toggles, speed, measured fps.
public struct ViewerOverlayState: Sendable, Equatable {
    public var mode: ViewerMode
    public var cameraMode: CameraMode
    public var autopilot: Bool
    public var showHelp: Bool
    public var simSpeed: SimSpeed
    /// Measured displayed frames per second.
    public var fps: Double
    /// The replay playhead (replay mode only).
    public var playhead: Playhead?
    /// True when a game controller is connected.
    public var gamepadConnected: Bool
    /// Help lines of the running fly mode's own keys (`ViewerOptions.extraHelp`).
    public var extraHelp: [String] = []

    public init(mode: ViewerMode = .fly, cameraMode: CameraMode = .chase, autopilot: Bool = true,
                showHelp: Bool = false, simSpeed: SimSpeed = SimSpeed(), fps: Double = 0,
                playhead: Playhead? = nil, gamepadConnected: Bool = false) {
        self.mode = mode
        self.cameraMode = cameraMode
        self.autopilot = autopilot
        self.showHelp = showHelp
        self.simSpeed = simSpeed
        self.fps = fps
        self.playhead = playhead
        self.gamepadConnected = gamepadConnected
    }
}
