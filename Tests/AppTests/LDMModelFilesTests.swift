import Diagnostics
import Foundation
import Models
import Physics
import Testing
import TestSupport
@testable import App
@testable import Autonomy

/// Saved LDM flight models (`LDMFlightModelFiles`, `fly --ldm-models`, the bundled Assets/ldm).
struct LDMModelFilesTests {
    /// The overlay tests' tiny settings with tilt-rate actions.
    static func tiny() -> LDMFlightSettings {
        var s = MethodOverlayTests.tinyLDM().settings
        s.actionMode = .tiltRate
        s.steps = 8
        s.threads = 2
        return s
    }

    @Test("models saved by fly --ldm-models load back and fly bit-identically; other settings are refused")
    func roundTrip() throws {
        let dir = TempDir("swiftlet-ldm-models")
        defer { dir.remove() }
        let robot = try URDFLoader.load(path: "Robots/cf2x.urdf")
        var config = LDMFlyConfig()
        config.settings = Self.tiny()
        config.percentile = 10
        config.modelsDirectory = dir.file("models")
        var lines: [String] = []
        let trained = try LDMFlySimulation.loadOrTrain(config, robot: robot) { lines.append($0) }
        #expect(lines.contains { $0.hasPrefix("training") } && lines.contains { $0.hasPrefix("saved the models") })
        #expect(LDMFlightModelFiles.exists(in: dir.file("models")))

        lines = []
        let loaded = try LDMFlySimulation.loadOrTrain(config, robot: robot) { lines.append($0) }
        #expect(lines.contains { $0.hasPrefix("loading") } && !lines.contains { $0.hasPrefix("training") })
        #expect(loaded.models.levels == trained.models.levels && loaded.models.oodLevel == trained.models.oodLevel)
        var s = config.settings
        s.learning.percentiles = [10]
        let a = try LDMFlightExperiment.sweep(s, prepared: trained, robot: robot, progress: .silent)
        let b = try LDMFlightExperiment.sweep(s, prepared: loaded, robot: robot, progress: .silent)
        #expect(a.report.episodesCSV().text == b.report.episodesCSV().text)
        #expect(a.report.results.map(\.episodes.count).reduce(0, +) == 6)   // none, greedy, LDM x 2 episodes

        // another seed: the directory is refused, naming the setting
        var other = config
        other.settings.seed += 1
        #expect(throws: InputError.self) { _ = try LDMFlySimulation.loadOrTrain(other, robot: robot) }
        let refused = #expect(throws: InputError.self) { _ = try LDMFlightModelFiles.load(from: dir.file("models"), settings: other.settings) }
        #expect(refused?.message.contains("differing: seed") == true)
        // a level between the stored percentiles is refused, one on the grid is served
        var between = s
        between.learning.percentiles = [7.3]
        #expect(throws: InputError.self) { _ = try LDMFlightModelFiles.load(from: dir.file("models"), settings: between) }
        var onGrid = s
        onGrid.learning.percentiles = [25]
        let at25 = try LDMFlightModelFiles.load(from: dir.file("models"), settings: onGrid)
        #expect(at25.models.levels.map(\.percentile) == [25])
        #expect(at25.models.levels[0].logLevel > loaded.models.levels[0].logLevel)
        // loaded models carry no training log-densities, so they cannot be saved again
        #expect(throws: InputError.self) { try LDMFlightModelFiles.save(loaded, settings: s, to: dir.file("again")) }
    }

    @Test("bundled models that do not fit the settings mean training, with a note; a bad filter level is refused first")
    func bundledMismatchTrains() throws {
        let dir = TempDir("swiftlet-ldm-bundled")
        defer { dir.remove() }
        let robot = try URDFLoader.load(path: "Robots/cf2x.urdf")
        try AtomicFile.write(Data("{}".utf8), to: dir.file("settings.json"))
        var config = LDMFlyConfig()
        config.settings = Self.tiny()
        config.settings.learning.ldm.steps = 20
        config.bundledModels = dir.path
        // a level outside 0...100 fails before the bundled models are tried or training starts
        for level in [Double.nan, -1, 100.5] {
            var bad = config
            bad.percentile = level
            var notes: [String] = []
            #expect(throws: InputError("--ldm-level", "percentile must be in 0...100, got \(level)")) {
                _ = try LDMFlySimulation.loadOrTrain(bad, robot: robot) { notes.append($0) }
            }
            #expect(notes.isEmpty)
        }
        var lines: [String] = []
        _ = try LDMFlySimulation.loadOrTrain(config, robot: robot) { lines.append($0) }
        #expect(lines.contains { $0.contains("do not fit these settings") })
        #expect(lines.contains { $0.hasPrefix("training") })
        // --ldm-models with the same broken directory is an error, not a silent retrain
        config.modelsDirectory = dir.path
        #expect(throws: InputError.self) { _ = try LDMFlySimulation.loadOrTrain(config, robot: robot) }
    }

    @Test("the viewer's autopilot flies the experiment's episode, in both action modes",
          arguments: [LDMFlightActionMode.tiltRate, .tilt])
    func viewerMatchesExperiment(mode: LDMFlightActionMode) throws {
        let robot = try URDFLoader.load(path: "Robots/cf2x.urdf")
        var config = LDMFlyConfig()
        config.settings = Self.tiny()
        config.settings.actionMode = mode
        config.settings.steps = 12
        config.settings.constraintSteps = 2
        config.percentile = 10
        let prepared = try LDMFlySimulation.prepare(config, robot: robot)
        for kind in [SafetyFilterKind.ldm, .greedy] {
            config.filter = kind
            var sim = try LDMFlySimulation(config: config, prepared: prepared, robot: robot)
            var viewerStates: [[Float]] = []
            while !sim.isDone {
                sim.tick(nil)
                viewerStates.append(sim.plant.compactState)
            }
            var experimentStates: [[Float]] = []
            let outcome = LDMFlightExperiment.episode(spec: sim.spec, prepared: prepared, robot: robot, settings: config.settings,
                                                      index: 0) { experimentStates.append($0.next) }
            #expect(viewerStates == experimentStates)
            #expect(sim.steps == outcome.metrics.steps && sim.oodSteps == outcome.metrics.oodSteps)
            #expect(sim.fallbacks == outcome.metrics.fallbackSteps && (sim.crashes == 1) == (outcome.crash != nil))
            #expect(sim.steps > 0)
        }
    }

    @Test("the bundled Assets/ldm/momentum models are the momentum preset's (regenerate them when the preset changes)")
    func bundledModelsFitThePreset() throws {
        var settings = LDMFlightSettings.momentum
        settings.learning.percentiles = [25]
        let prepared = try LDMFlightModelFiles.load(from: "Assets/ldm/momentum", settings: settings)
        #expect(prepared.models.levels.map(\.percentile) == [25])
        // the checkpoints inside agree with the settings file (G's cap is set in training, so compare the rest)
        #expect(prepared.models.ldm.settings.hidden == settings.learning.ldm.hidden)
        #expect(prepared.models.ldm.settings.steps == settings.learning.ldm.steps)
        #expect(prepared.dynamics.settings == settings.dynamics)
    }
}
