/// The six things `swiftlet fly` can do, and which of its flags each one reads.
///
/// A flag given for a mode that does not read it is an error, not a silent no-op: `fly --headless
/// --world forest:3` used to fly the scripted physics demo in empty space without a word.
public enum FlyMode: String, Sendable, CaseIterable {
    /// Window (or dummy video driver) with the env, a world and an autopilot policy.
    case window
    /// `--headless` / `--script`: the physics-only scripted flight, no world, no camera.
    case headless
    /// `--hint DIR`: the HInt experiment's deploying robot in its held-out worlds.
    case hint
    /// `--ldm FILTER`: the LDM flight experiment's quadrotor in open space.
    case ldm
    /// `--ocs DIR|default`: an OCS or hedging policy in the closed loop's held-out worlds, its
    /// camera corrupted.
    case ocs
    /// `--swarm N`: N quadrotors flying a ring in two layers (downwash crossings), or with
    /// `--policy` each flying the policy side by side into a forest.
    case swarm

    /// How the mode is named in messages.
    public var label: String {
        switch self {
        case .window: return "the window flight"
        case .headless: return "--headless"
        case .hint: return "--hint"
        case .ldm: return "--ldm"
        case .ocs: return "--ocs"
        case .swarm: return "--swarm"
        }
    }

    /// The flags (without the leading dashes) that the mode reads.
    public var flags: Set<String> {
        let viewer: Set<String> = ["frames", "screenshot", "manual", "size", "camera"]
        switch self {
        case .window: return viewer.union(["world", "robot", "domain", "policy", "record", "seed"])
        case .headless: return ["robot", "seed", "script", "effects", "rate", "initial"]
        case .hint: return viewer.union(["domain", "record", "seed", "hint", "hint-method", "yaw-limit", "hint-samples", "hint-config"])
        case .ldm: return viewer.union(["seed", "ldm", "ldm-level", "ldm-preset", "ldm-config", "ldm-models"])
        case .ocs: return viewer.union(["seed", "ocs", "ocs-policy", "corruption", "ocs-preset", "ocs-config"])
        case .swarm: return viewer.union(["swarm", "world", "robot", "domain", "seed", "record", "policy"])
        }
    }

    /// The mode the given flags ask for, or a one-line error when they ask for two at once or
    /// include a flag the chosen mode does not read. `given` holds the flags the user typed.
    public static func resolve(given: Set<String>) -> Result<FlyMode, FlyModeError> {
        var chosen: [FlyMode] = []
        if given.contains("headless") || given.contains("script") { chosen.append(.headless) }
        if given.contains("hint") { chosen.append(.hint) }
        if given.contains("ldm") { chosen.append(.ldm) }
        if given.contains("ocs") { chosen.append(.ocs) }
        if given.contains("swarm") { chosen.append(.swarm) }
        if chosen.count > 1 {
            return .failure(FlyModeError(message: "\(chosen[0].label) and \(chosen[1].label) cannot be combined"))
        }
        let mode = chosen.first ?? .window
        let allowed = mode.flags.union(["headless"])
        if let stray = given.subtracting(allowed).sorted().first {
            let users = FlyMode.allCases.filter { $0.flags.contains(stray) }.map(\.label)
            let hint = users.isEmpty ? "" : " (read by: \(users.joined(separator: ", ")))"
            return .failure(FlyModeError(message: "--\(stray) does not apply to \(mode.label)\(hint)"))
        }
        return .success(mode)
    }
}

/// A flag combination `swiftlet fly` cannot honour.
public struct FlyModeError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
