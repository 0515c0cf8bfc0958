/// What a swarm environment adds to `EnvSettings`: how many vehicles, how they start, and which
/// interactions and sensors run.
public struct SwarmSettings: Sendable, Equatable, Codable {
    /// Number of vehicles (1-1024).
    public var count: Int = 4
    /// Spawn layout and the distance between neighbouring vehicles in it, m.
    public var layout: SwarmLayout = .lineAbreast
    public var spacing: Double = 1
    /// Downwash between vehicles (adds `.downwash` to the domain's effects).
    public var downwash: Bool = true
    /// Contact between the vehicles' collision cylinders (both vehicles end, terminated).
    public var contacts: Bool = true
    /// Render each vehicle's camera every step (off: `observation.frames` stay zero and the
    /// step costs only physics and collision queries).
    public var cameras: Bool = false

    public init(count: Int = 4, layout: SwarmLayout = .lineAbreast, spacing: Double = 1, downwash: Bool = true,
                contacts: Bool = true, cameras: Bool = false) {
        self.count = count
        self.layout = layout
        self.spacing = spacing
        self.downwash = downwash
        self.contacts = contacts
        self.cameras = cameras
    }
}
