import App
import Testing

@Suite("fly modes and their flags")
struct FlyModeTests {
    func mode(_ flags: Set<String>) -> FlyMode? {
        if case .success(let m) = FlyMode.resolve(given: flags) { return m }
        return nil
    }

    func error(_ flags: Set<String>) -> String? {
        if case .failure(let e) = FlyMode.resolve(given: flags) { return e.message }
        return nil
    }

    @Test("the mode follows the flag that selects it")
    func selection() {
        #expect(mode([]) == .window)
        #expect(mode(["world", "policy", "seed"]) == .window)
        #expect(mode(["headless"]) == .headless)
        #expect(mode(["script"]) == .headless)
        #expect(mode(["headless", "script", "effects", "rate", "initial", "robot", "seed"]) == .headless)
        #expect(mode(["hint", "hint-method", "yaw-limit", "hint-config", "seed"]) == .hint)
        #expect(mode(["ldm", "ldm-preset", "ldm-level", "frames", "screenshot"]) == .ldm)
    }

    @Test("a flag the chosen mode does not read is refused, naming the flag and who reads it")
    func strayFlags() throws {
        let world = try #require(error(["headless", "world"]))
        #expect(world == "--world does not apply to --headless (read by: the window flight, --swarm)")
        #expect(try #require(error(["hint", "world"])).hasPrefix("--world does not apply to --hint"))
        #expect(try #require(error(["effects"])).hasPrefix("--effects does not apply to the window flight (read by: --headless)"))
        #expect(try #require(error(["ldm", "record"])).hasPrefix("--record does not apply to --ldm"))
        #expect(try #require(error(["hint", "policy"])).hasPrefix("--policy does not apply to --hint"))
        #expect(try #require(error(["hint", "robot"])).hasPrefix("--robot does not apply to --hint"))
        #expect(try #require(error(["yaw-limit"])).hasPrefix("--yaw-limit does not apply to the window"))
        #expect(try #require(error(["ldm-level", "hint"])).hasPrefix("--ldm-level does not apply to --hint"))
    }

    @Test("--swarm reads the viewer's flags and its world, robot, domain, seed, record and policy")
    func swarmFlags() throws {
        #expect(mode(["swarm"]) == .swarm)
        #expect(mode(["swarm", "world", "robot", "domain", "seed", "frames", "screenshot", "size", "manual", "record", "policy"]) == .swarm)
        #expect(try #require(error(["swarm", "hint-method"])).hasPrefix("--hint-method does not apply to --swarm"))
        #expect(try #require(error(["swarm", "ocs"])).hasSuffix("cannot be combined"))
        #expect(try #require(error(["swarm", "headless"])).hasSuffix("cannot be combined"))
        #expect(!FlyMode.window.flags.contains("swarm"))
    }

    @Test("two modes at once are refused")
    func twoModes() {
        #expect(error(["hint", "ldm"]) == "--hint and --ldm cannot be combined")
        #expect(error(["headless", "ldm"])?.hasSuffix("and --ldm cannot be combined") == true)
    }

    @Test("each mode's selecting flag is its own, and shared viewer flags stay with the viewer modes")
    func ownership() {
        #expect(FlyMode.hint.flags.contains("hint") && !FlyMode.window.flags.contains("hint"))
        #expect(FlyMode.ldm.flags.contains("ldm") && !FlyMode.hint.flags.contains("ldm"))
        #expect(!FlyMode.headless.flags.contains("world"))
        for flag in ["frames", "screenshot", "size", "manual", "camera"] {
            #expect(FlyMode.window.flags.contains(flag) && FlyMode.hint.flags.contains(flag) && FlyMode.ldm.flags.contains(flag))
            #expect(!FlyMode.headless.flags.contains(flag))
        }
    }
}
