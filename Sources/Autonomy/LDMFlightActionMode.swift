/// What the flight experiment's action commands (`LDMFlightSettings.actionMode`).
public enum LDMFlightActionMode: String, Sendable, Codable, CaseIterable {
    /// (roll, pitch) tilt setpoint (rad): an acceleration-type command; the vehicle can level
    /// (and so stop accelerating) within one control step.
    case tilt
    /// (roll, pitch) tilt rate (rad/s) integrated into the held setpoint: a jerk-type command
    /// with limited authority, so the tilt, and the acceleration it causes, carry over several
    /// control steps (momentum out of the data).
    case tiltRate
}
