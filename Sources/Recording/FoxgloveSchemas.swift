/// JSON Schemas (schema encoding `jsonschema`) for the Foxglove message types Swiftlet writes,
/// written after the public Foxglove schema definitions. Foxglove recognises a channel by the
/// schema *name* (`foxglove.PoseInFrame`, ...); the texts describe the fields Swiftlet emits.
public enum FoxgloveSchemas {
    static let time = #"{"type":"object","title":"time","properties":{"sec":{"type":"integer","minimum":0},"nsec":{"type":"integer","minimum":0,"maximum":999999999}}}"#
    static let duration = #"{"type":"object","title":"duration","properties":{"sec":{"type":"integer"},"nsec":{"type":"integer","minimum":0,"maximum":999999999}}}"#
    static let vector3 = #"{"title":"foxglove.Vector3","type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"},"z":{"type":"number"}}}"#
    static let point3 = #"{"title":"foxglove.Point3","type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"},"z":{"type":"number"}}}"#
    static let quaternion = #"{"title":"foxglove.Quaternion","type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"},"z":{"type":"number"},"w":{"type":"number"}}}"#
    static let color = #"{"title":"foxglove.Color","type":"object","properties":{"r":{"type":"number"},"g":{"type":"number"},"b":{"type":"number"},"a":{"type":"number"}}}"#
    static let pose = #"{"title":"foxglove.Pose","type":"object","properties":{"position":\#(vector3),"orientation":\#(quaternion)}}"#

    /// foxglove.PoseInFrame: `timestamp`, `frame_id`, `pose`.
    public static let poseInFrame = #"{"title":"foxglove.PoseInFrame","description":"A timestamped pose for an object or reference frame in 3D space","type":"object","properties":{"timestamp":\#(time),"frame_id":{"type":"string"},"pose":\#(pose)}}"#

    /// foxglove.FrameTransform: `timestamp`, `parent_frame_id`, `child_frame_id`, `translation`, `rotation`.
    public static let frameTransform = #"{"title":"foxglove.FrameTransform","description":"A transform between two reference frames in 3D space","type":"object","properties":{"timestamp":\#(time),"parent_frame_id":{"type":"string"},"child_frame_id":{"type":"string"},"translation":\#(vector3),"rotation":\#(quaternion)}}"#

    /// foxglove.RawImage: `timestamp`, `frame_id`, `width`, `height`, `encoding`, `step`, `data` (base64).
    public static let rawImage = #"{"title":"foxglove.RawImage","description":"A raw image","type":"object","properties":{"timestamp":\#(time),"frame_id":{"type":"string"},"width":{"type":"integer","minimum":0},"height":{"type":"integer","minimum":0},"encoding":{"type":"string","description":"mono8, rgb8 or 32FC1 (little endian)"},"step":{"type":"integer","minimum":0,"description":"Byte length of a single row"},"data":{"type":"string","contentEncoding":"base64"}}}"#

    /// foxglove.CameraCalibration: `timestamp`, `frame_id`, `width`, `height`, `distortion_model`, `D`, `K`, `R`, `P`.
    public static let cameraCalibration = #"{"title":"foxglove.CameraCalibration","description":"Camera calibration parameters","type":"object","properties":{"timestamp":\#(time),"frame_id":{"type":"string"},"width":{"type":"integer","minimum":0},"height":{"type":"integer","minimum":0},"distortion_model":{"type":"string"},"D":{"type":"array","items":{"type":"number"}},"K":{"type":"array","items":{"type":"number"},"minItems":9,"maxItems":9},"R":{"type":"array","items":{"type":"number"},"minItems":9,"maxItems":9},"P":{"type":"array","items":{"type":"number"},"minItems":12,"maxItems":12}}}"#

    static let cube = #"{"title":"foxglove.CubePrimitive","type":"object","properties":{"pose":\#(pose),"size":\#(vector3),"color":\#(color)}}"#
    static let sphere = #"{"title":"foxglove.SpherePrimitive","type":"object","properties":{"pose":\#(pose),"size":\#(vector3),"color":\#(color)}}"#
    static let cylinder = #"{"title":"foxglove.CylinderPrimitive","type":"object","properties":{"pose":\#(pose),"size":\#(vector3),"bottom_scale":{"type":"number"},"top_scale":{"type":"number"},"color":\#(color)}}"#
    static let line = #"{"title":"foxglove.LinePrimitive","type":"object","properties":{"type":{"title":"foxglove.LineType","oneOf":[{"title":"LINE_STRIP","const":0},{"title":"LINE_LOOP","const":1},{"title":"LINE_LIST","const":2}]},"pose":\#(pose),"thickness":{"type":"number"},"scale_invariant":{"type":"boolean"},"points":{"type":"array","items":\#(point3)},"color":\#(color),"colors":{"type":"array","items":\#(color)},"indices":{"type":"array","items":{"type":"integer","minimum":0}}}}"#
    static let any = #"{"type":"array","items":{"type":"object"}}"#
    static let entity = #"{"title":"foxglove.SceneEntity","type":"object","properties":{"timestamp":\#(time),"frame_id":{"type":"string"},"id":{"type":"string"},"lifetime":\#(duration),"frame_locked":{"type":"boolean"},"metadata":{"type":"array","items":{"title":"foxglove.KeyValuePair","type":"object","properties":{"key":{"type":"string"},"value":{"type":"string"}}}},"arrows":\#(any),"cubes":{"type":"array","items":\#(cube)},"spheres":{"type":"array","items":\#(sphere)},"cylinders":{"type":"array","items":\#(cylinder)},"lines":{"type":"array","items":\#(line)},"triangles":\#(any),"texts":\#(any),"models":\#(any)}}"#

    /// foxglove.SceneUpdate: `deletions`, `entities` (cubes, spheres, cylinders, lines used).
    public static let sceneUpdate = #"{"title":"foxglove.SceneUpdate","description":"An update to the entities displayed in a 3D scene","type":"object","properties":{"deletions":{"type":"array","items":{"title":"foxglove.SceneEntityDeletion","type":"object","properties":{"timestamp":\#(time),"type":{"oneOf":[{"title":"MATCHING_ID","const":0},{"title":"ALL","const":1}]},"id":{"type":"string"}}}},"entities":{"type":"array","items":\#(entity)}}}"#
}

/// JSON Schemas of Swiftlet's own channels (names `swiftlet.*`).
public enum SwiftletSchemas {
    static let time = FoxgloveSchemas.time
    static let numbers = #"{"type":"array","items":{"type":"number"}}"#

    /// swiftlet.EpisodeMetadata: what replay needs to re-simulate the episode.
    public static let episodeMetadata = #"{"title":"swiftlet.EpisodeMetadata","type":"object","properties":{"timestamp":\#(time),"world":{"type":"string","description":"world file or generator name"},"seed":{"type":"integer","minimum":0,"description":"episode seed (exact, up to 2^64-1)"},"robot":{"type":"string"},"profile":{"type":"string","description":"domain profile, e.g. sim or real"},"software_version":{"type":"string"},"dt":{"type":"number","description":"control period, s"},"command_names":{"type":"array","items":{"type":"string"}},"extra":{"type":"object","additionalProperties":{"type":"string"}}}}"#

    /// swiftlet.Command: the command applied at control step `step`.
    public static let command = #"{"title":"swiftlet.Command","type":"object","properties":{"timestamp":\#(time),"step":{"type":"integer","minimum":0},"values":\#(numbers)}}"#

    /// swiftlet.MotorSpeeds: rotor or wheel speeds.
    public static let motorSpeeds = #"{"title":"swiftlet.MotorSpeeds","type":"object","properties":{"timestamp":\#(time),"speeds":\#(numbers),"unit":{"type":"string","description":"rpm or rad/s"}}}"#

    /// swiftlet.Event: collision, reset or warning.
    public static let event = #"{"title":"swiftlet.Event","type":"object","properties":{"timestamp":\#(time),"step":{"type":"integer","minimum":0},"kind":{"type":"string","enum":["collision","reset","warning"]},"detail":{"type":"string"},"position":\#(FoxgloveSchemas.vector3)}}"#

    /// swiftlet.PlannerDiagnostics: one planning call.
    public static let plannerDiagnostics = #"{"title":"swiftlet.PlannerDiagnostics","type":"object","properties":{"timestamp":\#(time),"step":{"type":"integer","minimum":0},"planner":{"type":"string"},"best_cost":{"type":"number"},"collision_probability":{"type":"number","description":"predicted for the chosen plan"},"candidates":{"type":"integer"},"iterations":{"type":"integer"},"values":{"type":"object","additionalProperties":{"type":"number"}}}}"#
}

extension SwiftletSchemas {
    /// swiftlet.SwarmEvent: a swarm vehicle's event, as swiftlet.Event plus `other_vehicle`, the
    /// vehicle it touched (contacts only).
    public static let swarmEvent = #"{"title":"swiftlet.SwarmEvent","type":"object","properties":{"timestamp":\#(time),"step":{"type":"integer","minimum":0},"kind":{"type":"string","enum":["collision","reset","warning"]},"detail":{"type":"string"},"position":\#(FoxgloveSchemas.vector3),"other_vehicle":{"type":"integer","minimum":0,"description":"the vehicle touched (vehicle-vehicle contacts)"}}}"#
}
