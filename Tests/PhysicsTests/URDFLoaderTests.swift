import Foundation
import Geometry
import Testing
import TestSupport
@testable import Physics

@Suite struct URDFLoaderTests {
    @Test func cf2xMatchesPublishedValues() throws {
        let r = try RobotFiles.load("cf2x")
        let q = try #require(r.quadrotor)
        #expect(r.mass == 0.027)
        #expect(r.inertia[0, 0] == 1.4e-5 && r.inertia[1, 1] == 1.4e-5 && r.inertia[2, 2] == 2.17e-5)
        #expect(q.kf == 3.16e-10 && q.km == 7.94e-12 && q.thrustToWeight == 2.25 && q.maxSpeedKmh == 30)
        #expect(q.groundEffectCoefficient == 11.36859 && q.propRadius == 2.31348e-2)
        #expect(q.dragXY == 9.1785e-7 && q.dragZ == 10.311e-7)
        #expect(q.downwash == SIMD3(2267.18, 0.16, -0.11))
        #expect(q.rotorPositions == [Vec3(0.028, -0.028, 0), Vec3(-0.028, -0.028, 0), Vec3(-0.028, 0.028, 0), Vec3(0.028, 0.028, 0)])
        #expect(q.yawSigns == SIMD4(-1, 1, -1, 1))
        #expect(r.collision == .cylinder(radius: 0.06, length: 0.025))
        #expect(r.camera.width == 64 && r.camera.height == 64 && r.camera.horizontalFOVDegrees == 90)
        #expect(r.camera.pose.position == Vec3(0.015, 0, 0.01))
        // derived hover and max speeds from REFERENCE.md
        let m = QuadrotorModel(robot: r)
        #expect(abs(m.hoverRPM - 14_468) < 1)
        #expect(abs(m.maxRPM - 21_703) < 1)
    }

    @Test func otherRobotsLoadWithTheirKinds() throws {
        let big = try RobotFiles.load("quad750")
        #expect(big.mass == 0.75 && big.quadrotor != nil)
        let jackal = try RobotFiles.load("jackal")
        #expect(jackal.ground?.drive == .differential)
        #expect(jackal.collision == .box(size: Vec3(0.508, 0.430, 0.250)))
        let car = try RobotFiles.load("rccar")
        #expect(car.ground?.drive == .ackermann)
        #expect(car.ground?.maxSteering == 0.4)
        #expect(abs(car.camera.pose.position.x - 0.26) < 1e-12)
        #expect(abs(big.camera.pose.orientation.eulerAngles.pitch - 0.1745) < 1e-9)
    }

    @Test func acceptsElementsInAnyOrderAndNoCamera() throws {
        // properties after the links, comments in between, no camera: the published layout varies
        let text = RobotFiles.quadrotor().replacingOccurrences(of: "<robot name=\"tiny\">", with: "<robot name=\"tiny\"><!-- c -->")
        let r = try URDFLoader.parse(text, source: "inline")
        #expect(r.camera == CameraMount())
        #expect(r.quadrotor?.rotorPositions[2] == Vec3(-0.028, 0.028, 0))
        // defaults of optional coefficients
        #expect(r.quadrotor?.dragXY == 0)
    }

    func expectError(_ text: String, containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try URDFLoader.parse(text, source: "bad.urdf")
            Issue.record("no error for bad URDF", sourceLocation: sourceLocation)
        } catch {
            let s = "\(error)"
            for p in ["bad.urdf"] + parts where !s.contains(p) {
                Issue.record("error '\(s)' lacks '\(p)'", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func badMassesNameElementAndValue() {
        expectError(RobotFiles.quadrotor(mass: "-1"), containing: ["<mass>", "-1"])
        expectError(RobotFiles.quadrotor(mass: "nan"), containing: ["<mass>", "nan"])
        expectError(RobotFiles.quadrotor(mass: "abc"), containing: ["<mass>", "abc"])
        expectError(RobotFiles.quadrotor(mass: "0"), containing: ["<mass>", "positive"])
        expectError(RobotFiles.quadrotor().replacingOccurrences(of: "<mass value=\"0.027\"/>", with: ""), containing: ["<inertial>", "<mass>"])
    }

    @Test func badInertiasAreRejected() {
        expectError(RobotFiles.quadrotor(inertia: #"ixx="1e-5" ixy="0" ixz="0" iyy="-1e-5" iyz="0" izz="1e-5""#),
                    containing: ["<inertia>", "positive definite", "-1e-05"])
        expectError(RobotFiles.quadrotor(inertia: #"ixx="1e-5" ixy="2e-5" ixz="0" iyy="1e-5" iyz="0" izz="1e-5""#),
                    containing: ["<inertia>", "positive definite"])
        expectError(RobotFiles.quadrotor(inertia: #"ixx="1e-5" ixy="0" ixz="0" iyy="1e-5" iyz="0" izz="5e-5""#),
                    containing: ["<inertia>", "triangle", "izz=5e-05"])
        expectError(RobotFiles.quadrotor(inertia: #"ixx="1e-5" iyy="1e-5""#), containing: ["<inertia>", "izz"])
    }

    @Test func badOrMissingAttributesAreRejected() {
        expectError(RobotFiles.quadrotor(properties: #"arm="0.0397" km="7.94e-12" thrust2weight="2.25""#),
                    containing: ["<properties>", "'kf'"])
        expectError(RobotFiles.quadrotor(properties: #"arm="0.0397" kf="fast" km="7.94e-12" thrust2weight="2.25""#),
                    containing: ["<properties>", "'kf'", "fast"])
        expectError(RobotFiles.quadrotor(properties: #"arm="0.0397" kf="-3e-10" km="7.94e-12" thrust2weight="2.25""#),
                    containing: ["'kf'", "-3e-10"])
        expectError(RobotFiles.quadrotor().replacingOccurrences(of: "prop3_link", with: "prop9_link"), containing: ["prop3_link"])
        expectError(RobotFiles.quadrotor().replacingOccurrences(of: "\"0.028 0.028 0\"", with: "\"0.028 x 0\""),
                    containing: ["<origin>", "0.028 x 0"])
        expectError(RobotFiles.quadrotor().replacingOccurrences(of: "radius=\"0.06\"", with: "radius=\"0\""),
                    containing: ["<cylinder>", "radius"])
        expectError("<robot name='x'><link name='base_link'>", containing: ["line 1", "never closed"])
        expectError("<notarobot/>", containing: ["<robot>"])
        expectError(RobotFiles.quadrotor().replacingOccurrences(of: "</robot>", with: """
          <camera width="64" height="48" fov="200" rate="30"/>
          <link name="camera_link"/>
          <joint name="cj" type="fixed"><parent link="base_link"/><child link="camera_link"/></joint>
        </robot>
        """), containing: ["<camera>", "fov", "200"])
    }

    @Test func groundRobotValidation() throws {
        let jackal = try String(contentsOfFile: RobotFiles.directory + "/jackal.urdf", encoding: .utf8)
        expectError(jackal.replacingOccurrences(of: "drive=\"differential\"", with: "drive=\"tank\""), containing: ["<properties>", "tank"])
        expectError(jackal.replacingOccurrences(of: "slip=\"0.05\"", with: "slip=\"1.5\""), containing: ["slip", "1.5"])
        expectError(jackal.replacingOccurrences(of: "size=\"0.508 0.430 0.250\"", with: "size=\"0.5 0.4\""), containing: ["<box>", "0.5 0.4"])
    }

    @Test func missingFileIsAnErrorNotACrash() {
        do {
            _ = try URDFLoader.load(path: "/nonexistent/robot.urdf")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("/nonexistent/robot.urdf"))
        }
    }
}

