import Foundation
import Planning
import Testing

@Suite struct SettingsCodingTests {
    @Test func missingKeysFallBackToMethodsDefaults() throws {
        let cem = try JSONDecoder().decode(CEMPlanner.Settings.self, from: Data(#"{"elites": 64, "covariance": "full"}"#.utf8))
        var expected = CEMPlanner.Settings()
        expected.elites = 64
        expected.covariance = .full
        #expect(cem == expected)
        #expect(cem.initialSamples == 4096 && cem.samples == 1024 && cem.iterations == 3)
        let mppi = try JSONDecoder().decode(MPPIPlanner.Settings.self, from: Data("{}".utf8))
        #expect(mppi == MPPIPlanner.Settings())
        #expect(mppi.inverseTemperature == 50 && mppi.smoothing == 0.6 && mppi.samples == 4096)
    }

    @Test func roundTripsAndRejectsBadValues() throws {
        var s = MPPIPlanner.Settings(); s.smoothing = 0.8; s.noiseScale = 0.5
        let back = try JSONDecoder().decode(MPPIPlanner.Settings.self, from: JSONEncoder().encode(s))
        #expect(back == s)
        var r = RandomShootingPlanner.Settings(); r.samples = 5000
        #expect(try JSONDecoder().decode(RandomShootingPlanner.Settings.self, from: JSONEncoder().encode(r)) == r)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CEMPlanner.Settings.self, from: Data(#"{"elites": 2000}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MPPIPlanner.Settings.self, from: Data(#"{"smoothing": 0}"#.utf8))
        }
    }
}
