import Foundation

/// A density p(x) over (state, action) vectors x = [s, a] of a fixed `dimension`: the "where the
/// training data is" model of METHODS.md section 3. The energy is E(x) = -log p(x).
///
/// Evaluation is batched: `count` rows laid out `[count, dimension]` row-major (Float32 or
/// Double), one log-density per row written to `out[0..<count]`. Scratch memory comes from a
/// caller-owned `DensityWorkspace` (one per thread), so a loop that evaluates batches of a
/// bounded size allocates nothing after the first call.
///
/// ```swift
/// let gmm = try GaussianMixture.fit(data, dimension: 3, settings: .init(components: 8), rng: &rng)
/// let ws = DensityWorkspace()
/// gmm.logDensity(batch, count: n, into: out, workspace: ws)   // log p, nats
/// ```
public protocol DensityModel: Sendable {
    /// Length D of each input row ([s, a] concatenated).
    var dimension: Int { get }
    /// Writes log p(x) (natural log) of each of `count` rows of `x` (`[count, dimension]`).
    func logDensity(_ x: UnsafeBufferPointer<Float>, count: Int, into out: UnsafeMutableBufferPointer<Float>,
                    workspace: DensityWorkspace)
    /// Double-precision variant of `logDensity` (same layout).
    func logDensity(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>,
                    workspace: DensityWorkspace)
    /// Writes the model to `path` (format depends on the model: JSON for the mixture,
    /// safetensors + JSON sidecar for the flow).
    func save(to path: String) throws
}

extension DensityModel {
    /// log p of every row of `x` (`[count, dimension]`, count inferred): convenience for tests and
    /// tools (allocates its result).
    public func logDensities(_ x: [Double], workspace: DensityWorkspace = DensityWorkspace()) -> [Double] {
        precondition(x.count % dimension == 0, "logDensities needs a multiple of dimension \(dimension) values")
        let n = x.count / dimension
        var out = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in logDensity(xp, count: n, into: op, workspace: workspace) }
        }
        return out
    }

    /// Float32 convenience variant of `logDensities`.
    public func logDensities(_ x: [Float], workspace: DensityWorkspace = DensityWorkspace()) -> [Float] {
        precondition(x.count % dimension == 0, "logDensities needs a multiple of dimension \(dimension) values")
        let n = x.count / dimension
        var out = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in logDensity(xp, count: n, into: op, workspace: workspace) }
        }
        return out
    }

    /// Mean log-likelihood (nats per sample) of rows `x`.
    public func meanLogLikelihood(_ x: [Double]) -> Double {
        let l = logDensities(x)
        return l.reduce(0, +) / Double(max(l.count, 1))
    }
}

/// Loading saved density models by file format.
public enum DensityModels {
    /// Loads a model written by `save(to:)`: `.json` files are Gaussian mixtures, anything else
    /// a normalizing-flow checkpoint (safetensors).
    public static func load(_ path: String) throws -> any DensityModel {
        if path.hasSuffix(".json") { return try GaussianMixture.load(path) }
        return try RealNVPFlow.load(path)
    }
}
