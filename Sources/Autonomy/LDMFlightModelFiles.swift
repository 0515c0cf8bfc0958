import Diagnostics
import Foundation
import Geometry
import Models
import Neural

/// The LDM flight experiment's trained models in a directory, so a viewer (or a later run) can
/// fly them without the minutes of training:
///
/// ```
/// DIR/settings.json          LDMFlightSettings they were trained with (percentiles excluded)
/// DIR/dynamics.safetensors   learned dynamics (+ .json sidecar); standardisation as tensors
/// DIR/density.json           Gaussian mixture (GaussianMixture.save)
/// DIR/ldm.safetensors        learned G (LearnedLDM.save, + .json sidecar)
/// DIR/levels.json            OOD level and the filter levels at every `levelPercentiles` entry
/// ```
///
/// Training does not depend on the filter percentiles (only the OOD level caps G), so one
/// directory serves any percentile of `levelPercentiles`. Loading is exact: the loaded models
/// fly bit-identically to the ones just trained (tested).
public enum LDMFlightModelFiles {
    /// Percentiles whose levels are stored: 0.5 to 50 in steps of 0.5.
    public static let levelPercentiles: [Double] = (1...100).map { Double($0) / 2 }

    struct Levels: Codable {
        var oodLevel: DensityLevel
        var levels: [DensityLevel]
        var trainingPairs: Int
        var heldOutError: Double
        var outOfDistributionError: Double
    }

    /// The settings as stored and compared: the filter percentiles, the validation flights and
    /// the fallback rule (the visit rounds collect with the paper's argmin) do not change the models.
    public static func canonical(_ settings: LDMFlightSettings) -> LDMFlightSettings {
        var s = settings
        s.learning.percentiles = []
        let defaults = LDMFlightSettings()
        s.fallbackRule = defaults.fallbackRule
        s.fallbackSteps = defaults.fallbackSteps
        s.validationEpisodes = defaults.validationEpisodes
        s.validationFirstEpisode = defaults.validationFirstEpisode
        s.validationPercentile = defaults.validationPercentile
        return s
    }

    /// Whether `directory` holds a saved set of models (its settings file exists).
    public static func exists(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: BundledResource.resolve(directory) + "/settings.json")
    }

    /// Writes `prepared` (trained with `settings`) into `directory`, creating it.
    public static func save(_ prepared: LDMFlightExperiment.Prepared, settings: LDMFlightSettings, to directory: String) throws {
        guard let gmm = prepared.models.density as? GaussianMixture else {
            throw InputError(directory, "only Gaussian-mixture densities can be saved with the flight models (density is \(type(of: prepared.models.density)))")
        }
        guard !prepared.models.trainingLogDensities.isEmpty else {
            throw InputError(directory, "these models were loaded, not trained: their levels cannot be recomputed")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let d = prepared.dynamics
        var p = d.parameters
        p["norm.input_mean"] = Tensor(shape: [d.inputMean.count], data: d.inputMean)
        p["norm.input_std"] = Tensor(shape: [d.inputStd.count], data: d.inputStd)
        p["norm.output_mean"] = Tensor(shape: [d.outputMean.count], data: d.outputMean)
        p["norm.output_std"] = Tensor(shape: [d.outputStd.count], data: d.outputStd)
        let compact = JSONEncoder()
        compact.outputFormatting = [.sortedKeys]
        let dynSettings = String(decoding: try compact.encode(d.settings), as: UTF8.self)
        try Checkpoint.save(p, metadata: CheckpointMetadata(
            architecture: "ldm-flight-dynamics-v1 s\(d.stateDim) a\(d.actionDim) hidden\(d.settings.hidden.map(String.init).joined(separator: "-"))",
            trainingConfig: ["settings": dynSettings],
            extra: ["stateDim": "\(d.stateDim)", "actionDim": "\(d.actionDim)"]), to: directory + "/dynamics.safetensors")
        try gmm.save(to: directory + "/density.json")
        try prepared.models.ldm.save(to: directory + "/ldm.safetensors")
        let levels = Levels(oodLevel: prepared.models.oodLevel,
                            levels: DensityThresholds.levels(trainingLogDensities: prepared.models.trainingLogDensities,
                                                             percentiles: levelPercentiles),
                            trainingPairs: prepared.trainingPairs, heldOutError: prepared.heldOutError,
                            outOfDistributionError: prepared.outOfDistributionError)
        try AtomicFile.write(encoder.encode(levels), to: directory + "/levels.json")
        // the settings file last: its presence marks a complete directory
        try AtomicFile.write(encoder.encode(canonical(settings)), to: directory + "/settings.json")
    }

    /// Reads the models in `directory` for `settings`, with filter levels at `settings.learning.percentiles`
    /// (each must be one of `levelPercentiles`). Throws `InputError` when the directory holds models
    /// trained with other settings, a file is missing or corrupt, or the density and G do not
    /// cover the dynamics model's state and action sizes (each file valid alone, together unusable).
    public static func load(from path: String, settings: LDMFlightSettings) throws -> LDMFlightExperiment.Prepared {
        let directory = BundledResource.resolve(path)
        // overlaid on the defaults, so settings added after the files were written take their
        // defaults; not validated (the canonical form has no percentiles), compared instead
        let raw = try InputFile.read(directory + "/settings.json", as: "a settings file")
        let stored = try LDMFlightSettings.overlay(LDMFlightSettings(), json: raw, source: directory + "/settings.json", validate: false)
        let wanted = canonical(settings)
        guard stored == wanted else {
            // name the top-level settings that differ
            func fields(_ v: LDMFlightSettings) throws -> [String: Data] {
                let object = try JSONSerialization.jsonObject(with: encoder.encode(v)) as? [String: Any] ?? [:]
                return try object.mapValues { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed]) }
            }
            let a = try fields(stored), b = try fields(wanted)
            let differing = Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }
            throw InputError(directory, at: "settings.json",
                             "models were trained with other settings (differing: \(differing.joined(separator: ", ")))")
        }
        let (p, meta) = try Checkpoint.load(directory + "/dynamics.safetensors")
        guard let meta, let sj = meta.trainingConfig["settings"],
              let dynSettings = try? JSONDecoder().decode(LDMFlightDynamicsModel.Settings.self, from: Data(sj.utf8)),
              let sd = meta.extra["stateDim"].flatMap({ Int($0) }), let ad = meta.extra["actionDim"].flatMap({ Int($0) }),
              sd == LDMFlightPlant.stateDim, ad == LDMFlightPlant.actionDim else {
            throw InputError(directory + "/dynamics.safetensors", at: "__metadata__", "not a flight dynamics checkpoint of this plant")
        }
        func vector(_ name: String, _ count: Int, deviation: Bool = false) throws -> [Float] {
            guard let t = p[name], t.count == count else {
                throw InputError(directory + "/dynamics.safetensors", at: name, "missing or not \(count) values")
            }
            if let i = t.data.indices.first(where: { !t.data[$0].isFinite || (deviation && !(t.data[$0] > 0)) }) {
                throw InputError(directory + "/dynamics.safetensors", at: "\(name)[\(i)]", "\(t.data[i]) is not a finite \(deviation ? "positive " : "")value")
            }
            return t.data
        }
        try Checkpoint.requireWeights(Checkpoint.mlpWeights(inputs: sd + ad, hidden: dynSettings.hidden, outputs: sd), in: p,
                                      source: directory + "/dynamics.safetensors", at: "__metadata__.settings.hidden")
        var expected = Parameters()
        var rng = RNG(seed: 0)
        for l in LDMFlightDynamicsModel.layers(inputs: sd + ad, outputs: sd, hidden: dynSettings.hidden) { l.initialize(&expected, rng: &rng) }
        let weights = try Checkpoint.select(p, like: expected, source: directory + "/dynamics.safetensors")
        let dynamics = LDMFlightDynamicsModel(stateDim: sd, actionDim: ad, settings: dynSettings, parameters: weights,
                                              inputMean: try vector("norm.input_mean", sd + ad), inputStd: try vector("norm.input_std", sd + ad, deviation: true),
                                              outputMean: try vector("norm.output_mean", sd), outputStd: try vector("norm.output_std", sd, deviation: true))
        // the density and G must cover the dynamics' state-action pairs (each file is valid
        // alone; the flight evaluates them on the same rows and G's filter on the plant's state)
        let density = try GaussianMixture.load(directory + "/density.json")
        guard density.dimension == sd + ad else {
            throw InputError(directory + "/density.json", at: "dimension", "\(density.dimension), the flight dynamics' state-action pairs have \(sd + ad)")
        }
        let ldm = try LearnedLDM.load(directory + "/ldm.safetensors", density: density)
        guard ldm.stateDim == sd, ldm.actionDim == ad else {
            throw InputError(directory + "/ldm.safetensors", at: "__metadata__.stateDim",
                             "S \(ldm.stateDim) and A \(ldm.actionDim), the flight dynamics has S \(sd) and A \(ad)")
        }
        let levels: Levels = try decode(directory + "/levels.json")
        if let bad = ([levels.oodLevel] + levels.levels).first(where: { !$0.logLevel.isFinite || !(0...100).contains($0.percentile) }) {
            throw InputError(directory + "/levels.json", at: "levels", "level \(bad.logLevel) at percentile \(bad.percentile) is not finite or not in 0...100")
        }
        let chosen = try settings.learning.percentiles.map { q in
            guard let level = levels.levels.first(where: { $0.percentile == q }) else {
                throw InputError("--ldm-level", "saved models serve the percentiles 0.5, 1, ..., 50 (steps of 0.5), got \(q)")
            }
            return level
        }
        let models = LDMExperimentModels(stateDim: sd, actionDim: ad, density: density, ldm: ldm, levels: chosen, oodLevel: levels.oodLevel)
        return LDMFlightExperiment.Prepared(dynamics: dynamics, models: models, trainingPairs: levels.trainingPairs,
                                            heldOutError: levels.heldOutError, outOfDistributionError: levels.outOfDistributionError,
                                            dynamicsSeconds: 0)
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }

    static func decode<T: Decodable>(_ path: String) throws -> T {
        let data = try InputFile.read(path, as: "a model file")
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw InputError(path, "not a valid \(T.self) JSON file: \(error)")
        }
    }
}
