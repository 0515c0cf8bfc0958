import Diagnostics
import Foundation
import Models

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

    /// A `PolicySpec` for an in-memory model.
    public static func spec(predictor: CollisionPredictor, settings: LearnedPolicySettings = LearnedPolicySettings(),
                            name: String = "learned") -> PolicySpec {
        PolicySpec(name: name, isPrivileged: false) { LearnedPolicy(predictor: predictor, settings: settings, name: name) }
    }
}
