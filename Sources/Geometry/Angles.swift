/// Degrees to radians.
@inlinable public func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }

/// Radians to degrees.
@inlinable public func degrees(_ radians: Double) -> Double { radians * 180 / .pi }

/// Wraps an angle in radians into (-pi, pi].
@inlinable public func wrapAngle(_ a: Double) -> Double {
    var r = a.truncatingRemainder(dividingBy: 2 * .pi)
    if r > .pi { r -= 2 * .pi } else if r <= -.pi { r += 2 * .pi }
    return r
}

/// Clamps `v` into `lo...hi`.
@inlinable public func clamp<T: Comparable>(_ v: T, _ lo: T, _ hi: T) -> T { min(max(v, lo), hi) }
