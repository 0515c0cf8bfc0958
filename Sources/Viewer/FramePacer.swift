/// Paces frames by simulated time: frame k is due at wall time `t0 + simElapsed / factor`.
///
/// Pure: callers pass the monotonic wall clock in and sleep for the returned delay. Changing the
/// factor, or falling more than `maxLag` seconds behind (a slow frame, a breakpoint), restarts
/// the schedule from now so the viewer never tries to catch up in a burst.
public struct FramePacer: Sendable, Equatable {
    /// Largest tolerated lag behind schedule (s) before resynchronising.
    public var maxLag = 0.25
    private var wallOrigin: Double? = nil
    private var simOrigin = 0.0
    private var factor = 1.0

    public init() {}

    /// Seconds to wait before showing the frame whose simulated time is `simTime`, given the
    /// wall clock `now` and the time factor. Never negative.
    public mutating func delay(simTime: Double, factor: Double, now: Double) -> Double {
        if wallOrigin == nil || factor != self.factor {
            restart(simTime: simTime, factor: factor, now: now)
            return 0
        }
        let due = wallOrigin! + (simTime - simOrigin) / factor
        if now - due > maxLag {
            restart(simTime: simTime, factor: factor, now: now)
            return 0
        }
        return Swift.max(0, due - now)
    }

    /// Starts the schedule over: `simTime` is shown at `now`.
    public mutating func restart(simTime: Double, factor: Double, now: Double) {
        wallOrigin = now
        simOrigin = simTime
        self.factor = factor
    }
}
