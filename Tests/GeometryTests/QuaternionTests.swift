import Geometry
import Testing
import TestSupport

@Suite struct QuaternionTests {
    @Test func rotationMatchesMatrixAndComposition() {
        var rng = RNG(seed: 3)
        for _ in 0..<200 {
            let a = Quaternion(x: rng.normal(), y: rng.normal(), z: rng.normal(), w: rng.normal()).normalized
            let b = Quaternion(x: rng.normal(), y: rng.normal(), z: rng.normal(), w: rng.normal()).normalized
            let v = Vec3(rng.normal(), rng.normal(), rng.normal())
            #expect(isClose(a.rotate(v), a.matrix * v, abs: 1e-12))
            #expect(isClose((a * b).rotate(v), a.rotate(b.rotate(v)), abs: 1e-12))
            #expect(isClose(a.inverseRotate(a.rotate(v)), v, abs: 1e-12))
            #expect(isClose(a.rotate(v).length, v.length, abs: 1e-12))
        }
    }

    @Test func axisAngleAndEulerAgree() {
        let q = Quaternion(axis: .unitZ, angle: .pi / 2)
        #expect(isClose(q.rotate(.unitX), .unitY, abs: 1e-15))
        for (roll, pitch, yaw) in [(0.1, -0.2, 0.3), (-1.0, 0.5, 3.0), (0.0, 0.0, -2.5)] {
            let e = Quaternion(roll: roll, pitch: pitch, yaw: yaw)
            let composed = Quaternion(axis: .unitZ, angle: yaw) * Quaternion(axis: .unitY, angle: pitch)
                * Quaternion(axis: .unitX, angle: roll)
            #expect(e.angle(to: composed) < 1e-12)
            let back = e.eulerAngles
            #expect(isClose(back.roll, roll, abs: 1e-12))
            #expect(isClose(back.pitch, pitch, abs: 1e-12))
            #expect(isClose(back.yaw, yaw, abs: 1e-12))
            #expect(isClose(e.yaw, yaw, abs: 1e-12))
        }
    }

    @Test func derivativeIntegratesToRotation() {
        // constant body rate about z for 1 s in tiny Euler steps ~ rotation by |w| rad
        var q = Quaternion.identity
        let w = Vec3(0, 0, 1.3)
        let dt = 1e-5
        for _ in 0..<100_000 { q = (q + q.derivative(bodyRate: w) * dt).normalized }
        #expect(q.angle(to: Quaternion(axis: .unitZ, angle: 1.3)) < 1e-4)
    }

    @Test func poseComposesAndInverts() {
        let a = Pose(position: Vec3(1, 2, 3), orientation: Quaternion(roll: 0.2, pitch: 0.1, yaw: 1.0))
        let b = Pose(position: Vec3(-1, 0.5, 0), orientation: Quaternion(roll: -0.3, pitch: 0.4, yaw: -2.0))
        let p = Vec3(0.3, -0.7, 2.0)
        #expect(isClose((a * b).transform(p), a.transform(b.transform(p)), abs: 1e-12))
        #expect(isClose(a.inverse.transform(a.transform(p)), p, abs: 1e-12))
        #expect(isClose(a.inverseTransform(a.transform(p)), p, abs: 1e-12))
    }

    @Test func matrixInverseAndDefiniteness() {
        let m = Mat3(rows: Vec3(4, 1, 0), Vec3(1, 3, 0.5), Vec3(0, 0.5, 2))
        let inv = m.inverse!
        let id = m * inv
        for i in 0..<3 { for j in 0..<3 { #expect(isClose(id[i, j], i == j ? 1 : 0, abs: 1e-14)) } }
        #expect(m.isPositiveDefinite)
        #expect(!Mat3(diagonal: Vec3(1, -1, 1)).isPositiveDefinite)
        #expect(!Mat3(rows: Vec3(1, 2, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)).isPositiveDefinite)
        #expect(Mat3(rows: Vec3(1, 2, 3), Vec3(2, 4, 6), Vec3(0, 0, 1)).inverse == nil)
    }

    @Test func wrapAngleStaysInRange() {
        for a in stride(from: -20.0, through: 20.0, by: 0.37) {
            let w = wrapAngle(a)
            #expect(w > -.pi - 1e-12 && w <= .pi + 1e-12)
            #expect(isClose(cos(w), cos(a), abs: 1e-12) && isClose(sin(w), sin(a), abs: 1e-12))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
