/// What `reset` and `step` return.
///
/// `frames`: the last `frameStack` gray images, `[frameStack][height][width]` bytes, oldest
/// first, row 0 at the top (GtS scales them as (x - 128) / 128). `depth`: the newest frame's
/// planar depth `[height][width]` metres when enabled, else empty. After `reset` every slot holds
/// the first image.
public struct Observation: Sendable, Equatable {
    public var frames: [UInt8]
    public var depth: [Float]
    public var robot: RobotObservation
    /// Control steps taken in this episode.
    public var step: Int

    public init(frames: [UInt8], depth: [Float], robot: RobotObservation, step: Int) {
        self.frames = frames
        self.depth = depth
        self.robot = robot
        self.step = step
    }
}
