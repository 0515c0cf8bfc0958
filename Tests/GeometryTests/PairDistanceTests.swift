import Geometry
import Testing

@Suite struct PairDistanceTests {
    @Test func minimumPairDistanceIsTheClosestPairOfAnyOrder() {
        let points = [Vec3(0, 0, 0), Vec3(5, 0, 0), Vec3(5, 3, 4), Vec3(-2, 1, 0.5)]
        // closest: (0,0,0)-(-2,1,0.5) = sqrt(5.25); the others are 5, 5, sqrt(58.25), ...
        #expect(points.minimumPairDistance == 5.25.squareRoot())
        #expect(Array(points.reversed()).minimumPairDistance == 5.25.squareRoot())
        #expect(points[1...].minimumPairDistance == 5)
        #expect([Vec3(1, 2, 3), Vec3(1, 2, 3)].minimumPairDistance == 0)
        #expect([Vec3(1, 2, 3)].minimumPairDistance == .infinity)
        #expect([Vec3]().minimumPairDistance == .infinity)
    }
}
