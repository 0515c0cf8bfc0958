import Diagnostics
import Foundation
import Models
import World

/// A sim phase taken from a checkpoint (`GtSExperimentConfig.simModel`) instead of trained in
/// the run: e.g. the bundled policy, whose sim phase had on-policy rounds and the full METHODS.md
/// network (docs/gts.md, run 8). The checkpoint must show that it never saw the real profile or
/// a held-out world; its network must be the config's, so that every method (real-only too)
/// has the same architecture.
public enum GtSSimModel {
    /// Loads `file` and checks it (`InputError` naming the file and the key on any failure).
    public static func load(_ c: GtSExperimentConfig, file: String) throws -> (CollisionPredictor, CollisionTrainingRecord) {
        let path = BundledResource.resolve(file)
        guard FileManager.default.fileExists(atPath: path) else { throw InputError("simModel", "'\(file)' does not exist") }
        let (predictor, record) = try CollisionPredictor.loadWithRecord(path)
        guard record.realTransitions == 0 else {
            throw InputError(file, at: "real_transitions", "\(record.realTransitions): a sim phase may not have seen the real profile")
        }
        guard record.notes["domain"] == "sim" else {
            throw InputError(file, at: "training_record.notes.domain",
                             "'\(record.notes["domain"] ?? "")', expected 'sim' (a checkpoint of `swiftlet train collision` in the sim domain)")
        }
        let worlds = (record.notes["train_worlds"] ?? "").split(separator: ",").map(String.init)
        guard !worlds.isEmpty else { throw InputError(file, at: "training_record.notes.train_worlds", "missing: where it trained is unknown") }
        for (scene, spec) in zip(try WorldSet.scenes(worlds), worlds) where WorldCatalog.isHeldOut(scene) {
            throw InputError(file, at: "training_record.notes.train_worlds", "'\(spec)' is a held-out world")
        }
        guard record.simTransitions > 0 else { throw InputError(file, at: "training_record.simTransitions", "0: not trained") }
        guard predictor.config == c.modelConfig else {
            throw InputError(file, at: "model_config", "the network (first convolution \(predictor.config.convs.first?.filters ?? 0) filters, "
                             + "\(predictor.config.width)x\(predictor.config.height)) is not the config's (\(c.modelConfig.convs.first?.filters ?? 0) filters, "
                             + "\(c.modelConfig.width)x\(c.modelConfig.height)): set the config's `model` to the checkpoint's network")
        }
        return (predictor, record)
    }

    /// The record sim-only is saved with: the checkpoint's, marked as the experiment's sim-only
    /// model and naming its source, without the checkpoint's planner settings (it flies with the
    /// experiment's, which the save adds).
    static func simOnlyRecord(_ source: CollisionTrainingRecord, file: String) -> CollisionTrainingRecord {
        var r = source
        r.notes[LearnedPolicy.settingsNote] = nil
        r.notes["method"] = GtSExperiment.simOnly
        r.notes["phase"] = "sim (loaded)"
        r.notes["simModel"] = file
        return r
    }
}
