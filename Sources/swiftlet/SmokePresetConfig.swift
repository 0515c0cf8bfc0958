import Autonomy
import Diagnostics

/// An experiment config with a `default` and a `smoke` preset that a JSON file replaces
/// (`experiment gts` and `hint`; the other experiments overlay presets through
/// `PresetExperimentSettings`).
protocol SmokePresetConfig {
    init()
    static var smoke: Self { get }
    static func load(_ path: String) throws -> Self
    var seed: UInt64 { get set }
}

extension GtSExperimentConfig: SmokePresetConfig {}
extension HIntExperimentConfig: SmokePresetConfig {}

extension SmokePresetConfig {
    /// The config `--preset`, `--config` and `--seed` name, and those flags as the report's
    /// command line spells them ("swiftlet experiment NAME [--config F | --preset P] [--seed N]").
    static func resolve(experiment: String, preset: String, config: String?, seed: UInt64?) throws -> (config: Self, command: String) {
        var c: Self
        switch preset {
        case "default": c = Self()
        case "smoke": c = .smoke
        default: throw InputError("--preset", "expected default or smoke, got \"\(preset)\"")
        }
        var command = "swiftlet experiment \(experiment)"
        if let config {
            if preset != "default" { throw InputError("--config", "use either --config or --preset smoke, not both") }
            c = try Self.load(config)
            command += " --config \(config)"
        } else if preset != "default" {
            command += " --preset \(preset)"
        }
        if let seed {
            c.seed = seed
            command += " --seed \(seed)"
        }
        return (c, command)
    }
}
