import Diagnostics
import Runtime

/// The real-data budget of a sim-to-real experiment: every real-profile control step collected
/// is counted against a cap, and collection that would exceed it is refused.
///
/// GtS's "one hour of real flight" is 3600 s / 0.25 s = 14,400 control steps at 4 Hz
/// (`oneHour`). Collection through `collect(_:models:progress:)` reserves the steps before any
/// episode runs; the count of a model's real training data goes into its checkpoint record
/// (`CollisionTrainingRecord.realTransitions`).
public struct RealDataBudget: Sendable, Equatable {
    /// One simulated hour of control steps at the GtS rate (4 Hz).
    public static let oneHour = 14_400

    /// Maximum real-profile control steps.
    public let cap: Int
    /// Steps collected (or reserved) so far.
    public private(set) var used = 0

    public init(cap: Int = RealDataBudget.oneHour) {
        precondition(cap >= 0)
        self.cap = cap
    }

    /// Control steps in `hours` of flight at `controlRate` Hz (rounded to the nearest step).
    public static func steps(hours: Double, controlRate: Double = 4) -> Int {
        Int((hours * 3600 * controlRate).rounded())
    }

    /// Steps still available.
    public var remaining: Int { cap - used }

    /// Counts `steps` against the cap; throws (and counts nothing) if they do not fit.
    public mutating func reserve(_ steps: Int, source: String = "real-data budget") throws {
        guard steps >= 0 else { throw InputError(source, "negative step count \(steps)") }
        guard steps <= remaining else {
            throw InputError(source, "\(steps) real-profile steps requested, only \(remaining) of the cap \(cap) left (\(used) used)")
        }
        used += steps
    }

    /// Collects real-profile data under the budget: checks that every env model runs a
    /// non-"sim" domain (the profile named in `settings.domain`), reserves `settings.steps`,
    /// then runs the `Collector`. The dataset's `info["realTransitions"]` records the count.
    public mutating func collect(_ settings: CollectionSettings, models: [EnvModel], registry: PolicyRegistry = .standard,
                                 progress: Diagnostics.Progress? = nil) throws -> CollisionDataset {
        guard settings.domain != .sim, models.allSatisfy({ $0.domain == settings.domain }) else {
            throw InputError("real-data budget", "collection in domain '\(settings.domain.name)' is not real-profile collection")
        }
        try reserve(settings.steps)
        var data = try Collector.run(settings, models: models, registry: registry, progress: progress)
        data.info["realTransitions"] = String(data.sampleCount)
        return data
    }
}
