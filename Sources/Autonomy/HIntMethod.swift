/// The methods the HInt experiment compares (METHODS.md section 2).
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

    public var label: String {
        switch self {
        case .hint: "HInt (D_r + shared P)"
        case .hierarchy: "hierarchy (P waypoints + tracker)"
        case .singleSource: "single-source action model"
        case .pooled: "pooled action model"
        }
    }
}
