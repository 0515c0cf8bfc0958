import Foundation

/// Losses, each returning the mean over elements (or rows) as a scalar node.
extension Graph {
    /// Binary cross-entropy on logits, numerically stable, with a weight on positive targets:
    /// mean of (1 - t) x + (1 + (w - 1) t) (log(1 + e^-|x|) + max(-x, 0)).
    /// `targets` has the logits' shape, values in [0, 1]; `mask` (same shape, optional) weights
    /// each element and the mean is over the mask's sum.
    public func sigmoidCrossEntropy(_ logits: Var, targets: Var, positiveWeight: Float = 1, mask: Var? = nil) -> Var {
        precondition(shape(logits) == shape(targets), "sigmoidCrossEntropy: logits \(shape(logits)) vs targets \(shape(targets))")
        if let mask { precondition(shape(mask) == shape(logits), "sigmoidCrossEntropy: mask shape \(shape(mask))") }
        let n = count(logits), xp = ptr(logits), tp = ptr(targets), mp = mask.map(ptr)
        var denom: Float = 0
        if let mp { for i in 0..<n { denom += mp[i] } } else { denom = Float(n) }
        denom = Swift.max(denom, 1e-12)
        let y = make([], needsGrad: needsGrad(logits))
        var total: Double = 0
        for i in 0..<n {
            let x = xp[i], t = tp[i], w = 1 + (positiveWeight - 1) * t
            let l = (1 - t) * x + w * (log1pf(expf(-Swift.abs(x))) + Swift.max(-x, 0))
            total += Double(l * (mp?[i] ?? 1))
        }
        ptr(y)[0] = Float(total) / denom
        onBackward(y) { [logits = logits.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(logits), s = gy[0] / denom
            for i in 0..<n {
                let x = xp[i], t = tp[i], w = 1 + (positiveWeight - 1) * t
                gx[i] += s * (mp?[i] ?? 1) * ((1 - t) - w * stableSigmoid(-x))
            }
        }
        return y
    }

    /// Softmax cross-entropy of logits [N, C] against class indices, mean over rows.
    public func softmaxCrossEntropy(_ logits: Var, labels: [Int]) -> Var {
        let s = shape(logits)
        precondition(s.count == 2 && s[0] == labels.count, "softmaxCrossEntropy: logits \(s) for \(labels.count) labels")
        let (rows, c) = (s[0], s[1])
        let prob = scratchBuffer(rows * c), xp = ptr(logits)
        var total: Double = 0
        for r in 0..<rows {
            precondition(labels[r] >= 0 && labels[r] < c, "label \(labels[r]) outside 0..<\(c)")
            let a = xp + r * c
            let (m, z) = Graph.softmaxRow(a, into: prob + r * c, count: c)
            total += Double(m + logf(z) - a[labels[r]])
        }
        let y = make([], needsGrad: needsGrad(logits))
        ptr(y)[0] = Float(total / Double(Swift.max(rows, 1)))
        onBackward(y) { [logits = logits.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(logits), s = gy[0] / Float(Swift.max(rows, 1))
            for r in 0..<rows {
                for j in 0..<c { gx[r * c + j] += s * (prob[r * c + j] - (j == labels[r] ? 1 : 0)) }
            }
        }
        return y
    }

    /// Mean squared error.
    public func mse(_ prediction: Var, _ target: Var) -> Var { mean(square(sub(prediction, target))) }

    /// Gaussian negative log-likelihood with predicted mean and log-variance, mean over elements:
    /// 0.5 (logVar + (t - mean)^2 e^-logVar + log 2 pi).
    public func gaussianNLL(mean mu: Var, logVariance lv: Var, target: Var) -> Var {
        let r = sub(target, mu)
        let term = add(lv, mul(square(r), exp(scale(lv, -1))))
        return affine(mean(term), scale: 0.5, shift: 0.5 * logf(2 * Float.pi))
    }
}
