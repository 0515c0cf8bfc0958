import Foundation
import Geometry

/// LSTM cell (PyTorch gate order i, f, g, o), unrolled by `callAsFunction` over a horizon.
/// Parameters "<name>.wx" [4H, in], "<name>.wh" [4H, H], "<name>.bias" [4H] (forget gate bias 1).
public struct LSTM: Sendable {
    public var name: String
    public var inputs: Int
    public var hidden: Int

    /// Hidden and cell state, each [N, H].
    public struct State { public var h: Var; public var c: Var
        public init(h: Var, c: Var) { self.h = h; self.c = c }
    }

    public init(_ name: String, inputs: Int, hidden: Int) { self.name = name; self.inputs = inputs; self.hidden = hidden }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        let h = hidden
        parameters[name + ".wx"] = Initializer.glorotUniform.make([4 * h, inputs], fanIn: inputs, fanOut: h, rng: &rng)
        parameters[name + ".wh"] = Initializer.orthogonal(gain: 1).make([4 * h, h], fanIn: h, fanOut: h, rng: &rng)
        var b = Tensor(shape: [4 * h])
        for j in h..<(2 * h) { b.data[j] = 1 }
        parameters[name + ".bias"] = b
    }

    /// Zero state for a batch of `n`.
    public func zeroState(batch n: Int, on g: Graph) -> State {
        State(h: g.input(Tensor(shape: [n, hidden])), c: g.input(Tensor(shape: [n, hidden])))
    }

    /// One step: x [N, in] and the previous state -> the next state.
    public func step(_ x: Var, _ s: State) -> State {
        let g = x.graph
        let z = g.add(g.linear(x, g.param(name + ".wx"), g.param(name + ".bias")), g.linear(s.h, g.param(name + ".wh"), nil))
        let (h, c) = g.lstmCell(gates: z, cell: s.c)
        return State(h: h, c: c)
    }

    /// Runs the cell over `xs` (one [N, in] per step) from `initial` (zeros if nil); returns the
    /// hidden output of every step and the final state.
    public func callAsFunction(_ xs: [Var], initial: State? = nil) -> (outputs: [Var], final: State) {
        precondition(!xs.isEmpty, "LSTM over an empty sequence")
        var s = initial ?? zeroState(batch: xs[0].shape[0], on: xs[0].graph)
        var out: [Var] = []
        for x in xs { s = step(x, s); out.append(s.h) }
        return (out, s)
    }
}

/// GRU cell (PyTorch formulation, gates r, z, n), unrolled over a horizon.
/// Parameters "<name>.wx" [3H, in], "<name>.wh" [3H, H], "<name>.bx" [3H], "<name>.bh" [3H].
public struct GRU: Sendable {
    public var name: String
    public var inputs: Int
    public var hidden: Int

    public init(_ name: String, inputs: Int, hidden: Int) { self.name = name; self.inputs = inputs; self.hidden = hidden }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        let h = hidden
        parameters[name + ".wx"] = Initializer.glorotUniform.make([3 * h, inputs], fanIn: inputs, fanOut: h, rng: &rng)
        parameters[name + ".wh"] = Initializer.orthogonal(gain: 1).make([3 * h, h], fanIn: h, fanOut: h, rng: &rng)
        parameters[name + ".bx"] = Tensor(shape: [3 * h])
        parameters[name + ".bh"] = Tensor(shape: [3 * h])
    }

    /// One step: x [N, in], h [N, H] -> next h.
    public func step(_ x: Var, _ hPrev: Var) -> Var {
        let g = x.graph, h = hidden
        let a = g.linear(x, g.param(name + ".wx"), g.param(name + ".bx"))
        let b = g.linear(hPrev, g.param(name + ".wh"), g.param(name + ".bh"))
        let r = g.sigmoid(g.add(g.slice(a, axis: 1, start: 0, length: h), g.slice(b, axis: 1, start: 0, length: h)))
        let z = g.sigmoid(g.add(g.slice(a, axis: 1, start: h, length: h), g.slice(b, axis: 1, start: h, length: h)))
        let n = g.tanh(g.add(g.slice(a, axis: 1, start: 2 * h, length: h),
                             g.mul(r, g.slice(b, axis: 1, start: 2 * h, length: h))))
        // h' = (1 - z) n + z h = n + z (h - n)
        return g.add(n, g.mul(z, g.sub(hPrev, n)))
    }

    /// Runs over `xs` from `initial` (zeros if nil); returns every step's hidden state.
    public func callAsFunction(_ xs: [Var], initial: Var? = nil) -> [Var] {
        precondition(!xs.isEmpty, "GRU over an empty sequence")
        let g = xs[0].graph
        var h = initial ?? g.input(Tensor(shape: [xs[0].shape[0], hidden]))
        var out: [Var] = []
        for x in xs { h = step(x, h); out.append(h) }
        return out
    }
}
