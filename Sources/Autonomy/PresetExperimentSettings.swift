import Diagnostics
import Foundation

/// Settings of an experiment run from a named preset ("default" = `standard`, "smoke" = a
/// seconds-long version for tests) overlaid by an optional JSON config file whose keys are any
/// subset of the settings (unknown keys are refused). `ImitationSettings`, `OCSSettings` and
/// `PreMemSettings` share this contract, and `swiftlet experiment` resolves all three the same way.
public protocol PresetExperimentSettings: Codable {
    /// The "default" preset.
    static var standard: Self { get }
    /// The "smoke" preset.
    static var smoke: Self { get }
    /// The run's master seed.
    var seed: UInt64 { get set }
    /// Throws an `InputError` (source `source`, JSON path of the key) naming the first setting out of range.
    func validate(source: String) throws
}

extension PresetExperimentSettings {
    public static var presetNames: [String] { ["default", "smoke"] }

    /// The preset called `name` (one of `presetNames`), or nil.
    public static func preset(named name: String) -> Self? {
        switch name {
        case "default": standard
        case "smoke": smoke
        default: nil
        }
    }

    /// `base` overlaid with the JSON object in `data` (unknown keys rejected), validated.
    public static func overlay(_ base: Self, json data: Data, source: String) throws -> Self {
        let s = try ConfigFile.overlay(base, json: data, source: source)
        try s.validate(source: source)
        return s
    }

    /// `base` overlaid with the config file at `configPath`.
    public static func load(configPath: String, base: Self) throws -> Self {
        try overlay(base, json: ConfigFile.read(configPath), source: configPath)
    }
}
