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

    @Test func malformedInputsThrowNotTrap() {
        let cases = ["", "<", "<a", "<a b=1/>", "<a b=\"1/>", "<a></a><b/>", "<a>&bogus;</a>", "<!-- x", "<a><b></a>",
                     "<a b='1' b='2'/>", "text", "<a>\u{0}</b>"]
        for c in cases {
            #expect(throws: (any Error).self) { try XMLParser.parse(c, source: "fuzz") }
        }
    }
}
