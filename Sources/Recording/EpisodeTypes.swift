import Diagnostics
import Geometry

/// What replay needs to re-simulate an episode, written once at time 0 on `/swiftlet/metadata`.
public struct EpisodeMetadata: Sendable, Equatable {
    /// World file path or generator name (with its parameters).
    public var world: String
    /// Episode seed: replay re-seeds with exactly this value.
    public var seed: UInt64
    /// Robot name or URDF path.
    public var robot: String
    /// Domain profile ("sim", "real").
    public var profile: String
    public var softwareVersion: String
    /// Control period in seconds.
    public var dt: Double
    /// Names of the components of each command vector ("forward_speed", "yaw_rate", ...).
    public var commandNames: [String]
    /// Anything else (policy file, controller, camera settings), as strings.
    public var extra: [String: String]

    public init(world: String, seed: UInt64, robot: String, profile: String, dt: Double,
                commandNames: [String] = [], extra: [String: String] = [:],
                softwareVersion: String = SwiftletVersion.string) {
        self.world = world; self.seed = seed; self.robot = robot; self.profile = profile
        self.softwareVersion = softwareVersion; self.dt = dt; self.commandNames = commandNames; self.extra = extra
    }
}

/// Kinds of `/swiftlet/events` messages.
public enum EpisodeEventKind: String, Sendable, Equatable, CaseIterable {
    case collision, reset, warning
}

/// One planning call, for `/swiftlet/planner`.
public struct PlannerDiagnostics: Sendable, Equatable {
    /// Planner name ("cem", "mppi").
    public var planner: String
    public var bestCost: Double
    /// Predicted collision probability of the chosen plan.
    public var collisionProbability: Double
    public var candidates: Int
    public var iterations: Int
    /// Further named figures (e.g. "plan_ms", "cost_std").
    public var values: [String: Double]

    public init(planner: String, bestCost: Double, collisionProbability: Double, candidates: Int,
                iterations: Int, values: [String: Double] = [:]) {
        self.planner = planner; self.bestCost = bestCost; self.collisionProbability = collisionProbability
        self.candidates = candidates; self.iterations = iterations; self.values = values
    }
}

/// An obstacle drawn on `/scene` (world frame, metres).
public enum SceneObstacle: Sendable, Equatable {
    /// Box with full edge lengths `size` along its own axes.
    case box(center: Vec3, size: Vec3, orientation: Quaternion)
    /// Cylinder with its axis along its local z.
    case cylinder(center: Vec3, radius: Double, height: Double, orientation: Quaternion)
    case sphere(center: Vec3, radius: Double)
}

/// Pixel formats Swiftlet writes (the encoding names of ROS `sensor_msgs/msg/Image` and `foxglove.RawImage`).
public enum ImageEncoding: String, Sendable, Equatable, CaseIterable {
    /// 8-bit gray.
    case mono8
    /// 8-bit red, green, blue interleaved.
    case rgb8
    /// 32-bit float depth in metres, little-endian.
    case depth32F = "32FC1"

    public var bytesPerPixel: Int {
        switch self {
        case .mono8: 1
        case .rgb8: 3
        case .depth32F: 4
        }
    }

    /// Whether `count` bytes are a `width` x `height` image of this encoding with `step` bytes per
    /// row (at least a row's pixels): the sizes a message states, compared without an
    /// arithmetic step that could overflow whatever they are.
    public func fits(width: Int, height: Int, step: Int, count: Int) -> Bool {
        let row = width.multipliedReportingOverflow(by: bytesPerPixel)
        let bytes = step.multipliedReportingOverflow(by: height)
        return width >= 0 && height >= 0 && !row.overflow && !bytes.overflow && step >= row.partialValue
            && count == bytes.partialValue
    }
}

/// How camera frames are written to a log: ROS 2 `sensor_msgs/msg/Image` in CDR (binary
/// pixels, the default) or `foxglove.RawImage` JSON (base64 pixels, as all logs were before CDR
/// images). Readers accept both whatever this says.
public enum ImageMessageEncoding: String, Sendable, Equatable, CaseIterable {
    /// `sensor_msgs/msg/Image`, schema encoding `ros2msg`, message encoding `cdr`.
    case cdr
    /// `foxglove.RawImage`, schema encoding `jsonschema`, message encoding `json`.
    case json

    /// The encoding a command-line value names (`cdr` or `json`; nil: the default, CDR); an
    /// `InputError` naming `source` otherwise. `recording` says whether the command records at
    /// all: the flag without `--record` is refused.
    public static func parse(_ text: String?, recording: Bool, source: String = "--image-encoding") throws -> ImageMessageEncoding {
        guard let text else { return .cdr }
        guard recording else { throw InputError(source, "only applies with --record") }
        guard let e = ImageMessageEncoding(rawValue: text) else {
            throw InputError(source, "expected cdr or json, got '\(text)'")
        }
        return e
    }
}

/// Topic names of a Swiftlet episode log.
public enum EpisodeTopics {
    /// foxglove.PoseInFrame: body pose in the world frame, at the control rate.
    public static let pose = "/pose"
    /// foxglove.FrameTransform: world -> body and body -> camera, one transform per message.
    public static let tf = "/tf"
    /// foxglove.SceneUpdate: the obstacles, once.
    public static let scene = "/scene"
    /// foxglove.SceneUpdate: planned trajectories as line strips coloured by collision probability.
    public static let plannedPaths = "/planner/paths"
    /// swiftlet.EpisodeMetadata, once at time 0.
    public static let metadata = "/swiftlet/metadata"
    /// swiftlet.Command, at the control rate.
    public static let command = "/swiftlet/command"
    /// swiftlet.MotorSpeeds.
    public static let motors = "/swiftlet/motors"
    /// swiftlet.Event.
    public static let events = "/swiftlet/events"
    /// swiftlet.PlannerDiagnostics.
    public static let planner = "/swiftlet/planner"
    /// sensor_msgs/msg/Image (CDR) or foxglove.RawImage (JSON), mono8 or rgb8, of camera `camera`.
    public static func image(_ camera: String) -> String { "/\(camera)/image" }
    /// sensor_msgs/msg/Image (CDR) or foxglove.RawImage (JSON), 32FC1 depth in metres.
    public static func depth(_ camera: String) -> String { "/\(camera)/depth" }
    /// foxglove.CameraCalibration.
    public static func calibration(_ camera: String) -> String { "/\(camera)/calibration" }

    /// Frame names.
    public static let worldFrame = "world"
    public static let bodyFrame = "body"
}
