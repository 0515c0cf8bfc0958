/// Displayed frames per second: the mean over a sliding window of recent frame intervals.
public struct FrameRateMeter: Sendable, Equatable {
    private var stamps: [Double] = []
    public var window = 30

    public init() {}

    /// Records a frame shown at wall time `now` (seconds).
    public mutating func tick(now: Double) {
        stamps.append(now)
        if stamps.count > window + 1 { stamps.removeFirst(stamps.count - window - 1) }
    }

    /// Frames per second over the window (0 until two frames are recorded).
    public var fps: Double {
        guard stamps.count >= 2, let a = stamps.first, let b = stamps.last, b > a else { return 0 }
        return Double(stamps.count - 1) / (b - a)
    }
}
