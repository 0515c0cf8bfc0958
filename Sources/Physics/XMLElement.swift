/// One element of a parsed XML document: name, attributes, child elements and the 1-based line
/// where its start tag began (for error messages). Text content is kept only as `text`
/// (concatenated, entities decoded); URDF does not need mixed content.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    public var text: String
    public var line: Int

    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [],
                text: String = "", line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The first child element called `name`, or nil.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child element called `name`, in document order.
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The attribute `key`, or nil.
    public subscript(key: String) -> String? { attributes[key] }
}
