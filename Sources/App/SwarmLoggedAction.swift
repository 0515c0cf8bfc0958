import Geometry
import Physics
import Runtime

/// How a swarm vehicle's command is written on `/swarm/<i>/command`: nine numbers
/// `[mode, yaw_rate, vx, vy, vz, x, y, z, yaw]`, the five of `LoggedAction` (modes 0 and 1,
/// position fields 0) plus mode 2, the ring autopilot's position setpoint
/// `.vehicle(.flight(.position((x, y, z), yaw: yaw)))` (world frame, m and rad; the first five
/// fields 0 but the mode). Doubles round-trip bit-exactly through the log.
public enum SwarmLoggedAction {
    public static let names = LoggedAction.names + ["x", "y", "z", "yaw"]

    /// The values of `action`; nil for a command with no encoding (forward-speed and ground
    /// commands, which the swarm never flies).
    public static func encode(_ action: EnvAction) -> [Double]? {
        if case .vehicle(.flight(.position(let p, let yaw))) = action { return [2, 0, 0, 0, 0, p.x, p.y, p.z, yaw] }
        return LoggedAction.encode(action).map { $0 + [0, 0, 0, 0] }
    }

    public static func decode(_ values: [Double]) -> EnvAction? {
        guard values.count == 9 else { return nil }
        if values[0] == 2 { return .vehicle(.flight(.position(Vec3(values[5], values[6], values[7]), yaw: values[8]))) }
        return LoggedAction.decode(Array(values[0..<5]))
    }
}
