import ArgumentParser
import Autonomy
import Diagnostics

/// The settings a preset experiment's command line names (`--preset`, then `--config` overlaid,
/// then `--seed`), validated, with `--out` prepared, and the command line that reproduces the
/// run (written into its report). Shared by `experiment imitation`, `ocs` and `premem`.
func resolvePresetExperiment<S: PresetExperimentSettings>(
    _ type: S.Type, experiment: String, preset: String, config: String?, seed: UInt64?, out: String
) throws -> (settings: S, command: String) {
    guard var settings = S.preset(named: preset) else {
        throw InputError("--preset", "expected one of \(S.presetNames.joined(separator: ", ")), got \"\(preset)\"")
    }
    if let config { settings = try S.load(configPath: config, base: settings) }
    if let seed { settings.seed = seed }
    try settings.validate(source: "settings")
    try OutputPath.prepareDirectory(out, source: "--out")
    var command = "swiftlet experiment \(experiment) --preset \(preset) --out \(out)"
    if let config { command += " --config \(config)" }
    if let seed { command += " --seed \(seed)" }
    return (settings, command)
}
