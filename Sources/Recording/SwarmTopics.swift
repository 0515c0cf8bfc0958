/// Topic and frame names of a swarm log (`fly --swarm N --record`): per-vehicle topics under
/// `/swarm/<i>/`, the shared `/swiftlet/metadata`, `/scene` and `/tf` of an episode log.
public enum SwarmTopics {
    /// Vehicles a swarm log may hold (vehicle topics with a larger index are refused on read).
    public static let maxVehicles = 1024

    /// foxglove.PoseInFrame: vehicle `i`'s body pose in the world frame, after every step it flew.
    public static func pose(_ i: Int) -> String { "/swarm/\(i)/pose" }
    /// swiftlet.Command: the command vehicle `i` received at each control step it flew.
    public static func command(_ i: Int) -> String { "/swarm/\(i)/command" }
    /// swiftlet.SwarmEvent: vehicle `i`'s collisions (contacts name the other vehicle) and warnings.
    public static func events(_ i: Int) -> String { "/swarm/\(i)/events" }
    /// Vehicle `i`'s body frame on `/tf` (child of "world").
    public static func bodyFrame(_ i: Int) -> String { "swarm/\(i)" }

    /// The vehicle index and topic kind ("pose", "command", "events") of a `/swarm/<i>/<kind>`
    /// topic; nil for other topics (and for an index that is not a plain decimal number).
    public static func parse(_ topic: String) -> (vehicle: Int, kind: Substring)? {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "swarm", !parts[2].isEmpty, parts[2].count <= 6,
              parts[2].allSatisfy({ $0.isASCII && $0.isNumber }), let i = Int(parts[2]) else { return nil }
        return (i, parts[3])
    }
}
