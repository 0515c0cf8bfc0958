/// A discrete action triggered by a key press, a controller button or the mouse.
public enum ViewerCommand: Sendable, Equatable {
    /// Close the viewer.
    case quit
    /// Tab: next camera mode.
    case cycleCamera
    /// P: autopilot on/off.
    case toggleAutopilot
    /// R: reset the episode.
    case reset
    /// N: next world.
    case nextWorld
    /// [ and ]: simulation time factor down/up.
    case slower
    case faster
    /// F1: help overlay.
    case toggleHelp
    /// C: screenshot of the window (delivered to the screenshot callback).
    case screenshot
    /// Replay only: playhead commands.
    case playback(PlaybackCommand)
}

/// Replay playhead commands (see `Playhead`).
public enum PlaybackCommand: Sendable, Equatable {
    case togglePlay
    case stepForward
    case stepBackward
    case toStart
    case toEnd
    case speedUp
    case slowDown
    /// Scrub to a fraction 0...1 of the log's duration (timeline bar click or drag).
    case scrub(fraction: Double)
}

/// What the window is showing: a live simulation or a replayed log. Keys mean different things.
public enum ViewerMode: Sendable, Equatable {
    case fly
    case replay
}
