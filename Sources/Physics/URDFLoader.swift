import Diagnostics
import Foundation
import Geometry

/// Loads robot files (URDF with Swiftlet's conventions, see docs/physics.md).
///
/// Elements are looked up by name, never by position. Every problem is an `InputError` naming
/// the file, the element (with its line) and the bad value.
public enum URDFLoader {
    /// Reads and parses the robot file at `path`.
    /// A relative path missing from the working directory is looked up in the checkout
    /// (`BundledResource`).
    public static func load(path: String) throws -> RobotDescription {
        let data = try InputFile.read(BundledResource.resolve(path), as: "a URDF robot file", display: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path, "robot file is not valid UTF-8")
        }
        return try parse(text, source: path)
    }

    /// Parses URDF text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> RobotDescription {
        let root = try XMLParser.parse(text, source: source)
        var r = Reader(source: source)
        return try r.robot(root)
    }
}

private struct Reader {
    let source: String

    func fail(_ el: XMLElement, _ message: String) -> InputError {
        InputError(source, at: "<\(el.name)> line \(el.line)", message)
    }

    func string(_ el: XMLElement, _ key: String) throws -> String {
        guard let v = el[key] else { throw fail(el, "missing required attribute '\(key)'") }
        return v
    }

    func number(_ el: XMLElement, _ key: String, default value: Double? = nil, positive: Bool = false,
                nonNegative: Bool = false) throws -> Double {
        guard let raw = el[key] else {
            if let value { return value }
            throw fail(el, "missing required attribute '\(key)'")
        }
        guard let v = Double(raw.trimmingSpaces()), v.isFinite else {
            throw fail(el, "attribute '\(key)' is not a finite number: '\(raw)'")
        }
        if positive && !(v > 0) { throw fail(el, "attribute '\(key)' must be positive, got \(raw)") }
        if nonNegative && v < 0 { throw fail(el, "attribute '\(key)' must not be negative, got \(raw)") }
        return v
    }

    func vector(_ el: XMLElement, _ key: String, default value: Vec3) throws -> Vec3 {
        guard let raw = el[key] else { return value }
        let parts = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        let nums = parts.compactMap { Double($0) }
        guard parts.count == 3, nums.count == 3, nums.allSatisfy(\.isFinite) else {
            throw fail(el, "attribute '\(key)' must be three finite numbers, got '\(raw)'")
        }
        return Vec3(nums[0], nums[1], nums[2])
    }

    func origin(_ parent: XMLElement) throws -> Pose {
        guard let o = parent.child("origin") else { return .identity }
        let xyz = try vector(o, "xyz", default: .zero)
        let rpy = try vector(o, "rpy", default: .zero)
        return Pose(position: xyz, orientation: Quaternion(roll: rpy.x, pitch: rpy.y, yaw: rpy.z))
    }

    func link(_ robot: XMLElement, _ name: String) -> XMLElement? {
        robot.children("link").first { $0["name"] == name }
    }

    /// mass, inertia and centre of mass of a link; massless frames (mass 0, inertia 0) allowed
    func inertial(_ linkEl: XMLElement, requireMass: Bool) throws -> (mass: Double, inertia: Mat3, com: Vec3) {
        guard let inertialEl = linkEl.child("inertial") else {
            if requireMass { throw fail(linkEl, "link '\(linkEl["name"] ?? "")' has no <inertial>") }
            return (0, Mat3(diagonal: .zero), .zero)
        }
        guard let massEl = inertialEl.child("mass") else { throw fail(inertialEl, "missing <mass> element") }
        guard let rawMass = massEl["value"] else { throw fail(massEl, "missing required attribute 'value'") }
        guard let mass = Double(rawMass.trimmingSpaces()), !mass.isNaN else {
            throw fail(massEl, "mass is not a number: '\(rawMass)'")
        }
        guard mass.isFinite, mass >= 0 else { throw fail(massEl, "mass must be finite and non-negative, got \(rawMass)") }
        if requireMass && mass == 0 { throw fail(massEl, "mass of link '\(linkEl["name"] ?? "")' must be positive, got \(rawMass)") }
        let com = try origin(inertialEl).position
        guard let inEl = inertialEl.child("inertia") else { throw fail(inertialEl, "missing <inertia> element") }
        let ixx = try number(inEl, "ixx"), iyy = try number(inEl, "iyy"), izz = try number(inEl, "izz")
        let ixy = try number(inEl, "ixy", default: 0), ixz = try number(inEl, "ixz", default: 0)
        let iyz = try number(inEl, "iyz", default: 0)
        let m = Mat3(rows: Vec3(ixx, ixy, ixz), Vec3(ixy, iyy, iyz), Vec3(ixz, iyz, izz))
        let allZero = [ixx, iyy, izz, ixy, ixz, iyz].allSatisfy { $0 == 0 }
        if mass == 0 && allZero && !requireMass { return (0, m, com) }
        let values = "ixx=\(ixx) iyy=\(iyy) izz=\(izz) ixy=\(ixy) ixz=\(ixz) iyz=\(iyz)"
        guard m.isPositiveDefinite else { throw fail(inEl, "inertia is not positive definite (\(values))") }
        // principal moments obey the triangle inequality: each at most the sum of the other two
        let tol = 1e-12 * (ixx + iyy + izz)
        if ixx > iyy + izz + tol || iyy > ixx + izz + tol || izz > ixx + iyy + tol {
            throw fail(inEl, "inertia violates the triangle inequality (\(values))")
        }
        return (mass, m, com)
    }

    mutating func robot(_ root: XMLElement) throws -> RobotDescription {
        guard root.name == "robot" else { throw fail(root, "root element must be <robot>, found <\(root.name)>") }
        let name = try string(root, "name")
        guard let base = link(root, "base_link") else { throw fail(root, "no <link name=\"base_link\">") }
        let (mass, inertia, _) = try inertial(base, requireMass: true)

        // collision shape of the base link
        var shape: CollisionShape?
        var collisionOrigin = Vec3.zero
        if let col = base.child("collision") {
            collisionOrigin = try origin(col).position
            guard let geo = col.child("geometry") else { throw fail(col, "missing <geometry> element") }
            if let cyl = geo.child("cylinder") {
                shape = .cylinder(radius: try number(cyl, "radius", positive: true), length: try number(cyl, "length", positive: true))
            } else if let box = geo.child("box") {
                let s = try vector(box, "size", default: .zero)
                guard s.x > 0, s.y > 0, s.z > 0 else { throw fail(box, "box size must be three positive numbers, got '\(box["size"] ?? "")'") }
                shape = .box(size: s)
            } else if let sph = geo.child("sphere") {
                let r = try number(sph, "radius", positive: true)
                shape = .cylinder(radius: r, length: 2 * r)
            } else {
                throw fail(geo, "collision geometry must be a cylinder, box or sphere")
            }
        }
        guard let collision = shape else { throw fail(base, "base_link has no <collision> geometry") }

        // coefficients
        guard let props = root.child("properties") else { throw fail(root, "missing <properties> element with the vehicle coefficients") }
        let kind: RobotDescription.Kind
        if let drive = props["drive"] {
            kind = .ground(try groundParameters(props, drive: drive))
        } else {
            kind = .quadrotor(try quadrotorParameters(root, props))
        }

        return RobotDescription(name: name, source: source, mass: mass, inertia: inertia, collision: collision,
                                collisionOrigin: collisionOrigin, camera: try camera(root), kind: kind)
    }

    func quadrotorParameters(_ root: XMLElement, _ p: XMLElement) throws -> QuadrotorParameters {
        var rotors: [Vec3] = []
        for i in 0..<4 {
            guard let l = link(root, "prop\(i)_link") else { throw fail(root, "no <link name=\"prop\(i)_link\"> (rotor \(i) position)") }
            guard l.child("inertial") != nil else { throw fail(l, "prop\(i)_link has no <inertial> origin giving the rotor position") }
            let pos = try inertial(l, requireMass: false).com
            rotors.append(pos)
        }
        return QuadrotorParameters(
            arm: try number(p, "arm", positive: true),
            kf: try number(p, "kf", positive: true),
            km: try number(p, "km", positive: true),
            thrustToWeight: try number(p, "thrust2weight", positive: true),
            maxSpeedKmh: try number(p, "max_speed_kmh", default: 30, positive: true),
            groundEffectCoefficient: try number(p, "gnd_eff_coeff", default: 0, nonNegative: true),
            propRadius: try number(p, "prop_radius", default: 0, nonNegative: true),
            dragXY: try number(p, "drag_coeff_xy", default: 0, nonNegative: true),
            dragZ: try number(p, "drag_coeff_z", default: 0, nonNegative: true),
            downwash: SIMD3(try number(p, "dw_coeff_1", default: 0), try number(p, "dw_coeff_2", default: 0),
                            try number(p, "dw_coeff_3", default: 0)),
            rotorPositions: rotors)
    }

    func groundParameters(_ p: XMLElement, drive: String) throws -> GroundVehicleParameters {
        guard let d = GroundVehicleParameters.Drive(rawValue: drive) else {
            throw fail(p, "attribute 'drive' must be 'differential' or 'ackermann', got '\(drive)'")
        }
        let slip = try number(p, "slip", default: 0, nonNegative: true)
        guard slip < 1 else { throw fail(p, "attribute 'slip' must be in [0, 1), got \(slip)") }
        let ack = d == .ackermann
        return GroundVehicleParameters(
            drive: d,
            wheelBase: try number(p, "wheel_base", positive: true),
            trackWidth: try number(p, "track_width", positive: true),
            wheelRadius: try number(p, "wheel_radius", positive: true),
            maxSpeed: try number(p, "max_speed", positive: true),
            maxAcceleration: try number(p, "max_accel", positive: true),
            maxYawRate: try number(p, "max_yaw_rate", default: ack ? 10 : nil, positive: true),
            maxYawAcceleration: try number(p, "max_yaw_accel", default: ack ? 100 : nil, positive: true),
            maxSteering: try number(p, "max_steer", default: ack ? nil : 0, nonNegative: true),
            maxSteeringRate: try number(p, "max_steer_rate", default: ack ? nil : 0, nonNegative: true),
            slip: slip)
    }

    func camera(_ root: XMLElement) throws -> CameraMount {
        let joint = root.children("joint").first(where: { $0.child("child")?["link"] == "camera_link" })
        var mount = CameraMount()
        // files published by other projects carry no camera: a default forward camera at the origin
        guard let cam = root.child("camera") else {
            if let joint { throw fail(joint, "camera_link is mounted but <robot> has no <camera> element") }
            return mount
        }
        let w = try number(cam, "width", positive: true), h = try number(cam, "height", positive: true)
        guard w == w.rounded(), h == h.rounded(), w <= 8192, h <= 8192 else {
            throw fail(cam, "width and height must be whole pixel counts up to 8192, got \(cam["width"] ?? "") x \(cam["height"] ?? "")")
        }
        mount.width = Int(w)
        mount.height = Int(h)
        mount.horizontalFOVDegrees = try number(cam, "fov", positive: true)
        guard mount.horizontalFOVDegrees < 180 else { throw fail(cam, "attribute 'fov' must be below 180 degrees, got \(mount.horizontalFOVDegrees)") }
        mount.rateHz = try number(cam, "rate", positive: true)
        mount.latency = try number(cam, "latency", default: 0, nonNegative: true)
        // the mount pose: the fixed joint whose child is camera_link
        guard let joint else {
            throw fail(root, "no fixed <joint> with <child link=\"camera_link\"> giving the camera mount pose")
        }
        guard joint["type"] == "fixed" else { throw fail(joint, "camera joint must be type=\"fixed\", got '\(joint["type"] ?? "")'") }
        guard joint.child("parent")?["link"] == "base_link" else {
            throw fail(joint, "camera joint parent must be base_link, got '\(joint.child("parent")?["link"] ?? "")'")
        }
        mount.pose = try origin(joint)
        return mount
    }
}
