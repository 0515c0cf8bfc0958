import Foundation
import Geometry

/// How a swarm's vehicles are placed at reset around the spawn the scene gives (drawn as `Env`
/// draws it: spawn point and jittered heading).
public enum SwarmLayout: String, Sendable, Equatable, Codable, CaseIterable {
    /// Side by side across the heading, centred on the spawn, at the settings' altitude.
    case lineAbreast = "line"
    /// One behind the other along the heading, centred on the spawn, at the settings' altitude.
    case column
    /// Above one another over the spawn: vehicle 0 at the settings' altitude, each next one
    /// `spacing` higher.
    case stack
    /// Evenly around a circle whose neighbours are `spacing` apart (chord), at the settings'
    /// altitude: vehicle 0 on the spawn, the circle's centre `ringRadius` ahead of it, the others
    /// counter-clockwise from vehicle 0 seen from above.
    case ring

    /// Position of vehicle `index` of `count` (m, world frame) for a spawn at `anchor` (x, y and
    /// the altitude as z) heading `yaw` (rad), `spacing` m apart. Vehicle 0 of a lone vehicle
    /// sits exactly on the anchor.
    public func position(_ index: Int, of count: Int, anchor: Vec3, yaw: Double, spacing: Double) -> Vec3 {
        let centred = (Double(index) - 0.5 * Double(count - 1)) * spacing
        switch self {
        case .lineAbreast:
            // + to the left of the heading
            return Vec3(anchor.x - sin(yaw) * centred, anchor.y + cos(yaw) * centred, anchor.z)
        case .column:
            // vehicle 0 leads
            return Vec3(anchor.x - cos(yaw) * centred, anchor.y - sin(yaw) * centred, anchor.z)
        case .stack:
            return Vec3(anchor.x, anchor.y, anchor.z + Double(index) * spacing)
        case .ring:
            let r = SwarmLayout.ringRadius(count: count, spacing: spacing)
            let centre = SwarmLayout.ringCentre(anchor: anchor, yaw: yaw, radius: r)
            let a = yaw + 2 * Double.pi * Double(index) / Double(count)
            return SwarmLayout.ringPoint(centre: SIMD2(centre.x, centre.y), radius: r, angle: a, z: anchor.z)
        }
    }

    /// The point at ring angle `angle` (rad) on a ring of `radius` m around `centre` (world x, y),
    /// at height `z`: angle `yaw` is the point the ring's centre lies `radius` ahead of along `yaw`
    /// (vehicle 0's spawn). The layout and the swarm autopilot's route both place vehicles with it.
    public static func ringPoint(centre: SIMD2<Double>, radius: Double, angle: Double, z: Double) -> Vec3 {
        Vec3(centre.x - radius * cos(angle), centre.y - radius * sin(angle), z)
    }

    /// Radius of the ring layout, m: neighbours `spacing` apart along the chord (0 for one vehicle).
    public static func ringRadius(count: Int, spacing: Double) -> Double {
        count < 2 ? 0 : spacing / (2 * sin(Double.pi / Double(count)))
    }

    /// Centre of the ring layout: `radius` ahead of the spawn `anchor` along heading `yaw`.
    public static func ringCentre(anchor: Vec3, yaw: Double, radius: Double) -> Vec3 {
        Vec3(anchor.x + radius * cos(yaw), anchor.y + radius * sin(yaw), anchor.z)
    }
}
