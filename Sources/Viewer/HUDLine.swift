/// One method-specific HUD line (e.g. the safety filter's value and threshold), drawn under the
/// standard lines; `isAlert` draws it in the alert colour (a filter fallback, out of
/// distribution, a predicted collision).
public struct HUDLine: Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    public var isAlert: Bool

    public init(_ text: String, isAlert: Bool = false) {
        self.text = text
        self.isAlert = isAlert
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }
}
