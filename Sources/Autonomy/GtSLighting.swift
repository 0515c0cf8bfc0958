import Foundation
import Geometry
import Rendering
import Runtime

/// Named lighting conditions of the held-out evaluation (docs/gts.md, "Lighting conditions").
///
/// The real profile draws sun intensity, exposure and sun azimuth per episode
/// (`AppearanceProfile.varied`). The image brightness of a lit surface scales with
/// intensity x exposure, so an episode is named by that product relative to the profile's
/// nominal values: `dim` below 0.9, `bright` above 1.1, `medium` in between. The thresholds are
/// fixed here (not fitted to results); every method meets the same draws, so each condition
/// holds the same episodes for every method.
public enum GtSLighting {
    public static let dim = "dim"
    public static let medium = "medium"
    public static let bright = "bright"
    /// Conditions in report order.
    public static let names = [dim, medium, bright]

    /// One episode's lighting draw.
    public struct Draw: Sendable, Equatable {
        /// Sun intensity x exposure relative to the profile's nominal values (1 = nominal).
        public var brightness: Double
        /// Sun azimuth offset from the nominal direction, rad (positive = counter-clockwise seen from above).
        public var sunAzimuthOffset: Double
        /// `dim`, `medium` or `bright`.
        public var condition: String
    }

    /// The condition of a brightness factor (intensity x exposure relative to nominal).
    public static func condition(brightness b: Double) -> String { b < 0.9 ? dim : (b > 1.1 ? bright : medium) }

    /// The draw of `look` against the nominal appearance `nominal`.
    public static func draw(_ look: AppearanceProfile, nominal: AppearanceProfile) -> Draw {
        let b = (look.sunIntensity / nominal.sunIntensity) * (look.exposure / nominal.exposure)
        let n = nominal.sunDirection, d = look.sunDirection
        let offset = wrapAngle(atan2(d.y, d.x) - atan2(n.y, n.x))
        return Draw(brightness: b, sunAzimuthOffset: offset, condition: condition(brightness: b))
    }

    /// The lighting of every evaluation episode, `[world][episode]`: each env is reset from the
    /// evaluator's episode seed (the same reset every policy gets) and its appearance draw read.
    public static func draws(_ settings: EvaluationSettings, models: [EnvModel]) -> [[Draw]] {
        models.enumerated().map { w, model in
            (0..<settings.episodes).map { e in
                var env = Env(model: model)
                env.reset(seed: settings.episodeSeed(world: w, episode: e))
                return draw(env.state.episode.appearance, nominal: model.domain.appearance)
            }
        }
    }
}
