import Foundation
import Geometry

/// Every appearance parameter in one place: lighting, sky, textures and sensor effects.
///
/// `.sim` is plain (albedo + Lambert shading, no textures, no sensor effects); `.real` adds
/// procedural textures, exposure, vignetting, Gaussian and shot noise, motion blur and depth
/// noise. All randomness (noise, `varied(using:)`) comes from an injected `RNG`.
public struct AppearanceProfile: Sendable, Equatable {
    public var name: String
    /// Draw the materials' procedural textures (false: flat albedo).
    public var textures: Bool
    /// Unit vector towards the sun, world frame.
    public var sunDirection: Vec3
    /// Direct (Lambert) and ambient light, multiplying albedo.
    public var sunIntensity: Double
    public var ambient: Double
    /// Sky colour at the horizon and at the zenith (linear RGB in [0, 1]).
    public var skyHorizon: SIMD3<Double>
    public var skyZenith: SIMD3<Double>
    /// Gain applied to image radiance before quantisation.
    public var exposure: Double
    /// Brightness falloff at the image corners: factor `1 - vignetting * r^2`, r = 1 at a corner.
    public var vignetting: Double
    /// Additive Gaussian noise, standard deviation in 8-bit units / 255 (0...1 scale).
    public var gaussianNoise: Double
    /// Shot noise: variance `shotNoise * value` (0...1 scale).
    public var shotNoise: Double
    /// Shutter time (s) for motion blur from the camera's angular rate; 0 disables blur.
    public var shutterTime: Double
    /// Relative Gaussian depth noise (std as a fraction of depth).
    public var depthNoise: Double
    /// Ranges used by `varied(using:)`: sun intensity factor, exposure factor, sun azimuth (rad).
    public var intensityJitter: Double
    public var exposureJitter: Double
    public var sunAzimuthJitter: Double

    public init(name: String, textures: Bool, sunDirection: Vec3, sunIntensity: Double, ambient: Double,
                skyHorizon: SIMD3<Double>, skyZenith: SIMD3<Double>, exposure: Double, vignetting: Double,
                gaussianNoise: Double, shotNoise: Double, shutterTime: Double, depthNoise: Double,
                intensityJitter: Double = 0, exposureJitter: Double = 0, sunAzimuthJitter: Double = 0) {
        self.name = name
        self.textures = textures
        self.sunDirection = sunDirection.normalized
        self.sunIntensity = sunIntensity
        self.ambient = ambient
        self.skyHorizon = skyHorizon
        self.skyZenith = skyZenith
        self.exposure = exposure
        self.vignetting = vignetting
        self.gaussianNoise = gaussianNoise
        self.shotNoise = shotNoise
        self.shutterTime = shutterTime
        self.depthNoise = depthNoise
        self.intensityJitter = intensityJitter
        self.exposureJitter = exposureJitter
        self.sunAzimuthJitter = sunAzimuthJitter
    }

    /// Plain appearance: flat albedo with sun + ambient shading, exact images.
    public static let sim = AppearanceProfile(
        name: "sim", textures: false, sunDirection: Vec3(0.4, 0.3, 0.85), sunIntensity: 0.7, ambient: 0.35,
        skyHorizon: SIMD3(0.75, 0.8, 0.9), skyZenith: SIMD3(0.35, 0.5, 0.8), exposure: 1, vignetting: 0,
        gaussianNoise: 0, shotNoise: 0, shutterTime: 0, depthNoise: 0)

    /// Rich appearance: textures, lighting variation, exposure, noise, blur, vignetting.
    public static let real = AppearanceProfile(
        name: "real", textures: true, sunDirection: Vec3(0.5, -0.2, 0.6), sunIntensity: 0.8, ambient: 0.3,
        skyHorizon: SIMD3(0.85, 0.85, 0.88), skyZenith: SIMD3(0.45, 0.6, 0.85), exposure: 1.1, vignetting: 0.35,
        gaussianNoise: 0.015, shotNoise: 0.004, shutterTime: 0.01, depthNoise: 0.01,
        intensityJitter: 0.3, exposureJitter: 0.25, sunAzimuthJitter: 1.0)

    /// A profile by name ("sim" or "real").
    public static func named(_ name: String) -> AppearanceProfile? {
        switch name {
        case "sim": return .sim
        case "real": return .real
        default: return nil
        }
    }

    /// A copy with lighting and exposure drawn from the jitter ranges (call once per episode).
    public func varied(using rng: inout RNG) -> AppearanceProfile {
        var p = self
        p.sunIntensity *= 1 + intensityJitter * rng.uniform(-1, 1)
        p.exposure *= 1 + exposureJitter * rng.uniform(-1, 1)
        let a = sunAzimuthJitter * rng.uniform(-1, 1)
        let d = sunDirection
        p.sunDirection = Vec3(cos(a) * d.x - sin(a) * d.y, sin(a) * d.x + cos(a) * d.y, d.z).normalized
        return p
    }
}
