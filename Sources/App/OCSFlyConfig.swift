import Autonomy
import Diagnostics
import Rendering

/// Settings of `swiftlet fly --ocs`.
public struct OCSFlyConfig: Sendable {
    /// The policy flown (`--ocs-policy`).
    public var policy: OCSFlyPolicyName = .regression
    /// An `experiment ocs` / `experiment hedging` output directory; nil trains at startup.
    public var models: String?
    /// Settings the OCS policies are trained with (and whose network their checkpoints are
    /// built with); the hedging policies use `hedging`. Both default to the experiments' default presets.
    public var ocs: OCSSettings = .standard
    public var hedging: HedgingSettings = .standard
    /// The camera corruption at the start (a pixel rung and a severity 0...5); keys change both.
    public var rung: OCSRung = .noise
    public var severity = 0
    /// Held-out worlds flown (`WorldCatalog.heldOutSpecs`), as the closed loop's `worlds`.
    public var worlds = 5
    /// Episode time limit, s (the closed loop's 30 s).
    public var episodeTime = 30.0
    /// Episode seeds are the closed loop's for this seed (`OCSClosedLoop.episodeSeed`).
    public var seed: UInt64 = 1
    public var robot = "Robots/cf2x.urdf"
    /// Seconds (simulated) an ended episode stays on screen before the next one starts.
    public var endPause = 2.0

    public init() {}

    /// The camera, primitives and speed of the chosen policy's experiment.
    public var data: OCSDataSettings { policy.arm == nil ? ocs.data : hedging.data }

    /// `--corruption RUNG[:SEVERITY]`: a pixel rung (noise, blur, fog, brightness) and a
    /// severity 0...5 (default 0).
    public static func parseCorruption(_ text: String) throws -> (rung: OCSRung, severity: Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let rungs = OCSFlySimulation.rungs.map(\.rawValue).joined(separator: ", ")
        guard parts.count <= 2, let rung = OCSRung(rawValue: parts[0]), rung.corruption != nil else {
            throw InputError("--corruption", "expected RUNG[:SEVERITY] with RUNG one of \(rungs), got \"\(text)\"")
        }
        guard parts.count == 1 || Int(parts[1]).map({ (0...ImageCorruption.maxSeverity).contains($0) }) == true else {
            throw InputError("--corruption", "severity must be an integer in 0...\(ImageCorruption.maxSeverity), got \"\(parts[1])\"")
        }
        return (rung, parts.count == 2 ? Int(parts[1])! : 0)
    }
}
