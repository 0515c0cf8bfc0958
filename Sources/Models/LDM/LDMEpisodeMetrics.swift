/// What one closed-loop episode of an LDM experiment measured.
public struct LDMEpisodeMetrics: Sendable, Equatable, Codable {
    /// Control steps taken (fewer than the budget when the episode crashed).
    public var steps: Int
    /// Whether the episode ended in a crash.
    public var crashed: Bool
    /// Steps whose executed (s, a) had p below the OOD level.
    public var oodSteps: Int
    /// Steps on which the filter had no admissible candidate and fell back.
    public var fallbackSteps: Int
    /// Task progress (problem-defined; 1 = goal reached).
    public var progress: Double
    /// Mean model error along the flown path (problem-defined units, e.g. m).
    public var modelError: Double

    public init(steps: Int, crashed: Bool, oodSteps: Int, fallbackSteps: Int, progress: Double, modelError: Double) {
        self.steps = steps; self.crashed = crashed; self.oodSteps = oodSteps
        self.fallbackSteps = fallbackSteps; self.progress = progress; self.modelError = modelError
    }

    /// Fraction of steps that were out of distribution.
    public var oodFraction: Double { steps > 0 ? Double(oodSteps) / Double(steps) : 0 }
}
