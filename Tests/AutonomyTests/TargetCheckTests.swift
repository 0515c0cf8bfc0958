import Autonomy
import Testing

@Suite struct TargetCheckTests {
    @Test func tableAndConsoleLineShowTheVerdict() {
        let checks = [TargetCheck(name: "rises", value: "0.95 [0.9, 1]", met: true),
                      TargetCheck(name: "falls", value: "-0.2", met: false)]
        let lines = TargetCheck.table(checks, measured: "measured (CI)").split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].contains("target") && lines[0].contains("measured (CI)") && lines[0].contains("met"))
        #expect(lines[2].contains("rises") && lines[2].contains("0.95 [0.9, 1]") && lines[2].contains("yes"))
        #expect(lines[3].contains("falls") && lines[3].contains("**no**"))
        #expect(checks[0].consoleLine == "met     rises: 0.95 [0.9, 1]")
        #expect(checks[1].consoleLine == "NOT MET falls: -0.2")
    }
}
