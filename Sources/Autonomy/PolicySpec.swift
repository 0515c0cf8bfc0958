import Runtime

/// How to make a fresh policy for each episode (the seam where learned checkpoints plug in).
public struct PolicySpec: Sendable {
    public var name: String
    public var isPrivileged: Bool
    public var make: @Sendable () -> any Policy
    /// Why the policy cannot fly an environment with these settings (nil = it can); runners
    /// turn a message into an `InputError` before any episode starts.
    public var validate: @Sendable (EnvSettings) -> String?

    public init(name: String, isPrivileged: Bool, validate: @escaping @Sendable (EnvSettings) -> String? = { _ in nil },
                make: @escaping @Sendable () -> any Policy) {
        self.name = name
        self.isPrivileged = isPrivileged
        self.validate = validate
        self.make = make
    }

    /// Name with a privileged mark where it applies ("privileged (true geometry)").
    public var label: String {
        guard isPrivileged else { return name }
        return name.contains("privileged") ? "\(name) (true geometry)" : "\(name) (privileged)"
    }
}
