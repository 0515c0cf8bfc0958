import Foundation
import Geometry
import Testing
@testable import World

@Test func sphereOverlapAgreesWithHandComputedBoxCorner() {
    // box corner at (1, 1, 2); a point diagonally out by (0.3, 0.4, 0) is 0.5 m away
    let scene = makeScene([.box(Box(center: Vec3(0, 0, 1), halfExtents: Vec3(1, 1, 1)))])
    let p = Vec3(1.3, 1.4, 1.5)
    #expect(scene.overlaps(.sphere(radius: 0.51), at: Pose(position: p)))
    #expect(!scene.overlaps(.sphere(radius: 0.49), at: Pose(position: p)))
    #expect(abs(scene.distanceToNearestObstacle(p) - 0.5) < 1e-12)
}

@Test func verticalCylinderAgainstCylinderAndRotatedBox() {
    let scene = makeScene([.cylinder(Cylinder(x: 0, y: 0, radius: 0.5, zMin: 0, zMax: 3)),
                           .box(Box(center: Vec3(10, 0, 0.5), halfExtents: Vec3(1, 1, 0.5), yaw: .pi / 4))])
    // Crazyflie-sized cylinder next to a trunk: centres 0.55 apart in xy, radii 0.5 + 0.06
    #expect(scene.firstOverlap(.cylinder(radius: 0.06, height: 0.025), at: Pose(position: Vec3(0.55, 0, 1))) == 0)
    #expect(scene.firstOverlap(.cylinder(radius: 0.06, height: 0.025), at: Pose(position: Vec3(0.57, 0, 1))) == nil)
    // above the trunk top (3 m): bottom of the robot at 3.0125 - 0.0125 = 3.0 just touches; 3.02 clears
    #expect(scene.overlaps(.cylinder(radius: 0.06, height: 0.025), at: Pose(position: Vec3(0, 0, 3.0125))))
    #expect(!scene.overlaps(.cylinder(radius: 0.06, height: 0.025), at: Pose(position: Vec3(0, 0, 3.02))))
    // rotated box: its corner points along +x at 10 + sqrt(2)
    let corner = 10 + 2.0.squareRoot()
    #expect(scene.overlaps(.cylinder(radius: 0.1, height: 0.1), at: Pose(position: Vec3(corner + 0.09, 0, 0.5))))
    #expect(!scene.overlaps(.cylinder(radius: 0.1, height: 0.1), at: Pose(position: Vec3(corner + 0.11, 0, 0.5))))
    #expect(!scene.overlaps(.cylinder(radius: 0.1, height: 0.1), at: Pose(position: Vec3(corner - 0.5, 0, 1.06))))
}

@Test func orientedBoxSeparatingAxes() {
    let scene = makeScene([.box(Box(center: Vec3(0, 0, 1), halfExtents: Vec3(1, 1, 1)))])
    let half = Vec3(0.5, 0.5, 0.5)
    // axis-aligned: faces 1 apart in x when centre at 2.0 (1 + 0.5 + gap 0.5)
    #expect(!scene.overlaps(.box(halfExtents: half), at: Pose(position: Vec3(2.0, 0, 1))))
    #expect(scene.overlaps(.box(halfExtents: half), at: Pose(position: Vec3(1.49, 0, 1))))
    // rotated 45 degrees about z: reaches 0.5 * sqrt(2) = 0.7071 towards the box
    let q = Quaternion(roll: 0, pitch: 0, yaw: .pi / 4)
    #expect(scene.overlaps(.box(halfExtents: half), at: Pose(position: Vec3(1.70, 0, 1), orientation: q)))
    #expect(!scene.overlaps(.box(halfExtents: half), at: Pose(position: Vec3(1.72, 0, 1), orientation: q)))
    // rolled 45 degrees about x over the top face (z = 2): reach 0.7071 down
    let r = Quaternion(roll: .pi / 4, pitch: 0, yaw: 0)
    #expect(scene.overlaps(.box(halfExtents: half), at: Pose(position: Vec3(0, 0, 2.70), orientation: r)))
    #expect(!scene.overlaps(.box(halfExtents: half), at: Pose(position: Vec3(0, 0, 2.72), orientation: r)))
}

@Test func boxAgainstSphereAndCylinder() {
    let scene = makeScene([.sphere(Sphere(center: Vec3(0, 0, 2), radius: 1)),
                           .cylinder(Cylinder(x: 10, y: 0, radius: 0.5, zMin: 0, zMax: 2))])
    let e = Vec3(0.2, 0.2, 0.2)
    #expect(scene.overlaps(.box(halfExtents: e), at: Pose(position: Vec3(1.19, 0, 2))))
    #expect(!scene.overlaps(.box(halfExtents: e), at: Pose(position: Vec3(1.21, 0, 2))))
    #expect(scene.firstOverlap(.box(halfExtents: e), at: Pose(position: Vec3(10.69, 0, 1))) == 1)
    #expect(!scene.overlaps(.box(halfExtents: e), at: Pose(position: Vec3(10.71, 0, 1))))
}

@Test func distanceToNearestObstacleSearchesOutward() {
    let scene = makeScene([.cylinder(Cylinder(x: 20, y: 0, radius: 1, zMin: 0, zMax: 2)),
                           .sphere(Sphere(center: Vec3(-25, 0, 1), radius: 2))])
    #expect(abs(scene.distanceToNearestObstacle(Vec3(0, 0, 1)) - 19) < 1e-12)
    #expect(abs(scene.distanceToNearestObstacle(Vec3(-20, 0, 1)) - 3) < 1e-12)
    #expect(abs(scene.distanceToNearestObstacle(Vec3(20, 0, 4)) - 2) < 1e-12)
    #expect(scene.distanceToNearestObstacle(Vec3(20, 0.5, 1)) == 0)
    #expect(scene.distanceToGround(Vec3(0, 0, 1.25)) == 1.25)
}

@Test func horizontalInflationGrowsSidewaysOnly() {
    #expect(CollisionShape.cylinder(radius: 0.06, height: 0.025).inflatedHorizontally(by: 0.1) == .cylinder(radius: 0.16, height: 0.025))
    #expect(CollisionShape.sphere(radius: 0.2).inflatedHorizontally(by: 0.05) == .sphere(radius: 0.25))
    #expect(CollisionShape.box(halfExtents: Vec3(0.5, 0.25, 0.125)).inflatedHorizontally(by: 0.25) == .box(halfExtents: Vec3(0.75, 0.5, 0.125)))
    // an inflated robot touches a trunk its plain shape clears
    let scene = makeScene([.cylinder(Cylinder(x: 0, y: 0, radius: 0.5, zMin: 0, zMax: 3))])
    let pose = Pose(position: Vec3(0.62, 0, 1))
    let robot = CollisionShape.cylinder(radius: 0.06, height: 0.025)
    #expect(!scene.overlaps(robot, at: pose))
    #expect(scene.overlaps(robot.inflatedHorizontally(by: 0.08), at: pose))
}
