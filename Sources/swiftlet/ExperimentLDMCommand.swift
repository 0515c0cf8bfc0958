import ArgumentParser
import Autonomy
import Diagnostics
import Foundation
import Physics

/// `swiftlet experiment ldm`: the LDM safety filter in flight (issue 10).
struct ExperimentLDMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldm",
        abstract: "Quadrotor MPC with a learned dynamics model: no filter vs greedy density vs LDM filter.",
        discussion: """
        Collects data near hover (|v| <= 1 m/s, tilt <= 15 deg), learns the dynamics, the density \
        and the LDM, then flies towards a far goal under every filter and threshold percentile. \
        Writes report.md, summary.csv, episodes.csv and SVG plots. See docs/ldm.md.
        """
    )

    @Option(help: "JSON file overlaying the preset (any subset of the settings; see docs/ldm.md).")
    var config: String?

    @Option(help: "Directory for the report, CSVs and plots.")
    var out = "runs/experiment-ldm"

    @Option(help: "Preset: default (tilt setpoints), momentum (tilt-rate actions; about 10-20 minutes each), momentum-slow (tilt rates within 0.5 rad/s), smoke or momentum-smoke (under a minute).")
    var preset = "default"

    @Option(help: "Random seed (overrides the config).")
    var seed: UInt64?

    @Flag(help: "After the sweep, diagnose the filters' fallback ticks on a fine action grid (same episodes; writes <out>/diagnosis.md).")
    var diagnose = false

    @Flag(help: "Diagnose without flying the sweep first (implies --diagnose).")
    var diagnoseOnly = false

    @Option(name: .customLong("diagnose-condition"), help: "Diagnose only this condition, e.g. 'ldm p10' (repeatable; default every filtered condition).")
    var diagnoseConditions: [String] = []

    @Option(name: .customLong("validate"), help: "Instead of flying the sweep: build G as this overlay says (repeatable; visit-round and learning.ldm keys only) and fly the validation episodes (validationEpisodes from validationFirstEpisode, the LDM at validationPercentile) after every round; writes <out>/validation.md.")
    var validate: [String] = []

    @Flag(help: "Instead of the sweep: fly only the validation episodes (the LDM at validationPercentile) on the learned or --models pieces; writes <out>/validation.md.")
    var validationFlight = false

    @Option(help: "With --validate: write every candidate's models after every round to DIR/<candidate>-r<round>.")
    var saveModels: String?

    @Option(help: "Fly the models saved in this directory (trained with exactly these settings) instead of learning them.")
    var models: String?

    @Option(help: "After the sweep, fly it again with this constraintSteps on the same learned models; report in <out>-steps<K>.")
    var alsoConstraintSteps: Int?

    @Option(name: .customLong("edge-check"), help: "Instead of flying: retrain G with this LDM-only overlay (repeatable) on the same data and measure its error at the edge on held-out states against the preset's G; writes <out>/edge-check.md.")
    var edgeCheck: [String] = []

    func run() throws {
        guard var settings = LDMFlightSettings.preset(named: preset) else {
            throw InputError("--preset", "expected one of \(LDMFlightSettings.presetNames.joined(separator: ", ")), got \"\(preset)\"")
        }
        if let config { settings = try LDMFlightSettings.load(configPath: config, base: settings) }
        if let seed { settings.seed = seed }
        try settings.validate()
        if let k = alsoConstraintSteps, k < 1 || k > settings.horizon {
            throw InputError("--also-constraint-steps", "must be in 1...\(settings.horizon), got \(k)")
        }
        try checkModeFlags()
        let robot = try URDFLoader.load(path: settings.robot)
        // the reports are written after minutes of learning and flying: check --out first
        try OutputPath.prepareDirectory(out, source: "--out")
        if let k = alsoConstraintSteps { try OutputPath.prepareDirectory(out + "-steps\(k)", source: "--out") }
        var command = "swiftlet experiment ldm --preset \(preset) --out \(out)"
        if let config { command += " --config \(config)" }
        if let seed { command += " --seed \(seed)" }
        if !edgeCheck.isEmpty {
            try runEdgeCheck(settings: settings, robot: robot, command: command)
            return
        }
        if !validate.isEmpty {
            try runValidation(settings: settings, robot: robot, command: command)
            return
        }
        try LDMFlightDiagnosis.checkConditions(diagnoseConditions, settings: settings)
        let prepared: LDMFlightExperiment.Prepared
        if let models {
            prepared = try LDMFlightModelFiles.load(from: models, settings: settings)
            print("models: loaded from \(models)")
            command += " --models \(models)"
        } else {
            prepared = try LDMFlightExperiment.prepare(robot: robot, settings: settings) { print($0) }
        }
        if validationFlight {
            let r = try LDMFlightValidation.fly(prepared: prepared, robot: robot, settings: settings)
            let row = LDMFlightValidation.Result(candidate: config.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? preset,
                                                 round: settings.ldmVisitRounds, backupLoss: prepared.models.ldm.finalLoss, result: r)
            try writeReport(validationHeader(settings, command: command + " --validation-flight") + LDMFlightValidation.table([row]),
                            name: "validation.md")
            return
        }
        var runs = diagnoseOnly ? [] : [(settings, out, command)]
        if let k = alsoConstraintSteps {
            var again = settings
            again.constraintSteps = k
            runs.append((again, out + "-steps\(k)", command + " --also-constraint-steps \(k) (this report: constraintSteps \(k))"))
        }
        for (s, dir, cmd) in runs {
            let outcome = try LDMFlightExperiment.sweep(s, prepared: prepared, robot: robot) { print($0) }
            var report = outcome.report
            report.notes.append("command: \(cmd)")
            let files = try report.write(to: dir)
            print("wrote \(files.count) files to \(dir)")
        }
        if diagnose || diagnoseOnly {
            let only = diagnoseConditions.isEmpty ? nil : Set(diagnoseConditions)
            let rows = try LDMFlightDiagnosis.run(settings, prepared: prepared, robot: robot, conditions: only)
            let flags = (diagnoseOnly ? " --diagnose-only" : " --diagnose") + diagnoseConditions.map { " --diagnose-condition '\($0)'" }.joined()
            try writeReport("# LDM flight: fallback diagnosis\n\ncommand: \(command)\(flags)\n\n" + LDMFlightDiagnosis.table(rows)
                            + "\n## Where the OOD steps come from\n\n" + LDMFlightDiagnosis.entryTable(rows), name: "diagnosis.md")
        }
    }

    /// Refuses flags that the chosen mode would ignore after minutes of work: two of the modes
    /// that replace the sweep, --save-models without --validate, --diagnose-condition without
    /// --diagnose or --diagnose-only.
    func checkModeFlags() throws {
        let modes = [("--edge-check", !edgeCheck.isEmpty), ("--validate", !validate.isEmpty),
                     ("--validation-flight", validationFlight), ("--diagnose-only", diagnoseOnly)].filter(\.1).map(\.0)
        if modes.count > 1 { throw InputError(modes[1], "replaces the sweep as \(modes[0]) does: give one of them") }
        if saveModels != nil && validate.isEmpty { throw InputError("--save-models", "applies with --validate only") }
        if !diagnoseConditions.isEmpty && !(diagnose || diagnoseOnly) {
            throw InputError("--diagnose-condition", "applies with --diagnose or --diagnose-only")
        }
    }

    /// Validation flights of the candidate overlays (`LDMFlightValidation`).
    func runValidation(settings: LDMFlightSettings, robot: RobotDescription, command: String) throws {
        var candidates: [LDMFlightValidation.Candidate] = []
        for path in validate {
            let v = try LDMFlightSettings.load(configPath: path, base: settings)
            candidates.append(.init(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, settings: v))
        }
        let results = try LDMFlightValidation.run(settings, candidates: candidates, robot: robot, saveModels: saveModels) { print($0) }
        let files = validate.map { " --validate \($0)" }.joined()
        try writeReport(validationHeader(settings, command: command + files)
                        + "A candidate with several rounds is flown after every round.\n\n" + LDMFlightValidation.table(results),
                        name: "validation.md")
    }

    /// Title, command and the validation episodes of a validation report.
    func validationHeader(_ settings: LDMFlightSettings, command: String) -> String {
        let first = settings.validationFirstEpisode
        return "# LDM flight: validation flights\n\ncommand: \(command)\n\nLDM filter at p\(Statistics.format(settings.validationPercentile)), "
            + "episodes \(first)..<\(first + settings.validationEpisodes)\n\n"
    }

    /// Writes a Markdown report into --out (created before any work) and prints it.
    func writeReport(_ text: String, name: String) throws {
        try AtomicFile.write(text, to: out + "/" + name)
        print(text)
    }

    /// The offline edge check: each overlay may change `learning.ldm` only.
    func runEdgeCheck(settings: LDMFlightSettings, robot: RobotDescription, command: String) throws {
        var variants: [LDMFlightEdgeCheck.Variant] = []
        for path in edgeCheck {
            let v = try LDMFlightSettings.load(configPath: path, base: settings)
            var rest = v
            rest.learning.ldm = settings.learning.ldm
            guard rest == settings else { throw ValidationError("--edge-check \(path) may only change learning.ldm") }
            variants.append(.init(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, ldm: v.learning.ldm))
        }
        let results = try LDMFlightEdgeCheck.run(settings, variants: variants, robot: robot) { print($0) }
        let files = edgeCheck.map { " --edge-check \($0)" }.joined()
        try writeReport("# LDM flight: edge check of G\n\ncommand: \(command)\(files)\n\n" + LDMFlightEdgeCheck.table(results),
                        name: "edge-check.md")
    }
}
