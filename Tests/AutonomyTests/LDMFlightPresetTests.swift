import Autonomy
import Testing

@Suite struct LDMFlightPresetTests {
    /// Every listed name resolves to the preset the help describes; unknown names do not.
    @Test func presetNamesResolveToTheirSettings() throws {
        let expected: [String: LDMFlightSettings] = [
            "default": .standard, "momentum": .momentum, "momentum-slow": .momentumSlow,
            "smoke": .smoke, "momentum-smoke": .momentumSmoke,
        ]
        #expect(Set(LDMFlightSettings.presetNames) == Set(expected.keys))
        for (name, settings) in expected {
            let s = try #require(LDMFlightSettings.preset(named: name), "\(name)")
            #expect(s == settings, "\(name)")
            try s.validate()
        }
        // the presets really differ where their names say they do
        #expect(LDMFlightSettings.momentum.actionMode == .tiltRate && LDMFlightSettings.standard.actionMode != .tiltRate)
        #expect(LDMFlightSettings.momentumSlow.maxTiltRate == 0.5 && LDMFlightSettings.momentum.maxTiltRate == 1)
        #expect(LDMFlightSettings.smoke.episodes < LDMFlightSettings.standard.episodes)
        #expect(LDMFlightSettings.preset(named: "Momentum") == nil)
        #expect(LDMFlightSettings.preset(named: "") == nil)
    }
}
