import Diagnostics

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

/// The main view's starting camera as `fly --camera` names it: a `CameraMode`, and for the top
/// view the orbit rig's pitch and distance.
public struct ViewerCameraChoice: Sendable, Equatable {
    public var mode: CameraMode
    /// Initial orbit pitch (rad) and distance (m); nil keeps the rig's defaults.
    public var orbitPitch: Double?
    public var orbitDistance: Double?

    /// The names `--camera` takes.
    public static let names = ["chase", "orbit", "first-person", "top"]

    /// `chase`, `orbit`, `first-person`, or `top` (the orbit camera at its steepest pitch,
    /// 1.5 rad, 12 m above and behind the robot: a map-like view that shows the zenith-nadir
    /// fallback path); an `InputError` naming `flag` otherwise.
    public static func named(_ name: String, flag: String = "--camera") throws -> ViewerCameraChoice {
        switch name {
        case "chase": return ViewerCameraChoice(mode: .chase)
        case "orbit": return ViewerCameraChoice(mode: .orbit)
        case "first-person": return ViewerCameraChoice(mode: .firstPerson)
        case "top": return ViewerCameraChoice(mode: .orbit, orbitPitch: CameraRig.maxOrbitPitch, orbitDistance: 12)
        default: throw InputError(flag, "expected one of \(names.joined(separator: ", ")), got \"\(name)\"")
        }
    }

    public init(mode: CameraMode, orbitPitch: Double? = nil, orbitDistance: Double? = nil) {
        self.mode = mode
        self.orbitPitch = orbitPitch
        self.orbitDistance = orbitDistance
    }
}
