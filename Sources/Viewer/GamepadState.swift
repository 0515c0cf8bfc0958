/// Game controller sticks, each axis normalised to -1...1 (SDL's raw -32768...32767 / 32767).
///
/// SDL convention: `leftX` right positive, `leftY` down positive; likewise for the right stick.
/// Triggers are 0...1.
public struct GamepadState: Sendable, Equatable {
    public var leftX = 0.0
    public var leftY = 0.0
    public var rightX = 0.0
    public var rightY = 0.0
    public var leftTrigger = 0.0
    public var rightTrigger = 0.0

    public init(leftX: Double = 0, leftY: Double = 0, rightX: Double = 0, rightY: Double = 0,
                leftTrigger: Double = 0, rightTrigger: Double = 0) {
        self.leftX = leftX
        self.leftY = leftY
        self.rightX = rightX
        self.rightY = rightY
        self.leftTrigger = leftTrigger
        self.rightTrigger = rightTrigger
    }

    /// Maps a raw SDL axis value (-32768...32767) to -1...1.
    public static func normalise(_ raw: Int16) -> Double {
        Swift.max(-1, Double(raw) / 32767)
    }
}
