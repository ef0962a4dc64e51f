import Foundation

/// Energy of an SRAM access by array capacity: 64-bit reads of 8 KiB, 32 KiB, 64 KiB and
/// 1 MiB arrays cost about 7, 16, 27 and 100 pJ (CACTI-derived, as collected in
/// docs/model.md); between the points the energy is interpolated on a log-log scale.
/// The same function prices the crossbar chip's buffer and a digital baseline's SRAM.
public enum SRAMTable {
    /// (capacity in bytes, joules per 64-bit access).
    public static let points: [(Double, Double)] = [
        (8 * 1024, 7e-12), (32 * 1024, 16e-12), (64 * 1024, 27e-12), (1024 * 1024, 100e-12),
    ]

    public static var capacityRange: ClosedRange<Double> { points.first!.0...points.last!.0 }

    /// Joules per bit read or written in an array of `bytes`; nil outside the table's range.
    public static func joulesPerBit(capacityBytes bytes: Double) -> Double? {
        guard capacityRange.contains(bytes) else { return nil }
        if let exact = points.first(where: { $0.0 == bytes }) { return exact.1 / 64 }
        var i = 0
        while i < points.count - 2 && bytes > points[i + 1].0 { i += 1 }
        let (c0, e0) = points[i], (c1, e1) = points[i + 1]
        let t = log(bytes / c0) / log(c1 / c0)
        return exp(log(e0) + t * (log(e1) - log(e0))) / 64
    }
}
