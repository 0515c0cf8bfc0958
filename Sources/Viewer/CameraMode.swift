/// Which camera the main view uses; Tab cycles chase -> orbit -> first person.
public enum CameraMode: String, Sendable, CaseIterable {
    /// Behind and above the robot, following its heading with smoothing.
    case chase
    /// Free orbit around the robot: mouse drag or keys turn, wheel zooms.
    case orbit
    /// From the robot's onboard camera position, looking along its heading.
    case firstPerson = "first person"

    /// The next mode in the Tab cycle.
    public var next: CameraMode {
        switch self {
        case .chase: .orbit
        case .orbit: .firstPerson
        case .firstPerson: .chase
        }
    }
}
