import Diagnostics

/// One declared target of an experiment and its verdict, as the OCS and hedging experiments
/// report them: the target, the measured value as printed, whether it is met.
public struct TargetCheck: Sendable, Equatable {
    public var name: String
    public var value: String
    public var met: Bool

    public init(name: String, value: String, met: Bool) {
        self.name = name
        self.value = value
        self.met = met
    }

    /// The report's targets table: target, `measured` (the value column's header), met.
    public static func table(_ checks: [TargetCheck], measured: String = "measured") -> String {
        var t = MarkdownTable(["target", measured, "met"], alignments: [.left, .left, .left])
        for c in checks { t.addRow([c.name, c.value, c.met ? "yes" : "**no**"]) }
        return t.render()
    }

    /// The line the command prints for it.
    public var consoleLine: String { "\(met ? "met    " : "NOT MET") \(name): \(value)" }
}
