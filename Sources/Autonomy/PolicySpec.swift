/// How to make a fresh policy for each episode (the seam where learned checkpoints plug in).
public struct PolicySpec: Sendable {
    public var name: String
    public var isPrivileged: Bool
    public var make: @Sendable () -> any Policy

    public init(name: String, isPrivileged: Bool, make: @escaping @Sendable () -> any Policy) {
        self.name = name
        self.isPrivileged = isPrivileged
        self.make = make
    }

    /// Name with a privileged mark where it applies ("privileged (true geometry)").
    public var label: String {
        guard isPrivileged else { return name }
        return name.contains("privileged") ? "\(name) (true geometry)" : "\(name) (privileged)"
    }
}
