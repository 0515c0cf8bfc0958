import Diagnostics
import Foundation
import Testing
@testable import Autonomy

@Suite struct HIntReportTests {
    static func result(_ outcomes: [(limit: Double, method: HIntMethod, success: [Bool])]) -> HIntExperimentResult {
        var config = HIntExperimentConfig()
        config.yawLimitsDegrees = [180, 60]
        config.methods = [.hint, .hierarchy]
        var episodes: [HIntEpisodeResult] = []
        for o in outcomes {
            for (e, s) in o.success.enumerated() {
                episodes.append(HIntEpisodeResult(method: o.method, yawLimitDegrees: o.limit, world: "w", episode: e, success: s, collided: !s,
                                                  distance: 1, ticks: 10, goalDistanceLeft: s ? 0 : 3, saturatedTicks: o.method == .hierarchy ? 5 : 0))
            }
        }
        return HIntExperimentResult(config: config, episodes: episodes, notes: [], seconds: [:])
    }

    /// Margins per episode: 180 deg/s (0, 1, 0, 0), 60 deg/s (1, 1, 1, 0): growth (1, 0, 1, 0), mean 0.5.
    @Test func marginGrowthIsThePairedChangeOfTheSuccessDifference() throws {
        let r = Self.result([(180, .hint, [true, true, false, false]), (180, .hierarchy, [true, false, false, false]),
                             (60, .hint, [true, true, true, false]), (60, .hierarchy, [false, false, false, false])])
        let g = try #require(HIntReport.marginGrowth(r, over: .hierarchy, from: 180, to: 60))
        #expect(abs(g.estimate - 0.5) < 1e-12)
        #expect(g.lower <= 0.5 && g.upper >= 0.5 && g.lower >= -1 && g.upper <= 1)
        // swapping the limits negates the growth
        let back = try #require(HIntReport.marginGrowth(r, over: .hierarchy, from: 60, to: 180))
        #expect(abs(back.estimate + 0.5) < 1e-12)
        // a method that did not run has no margin (not HInt's success alone)
        #expect(HIntReport.marginGrowth(r, over: .pooled, from: 180, to: 60) == nil)
        #expect(!HIntReport.markdown(r).contains("margin over pooled"))
        // cells count time-outs apart from collisions, and the share of ticks at the limit
        let cells = HIntReport.cells(r)
        let hier60 = try #require(cells.first { $0.method == .hierarchy && $0.yawLimitDegrees == 60 })
        #expect(hier60.collisions == 4 && hier60.timeouts == 0 && abs(hier60.saturation - 0.5) < 1e-12)
        #expect(HIntReport.markdown(r).contains("Growth of HInt's margin over hierarchy from 180 to 60"))
    }
}
