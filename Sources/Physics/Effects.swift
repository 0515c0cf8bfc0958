import Foundation

/// Physical effects of the quadrotor model, each switchable on its own.
///
/// `Effects.none` is the ideal "sim" profile (rigid body, ideal motors, no air); `Effects.real`
/// switches everything on. Parse command-line lists with `Effects(parsing:)`.
public struct Effects: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// First-order motor lag with time constant `QuadrotorModel.motorTimeConstant`.
    public static let motorLag = Effects(rawValue: 1 << 0)
    /// Body drag proportional to rotor speed and air-relative body velocity.
    public static let drag = Effects(rawValue: 1 << 1)
    /// Extra thrust near the ground (z = 0 plane).
    public static let groundEffect = Effects(rawValue: 1 << 2)
    /// Constant wind (`WindParameters.mean`).
    public static let wind = Effects(rawValue: 1 << 3)
    /// Seeded Ornstein-Uhlenbeck gusts on top of the mean wind.
    public static let gusts = Effects(rawValue: 1 << 4)
    /// Downwash from vehicles above (gym-pybullet-drones' model); acts only between vehicles
    /// stepped together in a `QuadrotorSwarm`, so a lone vehicle is unaffected.
    public static let downwash = Effects(rawValue: 1 << 5)

    /// Nothing: the ideal "sim" profile.
    public static let none: Effects = []
    /// Everything.
    public static let all: Effects = [.motorLag, .drag, .groundEffect, .wind, .gusts, .downwash]
    /// The "real" profile: all effects (with the model's motor lag, wind and gust settings).
    public static let real: Effects = .all

    /// Names accepted by `init(parsing:)`, in bit order.
    public static let names: [(String, Effects)] = [
        ("motor-lag", .motorLag), ("drag", .drag), ("ground-effect", .groundEffect), ("wind", .wind), ("gusts", .gusts),
        ("downwash", .downwash),
    ]

    /// Parses `none`, `all`, `sim`, `real` or a comma list of names (`drag,ground-effect`).
    /// Returns nil and the unknown word on failure.
    public static func parse(_ text: String) -> Result<Effects, EffectsParseError> {
        let t = text.lowercased()
        switch t {
        case "none", "sim", "": return .success(.none)
        case "all", "real": return .success(.all)
        default: break
        }
        var e = Effects()
        for word in t.split(separator: ",") {
            let w = word.trimmingCharacters(in: " ").replacingOccurrences(of: "_", with: "-")
            guard let hit = names.first(where: { $0.0 == w }) else { return .failure(EffectsParseError(word: String(word))) }
            e.insert(hit.1)
        }
        return .success(e)
    }

    public var description: String {
        if self == .none { return "none" }
        if self == .all { return "all" }
        return Effects.names.filter { contains($0.1) }.map(\.0).joined(separator: ",")
    }
}

/// An unknown effect name.
public struct EffectsParseError: Error, Sendable, CustomStringConvertible {
    public var word: String
    public var description: String {
        "unknown effect '\(word)'; use none, all, sim, real or a comma list of " + Effects.names.map(\.0).joined(separator: ", ")
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
