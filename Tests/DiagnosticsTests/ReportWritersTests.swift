import Diagnostics
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// Collects element names and text; fails on malformed XML.
final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var text = ""
    var attributes: [[String: String]] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes attributeDict: [String: String] = [:]) {
        elements.append(name)
        attributes.append(attributeDict)
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

@Suite struct ReportWritersTests {
    func parse(_ svg: String) -> (ok: Bool, XMLCollector) {
        let c = XMLCollector()
        let p = XMLParser(data: Data(svg.utf8))
        p.delegate = c
        return (p.parse(), c)
    }

    @Test func svgIsWellFormedAndContainsEverySeries() {
        var plot = SVGPlot(title: "Loss & accuracy <test>", xLabel: "step", yLabel: "value")
        plot.add(SVGPlot.Series(name: "train", x: [0, 1, 2, 3], y: [1.0, 0.6, 0.4, 0.3]))
        plot.add(SVGPlot.Series(name: "eval \"held-out\"", x: [0, 1, 2, 3], y: [1.1, 0.8, 0.6, 0.55],
                                lower: [1.0, 0.7, 0.5, 0.45], upper: [1.2, 0.9, 0.7, 0.65], uncertainty: .band,
                                style: .lineAndPoints))
        plot.add(SVGPlot.Series(name: "runs", x: [0.5, 1.5, 2.5], y: [0.9, 0.5, 0.35], lower: [0.8, 0.4, 0.3],
                                upper: [1.0, 0.6, 0.4], uncertainty: .errorBars, style: .scatter))
        let svg = plot.render()
        let (ok, c) = parse(svg)
        #expect(ok)
        #expect(c.elements.first == "svg")
        #expect(c.elements.filter { $0 == "polyline" }.count == 2)        // train, eval
        #expect(c.elements.filter { $0 == "polygon" }.count == 1)         // eval band
        #expect(c.attributes.filter { $0["class"] == "errorbar" }.count == 3)
        #expect(c.elements.filter { $0 == "circle" }.count == 9)           // eval 4 + runs 3 + 2 legend markers
        #expect(c.text.contains("Loss & accuracy <test>"))
        #expect(c.text.contains("eval \"held-out\"") && c.text.contains("train") && c.text.contains("runs"))
        #expect(c.text.contains("step") && c.text.contains("value"))
        let names = c.attributes.compactMap { $0["data-name"] }
        #expect(names == ["train", "eval \"held-out\"", "runs"])
    }

    @Test func polylineCoordinatesFollowTheData() {
        // a rising series must map to decreasing SVG y (y axis points down), increasing x
        var plot = SVGPlot()
        plot.add(SVGPlot.Series(name: "up", x: [1, 2, 3], y: [10, 20, 30]))
        let (_, c) = parse(plot.render())
        let pts = c.attributes.first { $0["points"] != nil && $0["stroke"] != nil }!["points"]!
            .split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        #expect(pts.count == 3)
        #expect(pts[0][0] < pts[1][0] && pts[1][0] < pts[2][0])
        #expect(pts[0][1] > pts[1][1] && pts[1][1] > pts[2][1])
        // equal spacing in data -> equal spacing in pixels
        #expect(abs((pts[1][0] - pts[0][0]) - (pts[2][0] - pts[1][0])) < 0.02)
    }

    @Test func descendingXAxisMirrorsThePointsAndTheTicks() throws {
        // the same data on a descending x axis: largest x on the left, same pixel spacing mirrored
        var up = SVGPlot()
        up.add(SVGPlot.Series(name: "up", x: [60, 120, 180], y: [10, 20, 30]))
        var down = up
        down.xDescending = true
        func points(_ p: SVGPlot) -> [[Double]] {
            let (_, c) = parse(p.render())
            return c.attributes.first { $0["points"] != nil && $0["stroke"] != nil }!["points"]!
                .split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        }
        let a = points(up), b = points(down)
        #expect(b[0][0] > b[1][0] && b[1][0] > b[2][0])
        for i in 0..<3 {
            #expect(abs(b[i][0] - a[2 - i][0]) < 0.02)   // x = 60 sits where x = 180 sat
            #expect(b[i][1] == a[i][1])                  // y unchanged
        }
        // the tick labelled 180 is left of the tick labelled 60
        func tickX(_ svg: String, _ label: String) -> Double? {
            for line in svg.split(separator: "\n") where line.hasSuffix("text-anchor=\"middle\">\(label)</text>") {
                if let r = line.range(of: "x=\""), let end = line[r.upperBound...].firstIndex(of: "\"") {
                    return Double(line[r.upperBound..<end])
                }
            }
            return nil
        }
        let svg = down.render()
        let l180 = try #require(tickX(svg, "180")), l60 = try #require(tickX(svg, "60"))
        #expect(l180 < l60)
        #expect(try #require(tickX(up.render(), "60")) < #require(tickX(up.render(), "180")))
    }

    @Test func logAxesTickAtPowersOfTenAndSkipNonPositive() {
        var plot = SVGPlot(xScale: .log, yScale: .log)
        plot.add(SVGPlot.Series(name: "power law", x: [10, 100, 1000, 0, 10000], y: [1, 0.1, 0.01, 5, 0.001]))
        let (ok, c) = parse(plot.render())
        #expect(ok)
        #expect(!c.text.contains("\n5\n"))   // the invalid (0, 5) point does not stretch the y range
        for label in ["10", "100", "1000", "10000", "0.01", "0.1", "1"] { #expect(c.text.contains(label), "\(label)") }
        // the x = 0 point breaks the line into two runs (3 points and 1 point -> one polyline)
        #expect(c.elements.filter { $0 == "polyline" }.count == 1)
        // equal ratios are equally spaced on log axes
        let pts = c.attributes.first { $0["points"] != nil && $0["stroke"] != nil }!["points"]!
            .split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        #expect(abs((pts[1][0] - pts[0][0]) - (pts[2][0] - pts[1][0])) < 0.02)
    }

    @Test func niceTicksAreRoundNumbersCoveringTheRange() {
        let t = SVGPlot.niceTicks(0.13, 0.87)
        #expect(t == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
        #expect(SVGPlot.niceTicks(0, 100) == [0, 20, 40, 60, 80, 100])
    }

    @Test func markdownTableAlignsAndEscapes() {
        var t = MarkdownTable(["method", "distance (m)"], alignments: [.left, .right])
        t.addRow(["GtS", "12.5"])
        t.addRow(["a|b", "3"])
        let lines = t.render().split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == "| method | distance (m) |")
        #expect(lines[1] == "|:-------|-------------:|")
        #expect(lines[2] == "| GtS    |         12.5 |")
        #expect(lines[3] == "| a\\|b   |            3 |")
    }

    /// The legend rectangle's top-left corner in pixels.
    func legendOrigin(_ svg: String) -> (x: Double, y: Double)? {
        let (_, c) = parse(svg)
        guard let g = c.attributes.firstIndex(where: { $0["class"] == "legend" }) else { return nil }
        let r = c.attributes[g + 1]
        return (Double(r["x"]!)!, Double(r["y"]!)!)
    }

    @Test func legendMovesToTheCornerTheDataLeaveFree() {
        // a rising line runs through the top-right corner: the legend goes top left
        var rising = SVGPlot(width: 640, height: 400)
        rising.add(SVGPlot.Series(name: "rising", x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4]))
        let a = try! #require(legendOrigin(rising.render()))
        #expect(a.x < 320 && a.y < 200)
        // a falling line runs through the top-left and bottom-right corners: top right is free
        var falling = SVGPlot(width: 640, height: 400)
        falling.add(SVGPlot.Series(name: "falling", x: [0, 1, 2, 3, 4], y: [4, 3, 2, 1, 0]))
        let b = try! #require(legendOrigin(falling.render()))
        #expect(b.x > 320 && b.y < 200)
        // points along the top (the range points sit on the frame): the legend goes to a bottom corner
        var top = SVGPlot(width: 640, height: 400)
        top.add(SVGPlot.Series(name: "top", x: Array(stride(from: 0.0, through: 10, by: 0.25)), y: Array(repeating: 0.9, count: 41), style: .scatter))
        top.add(SVGPlot.Series(name: "range", x: [0, 5, 10], y: [0, 1, 0], style: .scatter))
        let t = try! #require(legendOrigin(top.render()))
        #expect(t.y > 200)
    }

    @Test func csvQuotesOnlyWhenNeededAndRoundTrips() {
        #expect(CSVWriter.escape("plain") == "plain")
        #expect(CSVWriter.escape("a,b") == "\"a,b\"")
        #expect(CSVWriter.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.escape(" padded") == "\" padded\"")
        var csv = CSVWriter(header: ["step", "loss", "note"])
        csv.addRow([1, 0.5])
        csv.addRow(["2", "0.25", "lr, \"decayed\"\nagain"])
        #expect(csv.text.hasPrefix("step,loss,note\n1.0,0.5,\n"))
        #expect(csv.rowCount == 2)
        let rows = CSVWriter.parse(csv.text)
        #expect(rows == [["step", "loss", "note"], ["1.0", "0.5", ""], ["2", "0.25", "lr, \"decayed\"\nagain"]])
        let dir = TempDir()
        defer { dir.remove() }
        try? csv.write(to: dir.file("c.csv"))
        #expect((try? String(contentsOfFile: dir.file("c.csv"), encoding: .utf8)) == csv.text)
    }
}
