import Foundation

/// A dependency-free SVG line/scatter plot: several series, optional error bars or shaded
/// confidence bands, nice axis ticks, axis labels, a legend (in the corner that hides the least
/// data), linear or log axes. Used for training curves and experiment plots; the output is
/// standalone SVG 1.1 (opens in a browser).
///
/// ```swift
/// var plot = SVGPlot(title: "Training loss", xLabel: "step", yLabel: "loss", yScale: .log)
/// plot.add(SVGPlot.Series(name: "train", x: steps, y: loss))
/// plot.add(SVGPlot.Series(name: "eval", x: evalSteps, y: evalLoss, lower: lo, upper: hi,
///                         uncertainty: .band, style: .lineAndPoints))
/// try plot.write(to: "out/loss.svg")
/// ```
///
/// Points with non-finite coordinates (or non-positive ones on a log axis) are skipped; a line
/// breaks at a skipped point.
public struct SVGPlot: Sendable {
    /// Axis scale.
    public enum Scale: String, Sendable, Equatable { case linear, log }

    /// How a series is drawn.
    public enum Style: String, Sendable, Equatable { case line, scatter, lineAndPoints }

    /// How `lower`/`upper` of a series are drawn.
    public enum Uncertainty: String, Sendable, Equatable { case errorBars, band }

    /// One named series of (x, y) points, optionally with per-point lower/upper y bounds.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// Per-point lower bound of y (same length as y), e.g. a CI's lower end.
        public var lower: [Double]?
        /// Per-point upper bound of y.
        public var upper: [Double]?
        public var uncertainty: Uncertainty
        public var style: Style
        /// CSS colour; nil picks from the palette by series index.
        public var color: String?

        public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                    uncertainty: Uncertainty = .errorBars, style: Style = .line, color: String? = nil) {
            precondition(x.count == y.count, "SVGPlot.Series '\(name)': x and y lengths differ")
            precondition(lower == nil || lower!.count == y.count, "SVGPlot.Series '\(name)': lower length differs from y")
            precondition(upper == nil || upper!.count == y.count, "SVGPlot.Series '\(name)': upper length differs from y")
            self.name = name
            self.x = x
            self.y = y
            self.lower = lower
            self.upper = upper
            self.uncertainty = uncertainty
            self.style = style
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale
    public var yScale: Scale
    /// Draw the x axis from its largest value on the left to its smallest on the right (for sweeps
    /// whose natural reading direction is decreasing, such as a tightening limit).
    public var xDescending = false
    /// Image size in pixels.
    public var width: Double
    public var height: Double
    public private(set) var series: [Series] = []

    /// Colour-blind-friendly palette (Tableau 10).
    public static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    public init(title: String = "", xLabel: String = "", yLabel: String = "", xScale: Scale = .linear,
                yScale: Scale = .linear, width: Double = 640, height: Double = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.width = width
        self.height = height
    }

    /// Appends a series.
    public mutating func add(_ s: Series) { series.append(s) }

    /// Writes the SVG atomically.
    public func write(to path: String) throws { try AtomicFile.write(render(), to: path) }

    // MARK: layout

    private struct Axis {
        var lo: Double, hi: Double, scale: Scale
        var pixLo: Double, pixHi: Double
        func t(_ v: Double) -> Double { scale == .log ? log10(v) : v }
        func map(_ v: Double) -> Double {
            let a = t(lo), b = t(hi)
            return pixLo + (t(v) - a) / (b - a) * (pixHi - pixLo)
        }
        func valid(_ v: Double) -> Bool { v.isFinite && (scale == .linear || v > 0) }
    }

    /// Data range over every plottable coordinate (including bounds), padded when degenerate.
    private func range(_ values: [Double], scale: Scale) -> (Double, Double) {
        let ok = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard var lo = ok.min(), var hi = ok.max() else { return scale == .log ? (1, 10) : (0, 1) }
        if lo == hi {
            if scale == .log { lo /= 2; hi *= 2 } else { let d = lo == 0 ? 1 : abs(lo) * 0.1; lo -= d; hi += d }
        }
        return (lo, hi)
    }

    /// "Nice" linear ticks (1, 2, 5 x 10^k) covering [lo, hi], about `target` of them.
    public static func niceTicks(_ lo: Double, _ hi: Double, target: Int = 6) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(1, target - 1))
        let mag = pow(10, floor(log10(raw)))
        let norm = raw / mag
        let step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag
        let first = ceil(lo / step - 1e-9) * step
        // index-based with decimal rounding, so 0.1-steps print as 0.3, not 0.30000000000000004
        let decimals = max(0, -Int(floor(log10(step))))
        let scale = pow(10, Double(decimals))
        var ticks: [Double] = []
        var k = 0.0
        while first + k * step <= hi + step * 1e-9 {
            let v = ((first + k * step) * scale).rounded() / scale
            ticks.append(v == 0 ? 0 : v)
            k += 1
        }
        return ticks
    }

    /// Log ticks: powers of ten in range (or 1-2-5 steps within a decade when the range is short).
    public static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let a = Int(floor(log10(lo) + 1e-9)), b = Int(ceil(log10(hi) - 1e-9))
        var ticks = (a...max(a, b)).map { pow(10, Double($0)) }.filter { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) }
        if ticks.count < 2 {
            ticks = []
            for e in (a - 1)...(b + 1) {
                for m in [1.0, 2.0, 5.0] {
                    let v = m * pow(10, Double(e))
                    if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { ticks.append(v) }
                }
            }
        }
        return ticks
    }

    static func tickLabel(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.0e", v).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-") }
        var s = String(format: "%.6g", v)
        if s.contains(".") && !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// XML-escaped text.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    private static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    // MARK: rendering

    /// The SVG document.
    public func render() -> String {
        let left = 70.0, right = 20.0, top = title.isEmpty ? 20.0 : 40.0, bottom = 55.0
        // ranges over the points that can be drawn on these axes
        func ok(_ v: Double, _ scale: Scale) -> Bool { v.isFinite && (scale == .linear || v > 0) }
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for i in s.x.indices where ok(s.x[i], xScale) && ok(s.y[i], yScale) {
                xs.append(s.x[i]); ys.append(s.y[i])
                if let l = s.lower, ok(l[i], yScale) { ys.append(l[i]) }
                if let u = s.upper, ok(u[i], yScale) { ys.append(u[i]) }
            }
        }
        var (xlo, xhi) = range(xs, scale: xScale)
        var (ylo, yhi) = range(ys, scale: yScale)
        // extend linear ranges to the enclosing nice ticks, so the frame starts and ends on a tick
        let xt0 = xScale == .log ? SVGPlot.logTicks(xlo, xhi) : SVGPlot.niceTicks(xlo, xhi)
        let yt0 = yScale == .log ? SVGPlot.logTicks(ylo, yhi) : SVGPlot.niceTicks(ylo, yhi)
        if xScale == .linear, xt0.count >= 2 {
            let step = xt0[1] - xt0[0]
            xlo = min(xlo, floor(xlo / step + 1e-9) * step); xhi = max(xhi, ceil(xhi / step - 1e-9) * step)
        }
        if yScale == .linear, yt0.count >= 2 {
            let step = yt0[1] - yt0[0]
            ylo = min(ylo, floor(ylo / step + 1e-9) * step); yhi = max(yhi, ceil(yhi / step - 1e-9) * step)
        }
        // log axes: pad 4 % of the span in log space so markers at the ends stay visible
        if xScale == .log { let m = pow(10, 0.04 * log10(xhi / xlo)); xlo /= m; xhi *= m }
        if yScale == .log { let m = pow(10, 0.04 * log10(yhi / ylo)); ylo /= m; yhi *= m }
        let xAxis = xDescending ? Axis(lo: xlo, hi: xhi, scale: xScale, pixLo: width - right, pixHi: left)
                                : Axis(lo: xlo, hi: xhi, scale: xScale, pixLo: left, pixHi: width - right)
        let yAxis = Axis(lo: ylo, hi: yhi, scale: yScale, pixLo: height - bottom, pixHi: top)
        let xticks = xScale == .log ? SVGPlot.logTicks(xlo, xhi) : SVGPlot.niceTicks(xlo, xhi)
        let yticks = yScale == .log ? SVGPlot.logTicks(ylo, yhi) : SVGPlot.niceTicks(ylo, yhi)

        var o = ""
        o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        o += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        o += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        o += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"white\"/>\n"
        if !title.isEmpty {
            o += "<text x=\"\(SVGPlot.f(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(SVGPlot.escape(title))</text>\n"
        }
        // grid and ticks
        o += "<g class=\"axes\" stroke=\"#dddddd\" stroke-width=\"1\">\n"
        for t in xticks {
            let px = SVGPlot.f(xAxis.map(t))
            o += "<line x1=\"\(px)\" y1=\"\(SVGPlot.f(top))\" x2=\"\(px)\" y2=\"\(SVGPlot.f(height - bottom))\"/>\n"
        }
        for t in yticks {
            let py = SVGPlot.f(yAxis.map(t))
            o += "<line x1=\"\(SVGPlot.f(left))\" y1=\"\(py)\" x2=\"\(SVGPlot.f(width - right))\" y2=\"\(py)\"/>\n"
        }
        o += "</g>\n"
        o += "<rect x=\"\(SVGPlot.f(left))\" y=\"\(SVGPlot.f(top))\" width=\"\(SVGPlot.f(width - left - right))\" "
        o += "height=\"\(SVGPlot.f(height - top - bottom))\" fill=\"none\" stroke=\"#333333\"/>\n"
        o += "<g class=\"tick-labels\" fill=\"#333333\">\n"
        for t in xticks {
            o += "<text x=\"\(SVGPlot.f(xAxis.map(t)))\" y=\"\(SVGPlot.f(height - bottom + 16))\" text-anchor=\"middle\">\(SVGPlot.escape(SVGPlot.tickLabel(t)))</text>\n"
        }
        for t in yticks {
            o += "<text x=\"\(SVGPlot.f(left - 6))\" y=\"\(SVGPlot.f(yAxis.map(t) + 4))\" text-anchor=\"end\">\(SVGPlot.escape(SVGPlot.tickLabel(t)))</text>\n"
        }
        o += "</g>\n"
        if !xLabel.isEmpty {
            o += "<text x=\"\(SVGPlot.f((left + width - right) / 2))\" y=\"\(SVGPlot.f(height - 14))\" text-anchor=\"middle\">\(SVGPlot.escape(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            let cy = (top + height - bottom) / 2
            o += "<text x=\"16\" y=\"\(SVGPlot.f(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(SVGPlot.f(cy)))\">\(SVGPlot.escape(yLabel))</text>\n"
        }

        // series; `drawn` keeps the pixel positions of what is drawn (markers, line vertices and
        // points along segments, interval ends) for the legend's placement
        var drawn: [SIMD2<Double>] = []
        for (k, s) in series.enumerated() {
            let color = s.color ?? SVGPlot.palette[k % SVGPlot.palette.count]
            o += "<g class=\"series\" data-name=\"\(SVGPlot.escape(s.name))\">\n"
            let valid = s.x.indices.filter { xAxis.valid(s.x[$0]) && yAxis.valid(s.y[$0]) }
            for i in valid { drawn.append(SIMD2(xAxis.map(s.x[i]), yAxis.map(s.y[i]))) }
            if s.style != .scatter {
                for (a, b) in zip(valid, valid.dropFirst()) where b == a + 1 {
                    let p = SIMD2(xAxis.map(s.x[a]), yAxis.map(s.y[a])), q = SIMD2(xAxis.map(s.x[b]), yAxis.map(s.y[b]))
                    for t in 1..<16 { drawn.append(p + (q - p) * (Double(t) / 16)) }
                }
            }
            // uncertainty first, under the line
            if let lo = s.lower, let hi = s.upper {
                let ok = valid.filter { yAxis.valid(lo[$0]) && yAxis.valid(hi[$0]) }
                for i in ok {
                    drawn.append(SIMD2(xAxis.map(s.x[i]), yAxis.map(lo[i])))
                    drawn.append(SIMD2(xAxis.map(s.x[i]), yAxis.map(hi[i])))
                }
                switch s.uncertainty {
                case .band where ok.count >= 2:
                    let upperPts = ok.map { "\(SVGPlot.f(xAxis.map(s.x[$0]))),\(SVGPlot.f(yAxis.map(hi[$0])))" }
                    let lowerPts = ok.reversed().map { "\(SVGPlot.f(xAxis.map(s.x[$0]))),\(SVGPlot.f(yAxis.map(lo[$0])))" }
                    o += "<polygon class=\"band\" points=\"\((upperPts + lowerPts).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.2\" stroke=\"none\"/>\n"
                default:
                    for i in ok {
                        let px = SVGPlot.f(xAxis.map(s.x[i]))
                        let y1 = SVGPlot.f(yAxis.map(lo[i])), y2 = SVGPlot.f(yAxis.map(hi[i]))
                        o += "<line class=\"errorbar\" x1=\"\(px)\" y1=\"\(y1)\" x2=\"\(px)\" y2=\"\(y2)\" stroke=\"\(color)\" stroke-width=\"1.2\"/>\n"
                    }
                }
            }
            if s.style != .scatter {
                // split the polyline at skipped points
                var run: [String] = []
                func flush() {
                    if run.count >= 2 {
                        o += "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"/>\n"
                    }
                    run.removeAll()
                }
                for i in s.x.indices {
                    if xAxis.valid(s.x[i]) && yAxis.valid(s.y[i]) {
                        run.append("\(SVGPlot.f(xAxis.map(s.x[i]))),\(SVGPlot.f(yAxis.map(s.y[i])))")
                    } else { flush() }
                }
                flush()
            }
            if s.style != .line || valid.count == 1 {
                for i in valid {
                    o += "<circle cx=\"\(SVGPlot.f(xAxis.map(s.x[i])))\" cy=\"\(SVGPlot.f(yAxis.map(s.y[i])))\" r=\"3\" fill=\"\(color)\"/>\n"
                }
            }
            o += "</g>\n"
        }

        // legend: inside the frame, in the corner that hides the fewest drawn points (top right,
        // top left, bottom right, bottom left; the first on ties)
        if !series.isEmpty {
            let longest = series.map(\.name.count).max() ?? 0
            let w = 34 + 7 * Double(longest), h = 8 + 18 * Double(series.count)
            let corners = [(width - right - w - 8, top + 8), (left + 8, top + 8),
                           (width - right - w - 8, height - bottom - h - 8), (left + 8, height - bottom - h - 8)]
            func hidden(_ c: (Double, Double)) -> Int {
                drawn.reduce(0) { n, p in n + (p.x >= c.0 - 4 && p.x <= c.0 + w + 4 && p.y >= c.1 - 4 && p.y <= c.1 + h + 4 ? 1 : 0) }
            }
            var (x0, y0) = corners[0]
            var fewest = hidden(corners[0])
            for c in corners.dropFirst() where fewest > 0 {
                let n = hidden(c)
                if n < fewest { (x0, y0) = c; fewest = n }
            }
            o += "<g class=\"legend\">\n"
            o += "<rect x=\"\(SVGPlot.f(x0))\" y=\"\(SVGPlot.f(y0))\" width=\"\(SVGPlot.f(w))\" height=\"\(SVGPlot.f(h))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999999\"/>\n"
            for (k, s) in series.enumerated() {
                let color = s.color ?? SVGPlot.palette[k % SVGPlot.palette.count]
                let y = y0 + 14 + 18 * Double(k)
                if s.style != .scatter {
                    o += "<line x1=\"\(SVGPlot.f(x0 + 6))\" y1=\"\(SVGPlot.f(y - 4))\" x2=\"\(SVGPlot.f(x0 + 24))\" y2=\"\(SVGPlot.f(y - 4))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
                }
                if s.style != .line {
                    o += "<circle cx=\"\(SVGPlot.f(x0 + 15))\" cy=\"\(SVGPlot.f(y - 4))\" r=\"3.5\" fill=\"\(color)\"/>\n"
                }
                o += "<text x=\"\(SVGPlot.f(x0 + 28))\" y=\"\(SVGPlot.f(y))\">\(SVGPlot.escape(s.name))</text>\n"
            }
            o += "</g>\n"
        }
        o += "</svg>\n"
        return o
    }
}
