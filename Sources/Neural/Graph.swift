import Foundation

/// A reverse-mode autodiff tape and the workspace it runs in.
///
/// Build a computation by calling ops on `Var`s (each op computes its value at once and, when
/// recording, appends a backward step), call `backward(loss)`, read `gradients()`, then `reset()`
/// before the next step. Every buffer comes from a pool keyed by size, so a loop that builds the
/// same computation each step allocates nothing after the first step; `Graph(recording: false)`
/// is the inference path (no grads, no closures, same buffer reuse).
///
/// A graph is single-threaded (one per worker); parameters are copied in from a `Parameters`
/// value when first used after `setParameters`.
public final class Graph {
    /// One value on the tape.
    struct Node {
        var shape: [Int]
        var count: Int
        var value: UnsafeMutablePointer<Float>
        var grad: UnsafeMutablePointer<Float>?
        var needsGrad: Bool
        /// The parameter's name when this node is a parameter.
        var param: String?
    }

    /// Whether ops record backward steps (false: inference, no autodiff overhead).
    public let recording: Bool
    /// Train or eval mode (dropout and other train-only behaviour).
    public var training: Bool
    /// Split convolutions over two threads (a fixed split: results are identical either way).
    public var parallel = true
    /// Decides which parameters get gradients; frozen ones are constants on the tape.
    public var trainable: @Sendable (String) -> Bool

    var nodes: [Node] = []
    var backwards: [(Graph) -> Void] = []
    private var pool: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var scratch: [(Int, UnsafeMutablePointer<Float>)] = []
    private var paramBuffers: [String: (shape: [Int], ptr: UnsafeMutablePointer<Float>)] = [:]
    private var paramNodes: [String: Int] = [:]

    /// A graph over `parameters`. `recording: false` gives the inference path.
    public init(parameters: Parameters = Parameters(), recording: Bool = true, training: Bool? = nil,
                trainable: @escaping @Sendable (String) -> Bool = { _ in true }) {
        self.recording = recording
        self.training = training ?? recording
        self.trainable = trainable
        setParameters(parameters)
    }

    deinit {
        reset()
        for (_, list) in pool { for p in list { p.deallocate() } }
        for (_, b) in paramBuffers { b.ptr.deallocate() }
    }

    /// Copies the parameter values into the graph's own buffers (reused while shapes match).
    /// The graph keeps no reference to `p`, so an optimiser can then update `p` in place.
    public func setParameters(_ p: Parameters) {
        for (name, t) in zip(p.names, p.tensors) {
            var buf = paramBuffers[name]
            if buf == nil || buf!.shape != t.shape {
                buf?.ptr.deallocate()
                buf = (shape: t.shape, ptr: .allocate(capacity: Swift.max(t.count, 1)))
                paramBuffers[name] = buf
            }
            t.data.withUnsafeBufferPointer { buf!.ptr.update(from: $0.baseAddress!, count: t.count) }
        }
    }

    /// Frees every node of the current step back to the pool (parameters stay loaded).
    public func reset() {
        for n in nodes {
            if n.param == nil { release(n.value, n.count) }
            if let g = n.grad { release(g, n.count) }
        }
        for (c, p) in scratch { release(p, c) }
        scratch.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        backwards.removeAll(keepingCapacity: true)
        paramNodes.removeAll(keepingCapacity: true)
    }

    // MARK: buffers

    /// Buffers currently owned by the pool or by nodes (constant once a step shape repeats).
    public var allocatedBuffers: Int {
        pool.values.reduce(0) { $0 + $1.count } + nodes.filter { $0.param == nil }.count
            + nodes.filter { $0.grad != nil }.count + scratch.count
    }

    func acquire(_ count: Int) -> UnsafeMutablePointer<Float> {
        if var list = pool[count], let p = list.popLast() {
            pool[count] = list
            return p
        }
        return UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
    }

    func release(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        pool[count, default: []].append(p)
    }

    /// A temporary buffer that lives until `reset()` (im2col columns, masks).
    func scratchBuffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = acquire(count)
        scratch.append((count, p))
        return p
    }

    /// A zero-filled temporary buffer that lives until `reset()`.
    func zeroedScratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = scratchBuffer(count)
        p.initialize(repeating: 0, count: count)
        return p
    }

    // MARK: nodes

    /// A new node with uninitialised value.
    func make(_ shape: [Int], needsGrad: Bool) -> Var {
        let c = Tensor.count(shape)
        nodes.append(Node(shape: shape, count: c, value: acquire(c), grad: nil,
                          needsGrad: recording && needsGrad, param: nil))
        return Var(id: nodes.count - 1, graph: self)
    }

    /// Records a backward step (only when recording and the output needs a gradient).
    func onBackward(_ out: Var, _ step: @escaping (Graph) -> Void) {
        if nodes[out.id].needsGrad { backwards.append(step) }
    }

    @inline(__always) func ptr(_ v: Var) -> UnsafeMutablePointer<Float> { nodes[v.id].value }
    @inline(__always) func shape(_ v: Var) -> [Int] { nodes[v.id].shape }
    @inline(__always) func count(_ v: Var) -> Int { nodes[v.id].count }
    @inline(__always) func needsGrad(_ v: Var) -> Bool { nodes[v.id].needsGrad }
    func grad(_ v: Var) -> UnsafeMutablePointer<Float> { grad(v.id) }
    func gradIfAny(_ v: Var) -> UnsafeMutablePointer<Float>? { nodes[v.id].grad }

    // Backward closures capture node ids, not `Var`s: a `Var` holds its graph strongly, and a
    // closure on the graph's own tape holding one would keep the graph alive forever.
    @inline(__always) func ptr(_ id: Int) -> UnsafeMutablePointer<Float> { nodes[id].value }
    @inline(__always) func shape(_ id: Int) -> [Int] { nodes[id].shape }
    @inline(__always) func needsGrad(_ id: Int) -> Bool { nodes[id].needsGrad }

    /// The gradient buffer of node `id`, created zeroed on first use.
    func grad(_ id: Int) -> UnsafeMutablePointer<Float> {
        if let g = nodes[id].grad { return g }
        let c = nodes[id].count
        let g = acquire(c)
        g.initialize(repeating: 0, count: c)
        nodes[id].grad = g
        return g
    }

    /// The gradient buffer of node `id` for an op that will write every element of it: when
    /// nothing has flowed into it yet, a fresh buffer (not zeroed, `fresh` true: write, do not
    /// add); otherwise the existing one (`fresh` false: add).
    func gradForWrite(_ id: Int) -> (ptr: UnsafeMutablePointer<Float>, fresh: Bool) {
        if let g = nodes[id].grad { return (g, false) }
        let g = acquire(nodes[id].count)
        nodes[id].grad = g
        return (g, true)
    }

    /// The gradient of node `id` if anything flowed into it.
    func gradIfAny(_ id: Int) -> UnsafeMutablePointer<Float>? { nodes[id].grad }

    // MARK: leaves

    /// A constant input (no gradient unless `requiresGrad`).
    public func input(_ t: Tensor, requiresGrad: Bool = false) -> Var {
        let v = make(t.shape, needsGrad: requiresGrad)
        t.data.withUnsafeBufferPointer { ptr(v).update(from: $0.baseAddress!, count: t.count) }
        return v
    }

    /// A constant from a shape and a pointer-filling closure (avoids building a Tensor).
    public func input(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Var {
        let v = make(shape, needsGrad: false)
        fill(UnsafeMutableBufferPointer(start: ptr(v), count: count(v)))
        return v
    }

    /// A constant scalar.
    public func scalar(_ x: Float) -> Var { input(Tensor(scalar: x)) }

    /// The parameter `name` (the same node each time within a step, so gradients accumulate).
    public func param(_ name: String) -> Var {
        if let id = paramNodes[name] { return Var(id: id, graph: self) }
        guard let buf = paramBuffers[name] else {
            preconditionFailure("parameter '\(name)' not in the graph's parameters (initialise the model first)")
        }
        let c = Tensor.count(buf.shape)
        nodes.append(Node(shape: buf.shape, count: c, value: buf.ptr, grad: nil,
                          needsGrad: recording && trainable(name), param: name))
        paramNodes[name] = nodes.count - 1
        return Var(id: nodes.count - 1, graph: self)
    }

    // MARK: reading

    /// A copy of the value of `v`.
    public func value(_ v: Var) -> Tensor {
        let n = nodes[v.id]
        return Tensor(shape: n.shape, data: Array(UnsafeBufferPointer(start: n.value, count: n.count)))
    }

    /// Read-only view of the value of `v` (valid until `reset()`).
    public func withValue<R>(_ v: Var, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        body(UnsafeBufferPointer(start: nodes[v.id].value, count: nodes[v.id].count))
    }

    /// The gradient of `v` after `backward`, zeros if none flowed.
    public func gradient(_ v: Var) -> Tensor {
        let n = nodes[v.id]
        guard let g = n.grad else { return Tensor(shape: n.shape) }
        return Tensor(shape: n.shape, data: Array(UnsafeBufferPointer(start: g, count: n.count)))
    }

    // MARK: backward

    /// Back-propagates from `loss` (a one-element node), seeding d loss / d loss = `seed`.
    public func backward(_ loss: Var, seed: Float = 1) {
        precondition(recording, "backward on a non-recording graph")
        precondition(count(loss) == 1, "backward needs a scalar loss, got shape \(shape(loss))")
        guard needsGrad(loss) else { return }
        grad(loss)[0] += seed
        for step in backwards.reversed() { step(self) }
    }

    /// Calls `body` with the name and gradient of every trainable parameter used this step
    /// (zeros where none flowed), in first-use order, without copying.
    public func forEachGradient(_ body: (String, UnsafeBufferPointer<Float>) -> Void) {
        for (name, id) in paramNodes.sorted(by: { $0.value < $1.value }) where nodes[id].needsGrad {
            body(name, UnsafeBufferPointer(start: grad(Var(id: id, graph: self)), count: nodes[id].count))
        }
    }

    /// Scales the parameter gradients on the graph in place so their global (Euclidean) norm is
    /// at most `maxNorm`; returns the norm before clipping.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float {
        var total: Double = 0
        forEachGradient { _, g in for v in g { total += Double(v) * Double(v) } }
        let norm = Float(total.squareRoot())
        guard norm > maxNorm, norm > 0 else { return norm }
        let s = maxNorm / norm
        for (_, id) in paramNodes where nodes[id].needsGrad {
            let g = grad(Var(id: id, graph: self))
            for i in 0..<nodes[id].count { g[i] *= s }
        }
        return norm
    }

    /// Gradients of every trainable parameter used this step, by name (zeros where none flowed).
    public func gradients() -> Parameters {
        var out = Parameters()
        for (name, id) in paramNodes.sorted(by: { $0.value < $1.value }) where nodes[id].needsGrad {
            out[name] = gradient(Var(id: id, graph: self))
        }
        return out
    }
}
