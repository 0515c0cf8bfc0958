/// Why a flight episode of the LDM experiment ended early.
public enum LDMFlightCrash: String, Sendable, Codable, CaseIterable {
    /// The body came within `groundClearance` of z = 0.
    case ground
    /// Tilt beyond `crashTilt` (loss of control).
    case tilt
    /// The physics reported a NaN or divergence warning.
    case divergence
}
