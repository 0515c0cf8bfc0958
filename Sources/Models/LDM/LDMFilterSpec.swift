import Diagnostics

/// One filter condition of a sweep: a kind and (except for `.none`) a level.
public struct LDMFilterSpec: Sendable, Equatable, Hashable, Codable {
    public var kind: SafetyFilterKind
    public var level: DensityLevel?

    public init(kind: SafetyFilterKind, level: DensityLevel?) {
        self.kind = kind
        self.level = level
    }

    /// "none", "greedy p5", "ldm p5".
    public var name: String {
        guard let level else { return kind.rawValue }
        return "\(kind.rawValue) p\(Statistics.format(level.percentile, digits: 3))"
    }

    public static func == (a: LDMFilterSpec, b: LDMFilterSpec) -> Bool {
        a.kind == b.kind && a.level?.percentile == b.level?.percentile && a.level?.logLevel == b.level?.logLevel
    }

    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(level?.percentile)
        h.combine(level?.logLevel)
    }
}
