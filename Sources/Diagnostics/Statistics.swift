import Foundation
import Geometry

/// A two-sided confidence interval around a point estimate.
public struct ConfidenceInterval: Sendable, Equatable, CustomStringConvertible {
    /// The point estimate (mean, proportion, statistic on the full sample).
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// Coverage, e.g. 0.95.
    public var level: Double

    public init(estimate: Double, lower: Double, upper: Double, level: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// Half the width (for "x +- h" displays of symmetric intervals).
    public var halfWidth: Double { (upper - lower) / 2 }

    /// Whether two intervals share no point (the "non-overlapping CIs" claim of the experiments).
    public func isDisjoint(from other: ConfidenceInterval) -> Bool { upper < other.lower || other.upper < lower }

    /// "estimate [lower, upper]" with `digits` significant digits.
    public func formatted(digits: Int = 3) -> String {
        "\(Statistics.format(estimate, digits: digits)) [\(Statistics.format(lower, digits: digits)), \(Statistics.format(upper, digits: digits))]"
    }

    public var description: String { formatted() }
}

/// A least-squares line `y = intercept + slope * x`.
public struct LinearFit: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    /// Coefficient of determination 1 - SS_res / SS_tot (1 when y is constant and fitted exactly).
    public var rSquared: Double
    /// Standard error of the slope (NaN for fewer than 3 points).
    public var slopeStandardError: Double
    /// Points used.
    public var count: Int

    /// Predicted y at x.
    public func predict(_ x: Double) -> Double { intercept + slope * x }

    /// Student-t confidence interval of the slope (df = n - 2).
    public func slopeInterval(level: Double = 0.95) -> ConfidenceInterval {
        let t = count > 2 ? Statistics.studentTQuantile(0.5 + level / 2, degreesOfFreedom: Double(count - 2)) : .nan
        return ConfidenceInterval(estimate: slope, lower: slope - t * slopeStandardError,
                                  upper: slope + t * slopeStandardError, level: level)
    }
}

/// Small-sample statistics for experiment reports: summaries, confidence intervals, rank
/// correlation, regression and AUROC. Everything is deterministic (bootstrap takes an `RNG`),
/// works on `[Double]`, and documents its convention (see docs/statistics.md).
///
/// ```swift
/// let ci = Statistics.meanInterval(distances)              // Student t, 95 %
/// let p = Statistics.wilsonInterval(successes: 41, trials: 50)
/// let rho = Statistics.spearman(severity, distanceToOCS)
/// ```
public enum Statistics {
    // MARK: summaries

    /// Arithmetic mean (NaN for an empty sample).
    public static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        var s = 0.0
        for v in x { s += v }
        return s / Double(x.count)
    }

    /// Unbiased sample variance (divisor n - 1; NaN for n < 2). Two-pass for accuracy.
    public static func variance(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        let m = mean(x)
        var s = 0.0
        for v in x { s += (v - m) * (v - m) }
        return s / Double(x.count - 1)
    }

    /// Sample standard deviation (divisor n - 1).
    public static func standardDeviation(_ x: [Double]) -> Double { variance(x).squareRoot() }

    /// Standard error of the mean, s / sqrt(n).
    public static func standardError(_ x: [Double]) -> Double { standardDeviation(x) / Double(x.count).squareRoot() }

    /// Quantile with linear interpolation between order statistics (R type 7, NumPy default):
    /// position (n - 1) p in the sorted sample.
    public static func quantile(_ x: [Double], _ p: Double) -> Double {
        guard !x.isEmpty else { return .nan }
        return quantile(sorted: x.sorted(), p)
    }

    /// `quantile` on an already sorted sample.
    public static func quantile(sorted s: [Double], _ p: Double) -> Double {
        guard !s.isEmpty else { return .nan }
        let pos = min(max(p, 0), 1) * Double(s.count - 1)
        let i = Int(pos.rounded(.down))
        let f = pos - Double(i)
        return i + 1 < s.count ? s[i] + f * (s[i + 1] - s[i]) : s[i]
    }

    /// Median (type-7 quantile at 0.5).
    public static func median(_ x: [Double]) -> Double { quantile(x, 0.5) }

    // MARK: distributions

    /// Standard normal CDF.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Standard normal quantile (Acklam's rational approximation refined by one Halley step;
    /// |error| < 1e-12 on (0, 1)).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs p in (0, 1), got \(p)")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let lowP = 0.02425
        var x: Double
        if p < lowP {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - lowP {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // one Halley step on the exact CDF
        let e = normalCDF(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// Regularised incomplete beta function I_x(a, b) (continued fraction, Lentz's method).
    public static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnFront: Double = lnBeta + a * log(x) + b * log(1 - x)
        // the continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(b, a, 1 - x) }
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...500 {
            let m = Double(m)
            // even step
            let twoM: Double = 2 * m
            var num: Double = m * (b - m) * x / ((a + twoM - 1) * (a + twoM))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; f *= c * d
            // odd step
            let numerator: Double = -(a + m) * (a + b + m) * x
            num = numerator / ((a + twoM) * (a + twoM + 1))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(lnFront) * f / a
    }

    /// Student t CDF with `degreesOfFreedom` (> 0, need not be an integer).
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "studentTCDF needs positive degrees of freedom")
        let x = nu / (nu + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(nu / 2, 0.5, x)
        return t >= 0 ? 1 - tail : tail
    }

    /// Student t quantile: the t with CDF(t) = p (bisection on the exact CDF to ~1e-12).
    /// `studentTQuantile(0.975, degreesOfFreedom: 9)` = 2.2622.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "studentTQuantile needs p in (0, 1), got \(p)")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
        var lo = 0.0, hi = max(1.0, normalQuantile(p))
        while studentTCDF(hi, degreesOfFreedom: nu) < p { lo = hi; hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if studentTCDF(mid, degreesOfFreedom: nu) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * max(1, hi) { break }
        }
        return 0.5 * (lo + hi)
    }

    // MARK: intervals

    /// Student-t interval of the mean: mean +- t_{(1+level)/2, n-1} s / sqrt(n). Right for small
    /// n when the values are roughly normal (or n is large). n >= 2.
    public static func meanInterval(_ x: [Double], level: Double = 0.95) -> ConfidenceInterval {
        precondition(x.count >= 2, "meanInterval needs at least 2 values")
        let m = mean(x)
        let h = studentTQuantile(0.5 + level / 2, degreesOfFreedom: Double(x.count - 1)) * standardError(x)
        return ConfidenceInterval(estimate: m, lower: m - h, upper: m + h, level: level)
    }

    /// Bootstrap percentile interval of `statistic` (default: the mean): `resamples` samples of
    /// size n drawn with replacement using `rng`; the interval is the type-7 quantiles at
    /// (1 - level)/2 and (1 + level)/2 of the resampled statistics. The estimate is the
    /// statistic of the full sample. Use for skewed data (distances to collision) and for
    /// statistics without a formula (medians, ratios).
    public static func bootstrapInterval(_ x: [Double], level: Double = 0.95, resamples: Int = 2000,
                                         rng: inout RNG,
                                         statistic: ([Double]) -> Double = Statistics.mean) -> ConfidenceInterval {
        precondition(!x.isEmpty && resamples > 0, "bootstrapInterval needs data and resamples")
        var sample = [Double](repeating: 0, count: x.count)
        return bootstrapInterval(units: x.count, level: level, resamples: resamples, rng: &rng) { picks in
            for (i, p) in picks.enumerated() { sample[i] = x[p] }
            return statistic(sample)
        }
    }

    /// Bootstrap percentile interval over `units` resampling units given by index (episodes,
    /// clusters): each of the `resamples` resamples is `units` indices in 0..<units drawn with
    /// replacement, and `statistic` reads whatever it needs at those indices; the estimate is the
    /// statistic of 0..<units. The same draws as `bootstrapInterval(x, ...)` on n = `units` values.
    ///
    /// A statistic that reads two paired samples (two policies flown over the same episodes) at
    /// the same picks resamples the pairs jointly: the paired bootstrap. One that sums numerators
    /// and denominators over the picked units gives a cluster bootstrap of a ratio.
    ///
    /// ```swift
    /// // paired difference of two policies' per-episode distances a[k], b[k]
    /// let ci = Statistics.bootstrapInterval(units: a.count, rng: &rng) { picks in
    ///     picks.reduce(0) { $0 + a[$1] - b[$1] } / Double(picks.count)
    /// }
    /// ```
    public static func bootstrapInterval(units: Int, level: Double = 0.95, resamples: Int = 2000, rng: inout RNG,
                                         statistic: ([Int]) -> Double) -> ConfidenceInterval {
        precondition(units > 0 && resamples > 0, "bootstrapInterval needs units and resamples")
        var picks = [Int](repeating: 0, count: units)
        var stats = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            for i in 0..<units { picks[i] = rng.int(below: units) }
            stats[r] = statistic(picks)
        }
        stats.sort()
        return ConfidenceInterval(estimate: statistic(Array(0..<units)), lower: quantile(sorted: stats, (1 - level) / 2),
                                  upper: quantile(sorted: stats, (1 + level) / 2), level: level)
    }

    /// Wilson score interval for a proportion `successes / trials`: well behaved at 0 and 1 and
    /// for small n (unlike the normal approximation). trials > 0.
    public static func wilsonInterval(successes: Int, trials: Int, level: Double = 0.95) -> ConfidenceInterval {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "wilsonInterval needs 0 <= successes <= trials, trials > 0")
        let n = Double(trials), p = Double(successes) / n
        let z = normalQuantile(0.5 + level / 2), z2 = z * z
        let denom = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denom
        let half = z / denom * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // exactly 0 and 1 at 0 and n successes (the formula leaves ~1e-17 there)
        return ConfidenceInterval(estimate: p, lower: successes == 0 ? 0 : max(0, centre - half),
                                  upper: successes == trials ? 1 : min(1, centre + half), level: level)
    }

    // MARK: correlation and regression

    /// Ranks 1...n with ties given their average rank.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { (x[$0], $0) < (x[$1], $1) }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }

    /// Means of two equal-length samples and their centred sums of products
    /// (sum dx dy, sum dx^2, sum dy^2), accumulated in index order: the one pass behind
    /// `pearson` and `linearRegression`.
    private static func centredMoments(_ x: [Double], _ y: [Double])
        -> (mx: Double, my: Double, sxy: Double, sxx: Double, syy: Double) {
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        return (mx, my, sxy, sxx, syy)
    }

    /// Pearson correlation (NaN when either sample is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count && x.count >= 2, "pearson needs two samples of equal length >= 2")
        let (_, _, sxy, sxx, syy) = centredMoments(x, y)
        return sxy / (sxx * syy).squareRoot()
    }

    /// Spearman rank correlation: Pearson correlation of average ranks (correct with ties).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

    /// Ordinary least squares of y on x with R^2 and the slope's standard error.
    public static func linearRegression(_ x: [Double], _ y: [Double]) -> LinearFit {
        precondition(x.count == y.count && x.count >= 2, "linearRegression needs two samples of equal length >= 2")
        let n = Double(x.count)
        let (mx, my, sxy, sxx, syy) = centredMoments(x, y)
        precondition(sxx > 0, "linearRegression needs at least two distinct x values")
        let slope = sxy / sxx, intercept = my - slope * mx
        var ssRes = 0.0
        for i in x.indices { let r = y[i] - intercept - slope * x[i]; ssRes += r * r }
        let r2 = syy > 0 ? 1 - ssRes / syy : (ssRes == 0 ? 1 : 0)
        let se = x.count > 2 ? (ssRes / (n - 2) / sxx).squareRoot() : .nan
        return LinearFit(slope: slope, intercept: intercept, rSquared: r2, slopeStandardError: se, count: x.count)
    }

    /// Power-law fit y = C x^k by regression of log y on log x (natural logs): `slope` is the
    /// exponent k, `intercept` is log C. All values must be positive.
    public static func logLogFit(_ x: [Double], _ y: [Double]) -> LinearFit {
        precondition(x.allSatisfy { $0 > 0 } && y.allSatisfy { $0 > 0 }, "logLogFit needs positive values")
        return linearRegression(x.map { log($0) }, y.map { log($0) })
    }

    // MARK: classification

    /// Area under the ROC curve of `scores` (higher = more positive) for `labels`: the
    /// probability that a random positive outscores a random negative, ties counting 1/2
    /// (Mann-Whitney U / (n+ n-)). Needs at least one positive and one negative.
    public static func auroc(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "auroc needs one label per score")
        let pos = labels.filter { $0 }.count, neg = labels.count - pos
        precondition(pos > 0 && neg > 0, "auroc needs both classes")
        let r = ranks(scores)
        var sum = 0.0
        for i in r.indices where labels[i] { sum += r[i] }
        return (sum - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }

    // MARK: formatting

    /// `v` with `digits` significant digits, no exponent for ordinary magnitudes.
    public static func format(_ v: Double, digits: Int = 3) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        if v == 0 { return "0" }
        let mag = Int(floor(log10(abs(v))))
        if mag < -4 || mag >= 9 { return String(format: "%.\(max(0, digits - 1))e", v) }
        let decimals = max(0, digits - 1 - mag)
        return String(format: "%.\(decimals)f", v)
    }
}
