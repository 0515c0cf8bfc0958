import Foundation
import Geometry
import Neural

/// Autoregressive token policy of the pre-memorisation task (docs/premem.md): an MLP reads
/// [query features (Q), one-hot previous token (K + 1; the last slot = start of sequence),
/// one-hot step index (S), cos and sin of the heading change so far] and gives K logits for
/// the next token. The heading change is the sum of the previous tokens' turns
/// (`tokenTurn[k]` rad each), a scratchpad the model could compute itself from its own outputs.
public struct PreMemSequencePolicy: Sendable {
    public let queryDim: Int
    public let tokens: Int
    public let steps: Int
    public let width: Int
    /// Heading change of one step with each token, rad.
    public let tokenTurn: [Double]
    let fc0: Dense, fc1: Dense, out: Dense

    public init(queryDim: Int, tokens: Int, steps: Int, width: Int, tokenTurn: [Double]) {
        precondition(queryDim >= 1 && tokens >= 2 && steps >= 1 && width >= 1 && tokenTurn.count == tokens, "bad PreMemSequencePolicy shape")
        self.queryDim = queryDim
        self.tokens = tokens
        self.steps = steps
        self.width = width
        self.tokenTurn = tokenTurn
        let inputs = queryDim + tokens + 1 + steps + 2
        fc0 = Dense("premem.fc0", inputs, width, activation: .relu)
        fc1 = Dense("premem.fc1", width, width, activation: .relu)
        out = Dense("premem.out", width, tokens)
    }

    /// Width of one feature row.
    public var inputDim: Int { queryDim + tokens + 1 + steps + 2 }

    public func initialize(_ p: inout Parameters, rng: inout RNG) {
        fc0.initialize(&p, rng: &rng)
        fc1.initialize(&p, rng: &rng)
        out.initialize(&p, rng: &rng)
    }

    /// features [N, inputDim] -> logits [N, tokens].
    public func logits(_ x: Var) -> Var { out(fc1(fc0(x))) }

    /// Writes the feature row of step `step` (0-based) after `previous` tokens (nil at the start)
    /// with accumulated heading change `turn` rad into `row` (inputDim floats).
    public func writeFeatures(query: UnsafeBufferPointer<Float>, previous: Int?, step: Int, turn: Double,
                              into row: UnsafeMutableBufferPointer<Float>) {
        precondition(query.count == queryDim && row.count == inputDim && step >= 0 && step < steps, "bad feature row")
        for k in 0..<row.count { row[k] = 0 }
        for k in 0..<queryDim { row[k] = query[k] }
        row[queryDim + (previous ?? tokens)] = 1
        row[queryDim + tokens + 1 + step] = 1
        row[inputDim - 2] = Float(cos(turn))
        row[inputDim - 1] = Float(sin(turn))
    }

    /// Teacher-forced feature rows of whole sequences: [examples * steps, inputDim], example-major.
    public func teacherForcedFeatures(queries: [[Float]], targets: [[Int]]) -> Tensor {
        precondition(queries.count == targets.count, "one target per query")
        let d = inputDim
        var data = [Float](repeating: 0, count: queries.count * steps * d)
        data.withUnsafeMutableBufferPointer { buf in
            for j in queries.indices {
                precondition(targets[j].count == steps, "targets need \(steps) tokens")
                var turn = 0.0
                queries[j].withUnsafeBufferPointer { q in
                    for t in 0..<steps {
                        let r = (j * steps + t) * d
                        writeFeatures(query: q, previous: t == 0 ? nil : targets[j][t - 1], step: t, turn: turn,
                                      into: UnsafeMutableBufferPointer(rebasing: buf[r..<(r + d)]))
                        turn += tokenTurn[targets[j][t]]
                    }
                }
            }
        }
        return Tensor(shape: [queries.count * steps, d], data: data)
    }

    /// Samples `samplesPerQuery` sequences for each query at `temperature` (0 = greedy), all
    /// sequences advanced together one step at a time. Result [queries * samplesPerQuery][steps],
    /// query-major. The uniforms are drawn from `rng` in row order at every step.
    public func sample(_ parameters: Parameters, queries: [[Float]], samplesPerQuery: Int, temperature: Double,
                       rng: inout RNG) -> [[Int]] {
        let rows = queries.count * samplesPerQuery
        if rows == 0 { return [] }
        let d = inputDim
        let g = Graph(parameters: parameters, recording: false)
        var seqs = [[Int]](repeating: [], count: rows)
        var turn = [Double](repeating: 0, count: rows)
        var x = [Float](repeating: 0, count: rows * d)
        for t in 0..<steps {
            x.withUnsafeMutableBufferPointer { buf in
                for r in 0..<rows {
                    queries[r / samplesPerQuery].withUnsafeBufferPointer { q in
                        writeFeatures(query: q, previous: t == 0 ? nil : seqs[r][t - 1], step: t, turn: turn[r],
                                      into: UnsafeMutableBufferPointer(rebasing: buf[(r * d)..<((r + 1) * d)]))
                    }
                }
            }
            g.reset()
            let y = logits(g.input(Tensor(shape: [rows, d], data: x)))
            g.withValue(y) { l in
                for r in 0..<rows {
                    let k = PreMemSampling.sample(UnsafeBufferPointer(rebasing: l[(r * tokens)..<((r + 1) * tokens)]),
                                                  temperature: temperature, rng: &rng)
                    seqs[r].append(k)
                    turn[r] += tokenTurn[k]
                }
            }
        }
        return seqs
    }

    /// Per-example negative log-likelihood of the targets (summed over steps, nats) from
    /// teacher-forced features (`teacherForcedFeatures`).
    public func targetNLL(_ parameters: Parameters, features: Tensor, targets: [[Int]]) -> [Double] {
        let g = Graph(parameters: parameters, recording: false)
        let lp = g.logSoftmax(logits(g.input(features)))
        var nll = [Double](repeating: 0, count: targets.count)
        g.withValue(lp) { v in
            for j in targets.indices {
                for t in 0..<steps { nll[j] -= Double(v[(j * steps + t) * tokens + targets[j][t]]) }
            }
        }
        return nll
    }

    /// Per-example perplexity of the target sequence: exp(mean over steps of -log p(target token)).
    public func targetPerplexity(_ parameters: Parameters, features: Tensor, targets: [[Int]]) -> [Double] {
        targetNLL(parameters, features: features, targets: targets).map { exp($0 / Double(steps)) }
    }
}
