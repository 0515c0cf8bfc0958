import Diagnostics
import Foundation
import Neural

/// What a saved collision predictor was trained as (stored in the checkpoint metadata).
public struct CollisionTrainingRecord: Codable, Sendable, Equatable {
    /// Training options used for the weights (the last phase).
    public var training: CollisionTrainingConfig
    /// Hash of the training data set (hex), empty if unknown.
    public var datasetHash: String
    /// Real-profile transitions the model was trained on (0 = simulation only; GtS's "one hour of
    /// real data" is 14,400).
    public var realTransitions: Int
    /// Simulation transitions the model was trained on.
    public var simTransitions: Int
    /// Optimiser steps taken.
    public var steps: Int
    /// Free-form notes (phase names, baseline label, ...).
    public var notes: [String: String]

    public init(training: CollisionTrainingConfig = CollisionTrainingConfig(), datasetHash: String = "",
                realTransitions: Int = 0, simTransitions: Int = 0, steps: Int = 0, notes: [String: String] = [:]) {
        self.training = training; self.datasetHash = datasetHash; self.realTransitions = realTransitions
        self.simTransitions = simTransitions; self.steps = steps; self.notes = notes
    }
}

/// Saving and loading a `CollisionPredictor` as a safetensors checkpoint (Neural's
/// `Checkpoint`), with the architecture and training record as JSON in the metadata:
///
/// - `architecture`: `"gts-collision-v1"`;
/// - `trainingConfig`: the training options as strings (readable without Swift);
/// - `datasetHash`: the record's data set hash;
/// - `extra["model_config"]`: `CollisionPredictorConfig` as JSON (enough to rebuild the model);
/// - `extra["training_record"]`: `CollisionTrainingRecord` as JSON (training options, data set
///   hash, real and sim transition counts, steps, notes);
/// - `extra["real_transitions"]`: the real transition count, as a string.
extension CollisionPredictor {
    /// Writes `<path>` (safetensors) and `<path>.json` (metadata sidecar), atomically.
    public func save(to path: String, record: CollisionTrainingRecord = CollisionTrainingRecord()) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let meta = CheckpointMetadata(
            architecture: Self.architecture, trainingConfig: record.training.summary, datasetHash: record.datasetHash,
            extra: ["model_config": String(decoding: try encoder.encode(config), as: UTF8.self),
                    "training_record": String(decoding: try encoder.encode(record), as: UTF8.self),
                    "real_transitions": "\(record.realTransitions)"])
        try Checkpoint.save(parameters, metadata: meta, to: path)
    }

    /// Rebuilds a predictor from a checkpoint alone (architecture from its metadata). Throws
    /// `InputError` naming the file when it is unreadable or corrupt, has no or foreign metadata,
    /// an invalid configuration, or tensors that do not match the configuration.
    public static func load(_ path: String) throws -> CollisionPredictor {
        try loadWithRecord(path).predictor
    }

    /// `load` plus the training record stored with the weights.
    public static func loadWithRecord(_ path: String) throws -> (predictor: CollisionPredictor, record: CollisionTrainingRecord) {
        let (params, metadata) = try Checkpoint.load(path)
        guard let meta = metadata else {
            throw InputError(path, at: "__metadata__", "no swiftlet metadata: cannot tell the model architecture")
        }
        guard meta.architecture == architecture else {
            throw InputError(path, at: "architecture", "'\(meta.architecture)' is not a collision predictor ('\(architecture)')")
        }
        guard let configJSON = meta.extra["model_config"] else {
            throw InputError(path, at: "model_config", "missing from the metadata")
        }
        let config: CollisionPredictorConfig
        do { config = try JSONDecoder().decode(CollisionPredictorConfig.self, from: Data(configJSON.utf8)) } catch {
            throw InputError(path, at: "model_config", "invalid: \(error)")
        }
        var record = CollisionTrainingRecord()
        if let r = meta.extra["training_record"] {
            do { record = try JSONDecoder().decode(CollisionTrainingRecord.self, from: Data(r.utf8)) } catch {
                throw InputError(path, at: "training_record", "invalid: \(error)")
            }
        }
        return (try CollisionPredictor(config: config, parameters: params, source: path), record)
    }
}
