/// Energy and area of a SAR ADC by resolution at 32 nm and 1.2 GS/s: ISAAC's converter
/// (Kull et al., ISSCC 2013, at 8 bits) and the Saberi et al. 2011 scaling for the others,
/// as collected in docs/model.md. The default for `chip.adc` when a file gives no figures.
public enum ConverterTable {
    /// (bits, joules per conversion, square metres per ADC).
    public static let sar: [(bits: Int, joules: Double, area: Double)] = [
        (4, 0.79e-12, 361e-12), (5, 0.99e-12, 477e-12), (6, 1.20e-12, 627e-12), (7, 1.42e-12, 845e-12),
        (8, 1.67e-12, 1200e-12), (9, 1.97e-12, 1828e-12), (10, 2.38e-12, 3002e-12),
    ]

    public static var bitsRange: ClosedRange<Int> { sar.first!.bits...sar.last!.bits }

    /// Energy per conversion of a `bits`-bit SAR ADC, or nil outside the table.
    public static func adcJoules(bits: Int) -> Double? { sar.first { $0.bits == bits }?.joules }

    /// Area of one `bits`-bit SAR ADC, or nil outside the table.
    public static func adcArea(bits: Int) -> Double? { sar.first { $0.bits == bits }?.area }
}
