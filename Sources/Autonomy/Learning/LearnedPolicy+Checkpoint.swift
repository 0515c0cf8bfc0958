import Diagnostics
import Foundation
import Models
import Runtime

/// Learned policies as checkpoint files: the `CollisionPredictor` safetensors checkpoint (model
/// config in its metadata) with the planner settings in the training record's notes
/// (`policy_settings`, JSON). A checkpoint without them flies with the METHODS.md defaults.
extension LearnedPolicy {
    /// Key of the planner settings in `CollisionTrainingRecord.notes`.
    public static let settingsNote = "policy_settings"

    /// Writes `path` (safetensors) and `path.json` (metadata sidecar) with the planner settings.
    public static func save(_ predictor: CollisionPredictor, settings: LearnedPolicySettings,
                            record: CollisionTrainingRecord, to path: String) throws {
        var r = record
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        r.notes[settingsNote] = String(decoding: try encoder.encode(settings), as: UTF8.self)
        try predictor.save(to: path, record: r)
    }

    /// The model, its planner settings and training record from a checkpoint. Errors are
    /// `InputError`s naming the file (missing, corrupt, another architecture, bad settings).
    public static func load(_ path: String) throws -> (predictor: CollisionPredictor, settings: LearnedPolicySettings,
                                                       record: CollisionTrainingRecord) {
        guard FileManager.default.fileExists(atPath: path) else { throw InputError(path, "policy checkpoint not found") }
        let (predictor, record) = try CollisionPredictor.loadWithRecord(path)
        var settings = LearnedPolicySettings()
        if let json = record.notes[settingsNote] {
            do { settings = try JSONDecoder().decode(LearnedPolicySettings.self, from: Data(json.utf8)) } catch {
                throw InputError(path, at: "training_record.notes.\(settingsNote)", "invalid planner settings: \(error)")
            }
        }
        return (predictor, settings, record)
    }

    /// A `PolicySpec` flying the checkpoint at `path` (named after the file, without the suffix),
    /// with its stored planner settings unless `settings` overrides them.
    public static func spec(checkpoint path: String, settings override: LearnedPolicySettings? = nil) throws -> PolicySpec {
        let (predictor, stored, _) = try load(path)
        let settings = override ?? stored
        var name = URL(fileURLWithPath: path).lastPathComponent
        if name.hasSuffix(".safetensors") { name.removeLast(".safetensors".count) }
        return spec(predictor: predictor, settings: settings, name: name)
    }

    /// A `PolicySpec` for an in-memory model; it refuses environments whose camera stack or
    /// action space the model does not fit (`mismatch`).
    public static func spec(predictor: CollisionPredictor, settings: LearnedPolicySettings = LearnedPolicySettings(),
                            name: String = "learned") -> PolicySpec {
        PolicySpec(name: name, isPrivileged: false, validate: { env in mismatch(predictor.config, env) }) {
            LearnedPolicy(predictor: predictor, settings: settings, name: name)
        }
    }

    /// Why a model cannot fly an environment with `settings` (image size, stack, action space), or nil.
    public static func mismatch(_ c: CollisionPredictorConfig, _ s: EnvSettings) -> String? {
        if c.height != s.imageHeight || c.width != s.imageWidth || c.frames != s.frameStack {
            return "the model expects \(c.frames) frames of \(c.width)x\(c.height), the environment gives \(s.frameStack) of \(s.imageWidth)x\(s.imageHeight)"
        }
        if c.actionDim != 1 { return "the model's action has \(c.actionDim) components; the GtS action space has 1 (yaw rate)" }
        return nil
    }
}
