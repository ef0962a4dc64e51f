/// Resistance and capacitance of an array's metal lines by their width: NeuroSim's table of
/// the wire's aspect ratio (height over width) and resistivity with the size effects of narrow
/// copper lines (MLP+NeuroSim V3.0, Array.h), and 0.2 fF per micrometre of line (NeuroSim
/// SubArray). A cell's length of row wire spans its width; of column wire, its height.
public enum WireTable {
    /// (width in metres, aspect ratio, resistivity in ohm metres), narrowest first.
    static let points: [(Double, Double, Double)] = [
        (14e-9, 2.10, 7.43e-8), (22e-9, 2.00, 5.41e-8), (32e-9, 1.90, 4.51e-8), (40e-9, 1.90, 4.03e-8),
        (50e-9, 2.34, 3.91e-8), (100e-9, 2.30, 2.73e-8), (200e-9, 2.10, 2.42e-8), (800e-9, 2.10, 2.42e-8),
    ]
    /// Capacitance of a line per metre.
    public static let faradsPerMetre = 0.2e-15 / 1e-6
    /// The narrowest width the table knows.
    public static var narrowestMetres: Double { points[0].0 }

    /// Ohms per metre of a line `width` wide: rho / (w x AR w), rho and AR interpolated linearly
    /// between the table's widths and held at its widest (bulk-limited) beyond 800 nm.
    public static func ohmsPerMetre(width w: Double) -> Double {
        precondition(w >= narrowestMetres, "a wire at least as wide as the table's narrowest")
        var (ratio, rho) = (points.last!.1, points.last!.2)
        for (a, b) in zip(points, points.dropFirst()) where w >= a.0 && w <= b.0 {
            let t = (w - a.0) / (b.0 - a.0)
            ratio = a.1 + t * (b.1 - a.1)
            rho = a.2 + t * (b.2 - a.2)
            break
        }
        return rho / (w * w * ratio)
    }
}
