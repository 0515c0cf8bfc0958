/// What the run loop asks of the simulation each frame (fly mode).
///
/// The step closure advances the simulation by `simDt` simulated seconds (any number of
/// physics steps), applying `pilot` through the velocity controller when `autopilot` is
/// false, handling `reset` / `nextWorld` first when set, and returns the `ViewerFrame` to draw.
public struct ViewerStepInput: Sendable, Equatable {
    /// Index of the frame being produced (0-based).
    public var frameIndex: Int
    /// Simulated seconds to advance (0 on the very first frame, so the initial state is shown).
    public var simDt: Double
    /// Manual setpoints (hover when nothing is pressed).
    public var pilot: PilotInput
    /// True when the autopilot (policy or privileged planner) should fly.
    public var autopilot: Bool
    /// The user asked to reset the episode / load the next world this frame.
    public var reset: Bool
    public var nextWorld: Bool
    /// Keys pressed this frame that the viewer itself does not use (e.g. `,` `.` V), in order,
    /// for the simulation's own controls (`fly --ocs`: camera corruption).
    public var keys: [ViewerKey]

    public init(frameIndex: Int, simDt: Double, pilot: PilotInput = .hover, autopilot: Bool = true,
                reset: Bool = false, nextWorld: Bool = false, keys: [ViewerKey] = []) {
        self.frameIndex = frameIndex
        self.simDt = simDt
        self.pilot = pilot
        self.autopilot = autopilot
        self.reset = reset
        self.nextWorld = nextWorld
        self.keys = keys
    }
}
