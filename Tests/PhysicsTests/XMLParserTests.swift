import Foundation
import Diagnostics
import Geometry
import Testing
@testable import Physics

@Suite struct XMLParserTests {
    @Test func parsesElementsAttributesCommentsAndEntities() throws {
        let text = """
        <?xml version="1.0" ?>
        <!-- a comment -->
        <robot name='a &amp; b'>
          <!-- <link name="hidden"/> -->
          <link name="x" note="&lt;&#65;&#x42;&gt;"/>
          <link name="y">text &quot;q&quot;</link>
        </robot>
        """
        let root = try XMLParser.parse(text, source: "t.urdf")
        #expect(root.name == "robot")
        #expect(root["name"] == "a & b")
        #expect(root.children("link").count == 2)
        #expect(root.children[0]["note"] == "<AB>")
        #expect(root.children[1].text == "text \"q\"")
        #expect(root.children[1].line == 6)
    }

    @Test func reportsLineOfMismatchedTag() {
        let text = "<robot>\n<link>\n</joint>\n</robot>"
        #expect {
            try XMLParser.parse(text, source: "bad.urdf")
        } throws: { e in
            let s = "\(e)"
            return s.contains("bad.urdf") && s.contains("line 3") && s.contains("</joint>")
        }
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect { try XMLParser.parse(deep, source: "deep.xml") } throws: { "\($0)".contains("nested deeper") }
        let ok = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        #expect(throws: Never.self) { try XMLParser.parse(ok, source: "ok.xml") }
    }

    @Test func malformedInputsThrowNotTrap() {
        let cases = ["", "<", "<a", "<a b=1/>", "<a b=\"1/>", "<a></a><b/>", "<a>&bogus;</a>", "<!-- x", "<a><b></a>",
                     "<a b='1' b='2'/>", "text", "<a>\u{0}</b>"]
        for c in cases {
            #expect(throws: (any Error).self) { try XMLParser.parse(c, source: "fuzz") }
        }
    }
}

@Suite struct URDFFuzzTests {
    /// Random byte edits of a real robot file either parse or give an InputError; never a trap.
    @Test func mutatedRobotFilesNeverTrap() throws {
        let original = Array(try String(contentsOfFile: RobotFiles.directory + "/cf2x.urdf", encoding: .utf8).utf8)
        var rng = RNG(seed: 2024)
        let alphabet = Array("<>/=\"' -.e0123456789abcxyz&;!?[]\n".utf8)
        var parsed = 0, rejected = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<(1 + rng.int(below: 4)) {
                let i = rng.int(below: bytes.count)
                switch rng.int(below: 3) {
                case 0: bytes[i] = alphabet[rng.int(below: alphabet.count)]
                case 1: bytes.remove(at: i)
                default: bytes.insert(alphabet[rng.int(below: alphabet.count)], at: i)
                }
            }
            do {
                _ = try URDFLoader.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.urdf")
                parsed += 1
            } catch let e as InputError {
                #expect(e.source == "fuzz.urdf" && !e.message.isEmpty)
                rejected += 1
            }
        }
        #expect(parsed > 0 && rejected > 0)
    }
}
