import Geometry

/// A discrete-time linear system `x_{t+1} = A x_t + B u_t + w_t` (A: nx x nx, B: nx x nu).
public struct LinearSystem: Sendable, Equatable {
    public var a: Matrix
    public var b: Matrix

    public init(a: Matrix, b: Matrix) {
        precondition(a.isSquare && b.rows == a.rows, "LinearSystem needs A nx x nx and B nx x nu")
        self.a = a
        self.b = b
    }

    public var stateDim: Int { a.rows }
    public var inputDim: Int { b.cols }

    /// The closed loop `A + B K` of the state feedback `u = K x`.
    public func closedLoop(_ k: Matrix) -> Matrix { a + b * k }

    /// Expert demonstrations: trajectories of `trajectoryLength` steps of the noisy expert
    /// `u_t = K x_t + z_t` acting on the system (`x_0 ~ N(0, initialStd^2 I)`,
    /// `w_t ~ N(0, processStd^2 I)`, `z_t ~ N(0, inputStd^2 I)`; the recorded label is the
    /// applied `u_t`), one sample (x_t, u_t) per step. Returns the moments of the first
    /// `checkpoints[i]` samples for each (ascending) checkpoint: nested data sets.
    public func demonstrations(expert k: Matrix, checkpoints: [Int], trajectoryLength: Int, initialStd: Double,
                               processStd: Double, inputStd: Double, rng: inout RNG) -> [SecondMoments] {
        precondition(trajectoryLength >= 1 && checkpoints == checkpoints.sorted() && (checkpoints.first ?? 1) >= 0,
                     "demonstrations needs ascending checkpoints and trajectories of at least one step")
        let nx = stateDim, nu = inputDim
        var m = SecondMoments(stateDim: nx, inputDim: nu)
        var out: [SecondMoments] = []
        var x = [Double](repeating: 0, count: nx)
        var next = 0
        while next < checkpoints.count && checkpoints[next] == 0 { out.append(m); next += 1 }
        var step = trajectoryLength
        while next < checkpoints.count {
            if step == trajectoryLength {
                for i in 0..<nx { x[i] = initialStd * rng.normal() }
                step = 0
            }
            var u = k.apply(x)
            for i in 0..<nu { u[i] += inputStd * rng.normal() }
            m.add(x: x, u: u)
            var y = a.apply(x)
            let bu = b.apply(u)
            for i in 0..<nx { y[i] += bu[i] + processStd * rng.normal() }
            x = y
            step += 1
            while next < checkpoints.count && checkpoints[next] == m.count { out.append(m); next += 1 }
        }
        return out
    }

    /// The imitation gap of each learned gain against the expert: the mean over `rollouts`
    /// rollouts and steps t = 1...horizon of `|x_t^learned - x_t^expert|^2`, where all closed
    /// loops start from the same `x_0 ~ N(0, initialStd^2 I)` and see the same process noise
    /// `w_t ~ N(0, processStd^2 I)` (noise-free actions). A gain equal to the expert's gives 0.
    public func imitationGap(expert: Matrix, learned: [Matrix], rollouts: Int, horizon: Int, initialStd: Double,
                             processStd: Double, rng: inout RNG) -> [Double] {
        let nx = stateDim
        let expertLoop = closedLoop(expert)
        let loops = learned.map { closedLoop($0) }
        var sums = [Double](repeating: 0, count: learned.count)
        var w = [Double](repeating: 0, count: nx)
        for _ in 0..<rollouts {
            var xe = (0..<nx).map { _ in initialStd * rng.normal() }
            var xs = [[Double]](repeating: xe, count: learned.count)
            for _ in 0..<horizon {
                for i in 0..<nx { w[i] = processStd * rng.normal() }
                xe = expertLoop.apply(xe)
                for i in 0..<nx { xe[i] += w[i] }
                for j in 0..<loops.count {
                    var y = loops[j].apply(xs[j])
                    var d = 0.0
                    for i in 0..<nx {
                        y[i] += w[i]
                        let e = y[i] - xe[i]
                        d += e * e
                    }
                    sums[j] += d
                    xs[j] = y
                }
            }
        }
        return sums.map { $0 / Double(rollouts * horizon) }
    }
}
