/// The methods the HInt experiment compares (METHODS.md section 2), plus two ablations that
/// separate what D_r contributes (the robot's turn-rate lag) from the action box (its limit).
public enum HIntMethod: String, Codable, CaseIterable, Sendable {
    /// MPPI over the robot's actions through D_r, then the shared perception P.
    case hint
    /// (b) Waypoints from perception alone (ideal-unicycle pose sequences, no dynamics),
    /// tracked by a pure-pursuit low-level controller.
    case hierarchy
    /// (c) Action-conditioned model trained only on part of the deploying robot's data.
    case singleSource = "single-source"
    /// (d) Action-conditioned model trained on every robot's data, platform ignored.
    case pooled
    /// Ablation: the hierarchy whose waypoint MPPI rolls its candidates through D_r (it knows
    /// the turn-rate lag) but keeps the assumed +-180 deg/s candidate range whatever the robot's
    /// limit; the same pure-pursuit tracker steers to the D_r plan's waypoint.
    case hierarchyDynamics = "hierarchy-dr"
    /// Ablation: HInt with an ideal unicycle (turn rates clamped to the robot's limit, no lag)
    /// in place of D_r; candidates in +-limit, the plan's first action commanded directly.
    case hintUnicycle = "hint-unicycle"

    /// The experiment's default comparison (the four methods; the ablations only when
    /// the `methods` config key lists them).
    public static let standard: [HIntMethod] = [.hint, .hierarchy, .singleSource, .pooled]

    public var label: String {
        switch self {
        case .hint: "HInt (D_r + shared P)"
        case .hierarchy: "hierarchy (P waypoints + tracker)"
        case .singleSource: "single-source action model"
        case .pooled: "pooled action model"
        case .hierarchyDynamics: "hierarchy + D_r (ablation)"
        case .hintUnicycle: "HInt, unicycle (ablation)"
        }
    }

    /// Whether the candidate yaw rates span the assumed (unlimited) range rather than the
    /// robot's limit, and a pure-pursuit tracker turns the plan into the command.
    public var tracksWaypoints: Bool { self == .hierarchy || self == .hierarchyDynamics }
}
