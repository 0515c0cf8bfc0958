import Diagnostics
import Foundation
import Models

/// Settings of the LDM flight experiment (`swiftlet experiment ldm`, issue 10). SI units, angles
/// in radians. Every key of a config file is optional and overlays the chosen preset
/// (`LDMFlightSettings.load(configPath:base:)`).
public struct LDMFlightSettings: Sendable, Equatable, Codable {
    // the true vehicle
    /// Robot file (relative paths resolve against the working directory).
    public var robot = "Robots/cf2x.urdf"
    /// Physics rate (Hz) and control rate (Hz); one action is held for physicsRate / controlRate steps.
    public var physicsRate = 500.0
    public var controlRate = 10.0
    /// Altitude the near-hover altitude hold keeps (m).
    public var referenceAltitude = 0.3
    /// Altitude hold: collective thrust = m (g + altitudeP (z_ref - z) - altitudeD v_z), with no
    /// 1/cos(tilt) compensation (s^-2, s^-1).
    public var altitudeP = 4.0
    public var altitudeD = 3.0
    /// What the action commands: tilt setpoints (`.tilt`, the first formulation) or tilt rates
    /// integrated into the setpoint (`.tiltRate`, the `momentum` preset).
    public var actionMode = LDMFlightActionMode.tilt
    /// Action box: roll and pitch setpoints within +-maxTiltCommand (rad; 60 deg). In
    /// `.tiltRate` mode the integrated setpoint is clamped to it.
    public var maxTiltCommand = 1.0472
    /// `.tiltRate` mode: action box +-maxTiltRate (rad/s) for the roll and pitch rates.
    public var maxTiltRate = 1.0
    /// `.tiltRate` mode: time constant (s) of the exploration policy's smooth rate command
    /// towards its tilt target (`LDMFlightPlant.rateCommand(towards:tau:)`).
    public var dataRateTau = 0.25
    /// `.tiltRate` mode: per-step Gaussian noise (std, inside the tanh) on that rate command, so
    /// the data also covers jerky rate sequences such as a sampling planner flies.
    public var dataRateNoise = 1.0
    /// Crash: tilt beyond this (rad; 70 deg), or the body below `groundClearance` (m).
    public var crashTilt = 1.2217
    public var groundClearance = 0.03

    // the data region
    /// Training pairs keep states with horizontal speed <= dataSpeed (m/s) and tilt <= dataTilt
    /// (rad; 15 deg); exploration commands stay within +-dataTilt.
    public var dataSpeed = 1.0
    public var dataTilt = 0.2618
    /// Training pairs collected.
    public var dataPairs = 20000
    /// Steps per exploration episode.
    public var dataEpisodeSteps = 100
    /// Exploration: an Ornstein-Uhlenbeck horizontal acceleration (sigma m/s^2, time constant s)
    /// plus braking -dataBraking * v (1/s), turned into tilt setpoints.
    public var dataNoise = 2.5
    public var dataNoiseTime = 0.5
    public var dataBraking = 2.0

    // learned parts
    /// The LDM samples actions (training pairs and the min over a') within +-ldmActionLimit
    /// (rad; 22.5 deg), not the planner's whole box: the minimising a' lies in the data's
    /// action region, and uniform samples over a box 16 times its area miss it often enough to
    /// bias G up by many nats. Candidates outside have E above the cap, so G >= E rejects them.
    public var ldmActionLimit = 0.3927
    public var dynamics = LDMFlightDynamicsModel.Settings()
    public var learning: LDMExperimentSettings = {
        var l = LDMExperimentSettings()
        l.ldm.candidateActions = 32
        l.capAboveOODLevel = 10
        return l
    }()

    /// Fallback when no candidate is admissible (nats): 0 = argmin of the constraint (the
    /// paper's rule); > 0 = lowest task cost among the candidates whose constraint value is
    /// within this margin of the minimum (same rule for both filters; `LDMFlightConstraint`).
    public var fallbackMargin = 0.0
    /// Steps of each candidate's learned-model rollout the filters check (1 = the first action,
    /// the paper's filter; k > 1: max over t < k of G(s_t, a_t), or of -log p for greedy).
    public var constraintSteps = 1
    /// What flies when no candidate is admissible: `.argmin` (default, the paper's rule) or
    /// `.recovery`, the argmin over the candidates of the backup unrolled `fallbackSteps` steps
    /// along each plan through the learned dynamics, max(E(s_0, a_0), ..., E(s_{k-1}, a_{k-1}),
    /// G(s_k, a_k)) (E in place of G for greedy; same rule for both filters;
    /// `LDMFlightConstraint`). A flight-time setting: it does not change the learned pieces (the
    /// visit rounds collect with the paper's argmin), so saved models serve every rule.
    /// `.recoveryInData` is `.recovery` among the candidates whose first action is in the data
    /// (log p at or above the OOD level) when there are any.
    public var fallbackRule = LDMFlightFallbackRule.argmin
    /// Steps k of the recovery fallback (1 ..< horizon); unused with `.argmin`.
    public var fallbackSteps = 3
    /// Rounds of training G also on the states the LDM filter visits (0 = the data states only):
    /// each round flies the LDM filter at every level for `ldmVisitEpisodes` episodes (indices
    /// from 100,000, never the sweep's), appends the visited compact states to G's training
    /// states and trains G again; the density and the dynamics stay fitted on the data.
    public var ldmVisitRounds = 0
    public var ldmVisitEpisodes = 25
    /// The filter levels (percentiles of `learning.percentiles`) whose LDM episodes collect the
    /// visited states; empty = every level.
    public var ldmVisitPercentiles: [Double] = []

    // validation flights (`LDMFlightValidation`): choosing between variants without the sweep's
    /// episodes. The LDM filter at `validationPercentile` (one of `learning.percentiles`) flies `validationEpisodes` episodes from
    /// index `validationFirstEpisode`, disjoint from the sweep's (0..<episodes) and from every
    /// visit round's (100,000 + 10,000 x round + 0..<ldmVisitEpisodes).
    public var validationEpisodes = 50
    public var validationFirstEpisode = 200_000
    public var validationPercentile = 10.0

    // the task and the sweep
    /// Goal distance (m) in a random horizontal direction per episode: far and tempting.
    public var goalDistance = 30.0
    /// Episodes per condition and control steps per episode.
    public var episodes = 100
    public var steps = 60
    /// Random-shooting MPC: horizon (control steps) and candidates per tick.
    public var horizon = 10
    public var samples = 1024
    /// Task cost: mean distance to the goal / goalDistance along the model rollout, plus
    /// altitudeWeight * (minimumAltitude - z)+ per step (m^-1, m).
    public var minimumAltitude = 0.15
    public var altitudeWeight = 20.0
    /// Start: hover at the reference altitude with a horizontal velocity of at most startSpeed (m/s).
    public var startSpeed = 0.5
    /// Worker threads for episodes (results do not depend on it).
    public var threads = 2
    public var seed: UInt64 = 1

    public init() {}

    /// The default experiment (about 10-20 minutes on the shared 2-core machine).
    public static var standard: LDMFlightSettings { LDMFlightSettings() }

    /// A quick end-to-end check (about a minute).
    public static var smoke: LDMFlightSettings {
        var s = LDMFlightSettings()
        s.dataPairs = 4000
        s.dynamics.steps = 1500
        s.learning.ldm.steps = 1500
        s.learning.percentiles = [5, 25]
        s.episodes = 6
        s.steps = 30
        s.samples = 256
        return s
    }

    /// The formulation with momentum out of the data (docs/ldm.md, "In flight"): tilt-rate
    /// actions within +-maxTiltRate (1 rad/s), so the tilt, and the acceleration it causes,
    /// cannot be reversed within a step; the LDM samples the whole rate box (the data covers it)
    /// and trains longer.
    public static var momentum: LDMFlightSettings {
        var s = LDMFlightSettings()
        s.actionMode = .tiltRate
        s.learning.ldm.steps = 15000
        return s
    }

    /// `momentum` with half the tilt-rate authority (0.5 rad/s): winding a 15 deg tilt back
    /// takes 0.52 s, about 5 control steps, instead of 2.6, so the vehicle commits to its tilt
    /// for longer than a 3-step look-ahead sees, while the 10-step (1 s) plan still covers the
    /// braking (docs/ldm.md, "Longer commitment"). Data, model, density and LDM are learned for it.
    public static var momentumSlow: LDMFlightSettings {
        var s = momentum
        s.maxTiltRate = 0.5
        return s
    }

    /// The presets by their command-line names (`--preset` of `experiment ldm`, `--ldm-preset`
    /// of `fly`), in the order the help lists them.
    public static let presetNames = ["default", "momentum", "momentum-slow", "smoke", "momentum-smoke"]

    /// The preset called `name` (one of `presetNames`), or nil.
    public static func preset(named name: String) -> LDMFlightSettings? {
        switch name {
        case "default": .standard
        case "momentum": .momentum
        case "momentum-slow": .momentumSlow
        case "smoke": .smoke
        case "momentum-smoke": .momentumSmoke
        default: nil
        }
    }

    /// `momentum` at the size of `smoke`.
    public static var momentumSmoke: LDMFlightSettings {
        var s = smoke
        s.actionMode = .tiltRate
        return s
    }

    /// Half-width of the planner's action box: tilt (rad) or tilt rate (rad/s) by `actionMode`.
    public var actionLimit: Double { actionMode == .tilt ? maxTiltCommand : maxTiltRate }

    /// Half-width of the LDM's action box: `ldmActionLimit` (rad) in `.tilt` mode, where the
    /// data's actions cover a small part of the planner's box; the whole rate box in `.tiltRate`
    /// mode, which the data's actions cover.
    public var ldmActionBox: Double { actionMode == .tilt ? ldmActionLimit : maxTiltRate }

    /// Control period (s).
    public var controlPeriod: Double { 1 / controlRate }

    /// Checks ranges; throws `InputError` naming the setting.
    public func validate(source: String = "settings") throws {
        let need = SettingsRangeCheck(source: source, prefix: "")
        try need.counts(["episodes": episodes, "steps": steps, "horizon": horizon, "samples": samples, "dataPairs": dataPairs,
                         "dataEpisodeSteps": dataEpisodeSteps, "threads": threads, "validationEpisodes": validationEpisodes,
                         "constraintSteps": constraintSteps, "fallbackSteps": fallbackSteps, "dynamics.steps": dynamics.steps,
                         "dynamics.batchSize": dynamics.batchSize])
        try need(validationFirstEpisode <= SettingsRangeCheck.maxElements, "validationFirstEpisode", validationFirstEpisode)
        try need(physicsRate > 0 && controlRate > 0 && physicsRate >= controlRate, "controlRate", controlRate)
        // physics steps per control step become an Int
        try need(physicsRate / controlRate <= 100_000, "physicsRate", "\(physicsRate) Hz is more than 100000 physics steps per control step")
        try need(referenceAltitude > groundClearance, "referenceAltitude", referenceAltitude)
        try need(maxTiltCommand > 0 && maxTiltCommand < 1.5, "maxTiltCommand", maxTiltCommand)
        try need(dataTilt > 0 && dataTilt <= maxTiltCommand, "dataTilt", dataTilt)
        try need(dataSpeed > 0, "dataSpeed", dataSpeed)
        try need(maxTiltRate > 0 && maxTiltRate.isFinite, "maxTiltRate", maxTiltRate)
        try need(dataRateTau > 0 && dataRateTau.isFinite, "dataRateTau", dataRateTau)
        try need(dataRateNoise >= 0 && dataRateNoise.isFinite, "dataRateNoise", dataRateNoise)
        try need(constraintSteps >= 1 && constraintSteps <= horizon, "constraintSteps", constraintSteps)
        try need(fallbackMargin >= 0 && fallbackMargin.isFinite, "fallbackMargin", fallbackMargin)
        if fallbackRule != .argmin {
            try need(fallbackSteps >= 1 && fallbackSteps < horizon, "fallbackSteps", fallbackSteps)
            // one fallback rule at a time: the margin fallback re-ranks by the task cost
            try need(fallbackMargin == 0, "fallbackRule", "recovery with fallbackMargin \(fallbackMargin) (use one of them)")
        }
        try need((0...5).contains(ldmVisitRounds), "ldmVisitRounds", ldmVisitRounds)
        try need(ldmVisitEpisodes >= 1 && ldmVisitEpisodes <= 10_000, "ldmVisitEpisodes", ldmVisitEpisodes)
        try need(ldmVisitPercentiles.allSatisfy { learning.percentiles.contains($0) }, "ldmVisitPercentiles", ldmVisitPercentiles)
        try need(validationPercentile > 0 && validationPercentile < 100, "validationPercentile", validationPercentile)
        try need(validationEpisodes >= 1, "validationEpisodes", validationEpisodes)
        // [first, first + n) disjoint from the sweep's [0, episodes) and the visit rounds' indices
        func overlaps(_ lo: Int, _ hi: Int) -> Bool { validationFirstEpisode < hi && validationFirstEpisode + validationEpisodes > lo }
        let visits = LDMFlightExperiment.visitEpisodeBase
        try need(validationFirstEpisode >= 0 && !overlaps(0, episodes) && !overlaps(visits, visits + 10_000 * 6),
                 "validationFirstEpisode", validationFirstEpisode)
        try need(ldmActionLimit > 0 && ldmActionLimit <= maxTiltCommand, "ldmActionLimit", ldmActionLimit)
        try need(dataPairs >= 200, "dataPairs", dataPairs)
        try need(dataEpisodeSteps > 0, "dataEpisodeSteps", dataEpisodeSteps)
        try need(episodes > 0, "episodes", episodes)
        try need(steps > 0, "steps", steps)
        try need(horizon > 0, "horizon", horizon)
        try need(samples > 1, "samples", samples)
        try need(goalDistance > 0, "goalDistance", goalDistance)
        try need(threads > 0, "threads", threads)
        try need(!learning.percentiles.isEmpty && learning.percentiles.allSatisfy { $0 > 0 && $0 < 100 }, "learning.percentiles",
                 learning.percentiles)
        try need(dynamics.steps > 0 && dynamics.batchSize > 0 && !dynamics.hidden.isEmpty, "dynamics", dynamics.steps)
        try need(dynamics.heldOutFraction >= 0 && dynamics.heldOutFraction < 0.5, "dynamics.heldOutFraction", dynamics.heldOutFraction)
    }

    /// Optional keys that are absent from the encoded settings when nil.
    static let optionalKeys: Set<String> = ["learning.ldm.energyCap", "learning.capAboveOODLevel"]

    /// `base` overlaid with the JSON object in `data` (keys at any depth; unknown keys rejected;
    /// `ConfigFile.overlay`), validated unless `validate` is false.
    public static func overlay(_ base: LDMFlightSettings, json data: Data, source: String, validate: Bool = true) throws -> LDMFlightSettings {
        let s = try ConfigFile.overlay(base, json: data, source: source, optionalKeys: optionalKeys)
        if validate { try s.validate(source: source) }
        return s
    }

    /// `base` overlaid with the config file at `configPath`.
    public static func load(configPath: String, base: LDMFlightSettings) throws -> LDMFlightSettings {
        try overlay(base, json: try ConfigFile.read(configPath), source: configPath)
    }
}
