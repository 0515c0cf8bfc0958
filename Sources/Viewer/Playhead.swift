/// The replay playhead: a position in a log's timeline plus play/pause and speed.
///
/// The log is a sorted list of frame (or message) times in seconds. `time` is always within
/// `[times.first, times.last]`; `index` is the last frame at or before `time`. Stepping moves
/// exactly one frame and pauses; playing advances `time` by wall time x `speed` and stops
/// (pauses) at the end. Speeds come from a fixed ladder 1/16x ... 16x.
///
/// ```swift
/// var head = Playhead(times: [0, 0.1, 0.2, 0.3])
/// head.togglePlay()
/// head.advance(wallSeconds: 0.15)   // time 0.15, index 1
/// head.stepForward()                // time 0.2, index 2, paused
/// ```
public struct Playhead: Sendable, Equatable {
    /// Frame times in seconds, non-decreasing, at least one.
    public let times: [Double]
    /// Current time in seconds.
    public private(set) var time: Double
    public private(set) var isPlaying = false
    /// Index into `speedLadder`.
    public private(set) var speedIndex: Int

    /// Playback speed factors reachable with speedUp/slowDown.
    public static let speedLadder: [Double] = [1.0 / 16, 1.0 / 8, 0.25, 0.5, 1, 2, 4, 8, 16]

    public init(times: [Double]) {
        precondition(!times.isEmpty, "a playhead needs at least one frame")
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "frame times must be sorted")
        self.times = times
        time = times[0]
        speedIndex = Playhead.speedLadder.firstIndex(of: 1)!
    }

    public var startTime: Double { times[0] }
    public var endTime: Double { times[times.count - 1] }
    public var duration: Double { endTime - startTime }
    public var speed: Double { Playhead.speedLadder[speedIndex] }
    public var isAtEnd: Bool { time >= endTime }

    /// The last frame whose time is <= `time` (binary search).
    public var index: Int {
        var lo = 0, hi = times.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if times[mid] <= time { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Position as a fraction 0...1 of the duration (0 for a single-frame log).
    public var fraction: Double { duration > 0 ? (time - startTime) / duration : 0 }

    public mutating func play() {
        // playing from the end restarts from the beginning
        if isAtEnd && times.count > 1 { time = startTime }
        isPlaying = true
    }

    public mutating func pause() { isPlaying = false }

    public mutating func togglePlay() { if isPlaying { pause() } else { play() } }

    /// Moves to the next frame (pauses). At the last frame it stays.
    public mutating func stepForward() {
        pause()
        // first frame strictly later than now
        let i = index
        var j = i + 1
        while j < times.count && times[j] <= time { j += 1 }
        if j < times.count { time = times[j] }
    }

    /// Moves to the previous frame (pauses): to the start of the current frame if between
    /// frames, else one frame back. At the first frame it stays.
    public mutating func stepBackward() {
        pause()
        let i = index
        if time > times[i] {
            time = times[i]
        } else {
            var j = i - 1
            while j >= 0 && times[j] >= time { j -= 1 }
            if j >= 0 { time = times[j] }
        }
    }

    /// Jumps to time `t` seconds (clamped to the log).
    public mutating func seek(to t: Double) {
        guard t.isFinite else { return }
        time = Swift.min(Swift.max(t, startTime), endTime)
    }

    /// Jumps to a fraction 0...1 of the duration (clamped).
    public mutating func scrub(toFraction f: Double) {
        guard f.isFinite else { return }
        seek(to: startTime + Swift.min(Swift.max(f, 0), 1) * duration)
    }

    public mutating func toStart() { time = startTime }
    public mutating func toEnd() { time = endTime }

    public mutating func speedUp() { speedIndex = Swift.min(speedIndex + 1, Playhead.speedLadder.count - 1) }
    public mutating func slowDown() { speedIndex = Swift.max(speedIndex - 1, 0) }

    /// Advances by `wallSeconds` of wall time at the current speed while playing; stops at
    /// the end.
    public mutating func advance(wallSeconds: Double) {
        guard isPlaying, wallSeconds > 0 else { return }
        time = Swift.min(time + wallSeconds * speed, endTime)
        if time >= endTime { isPlaying = false }
    }

    /// Applies a playback command.
    public mutating func apply(_ command: PlaybackCommand) {
        switch command {
        case .togglePlay: togglePlay()
        case .stepForward: stepForward()
        case .stepBackward: stepBackward()
        case .toStart: toStart()
        case .toEnd: toEnd()
        case .speedUp: speedUp()
        case .slowDown: slowDown()
        case let .scrub(f): scrub(toFraction: f)
        }
    }
}
