import InsituEngine

/// The shared hardware of one tile: row drivers, the array, its TIAs and its ADC bank,
/// each a FIFO resource with a meter on the ledger.
public struct TileUnits {
    public var dacs: Resource
    public var array: Resource
    public var adcs: Resource
    public let dacMeter: Meter
    public let arrayMeter: Meter
    public let tiaMeter: Meter
    public let adcMeter: Meter

    init(index: Int, spec: ChipSpec, ledger: Ledger) {
        let name = "tile\(index)"
        dacs = Resource(name: name + ".dac", capacity: 1)
        array = Resource(name: name + ".array", capacity: 1)
        adcs = Resource(name: name + ".adc", capacity: spec.adc.perTile)
        dacMeter = Meter(component: name + ".dac", ledger: ledger)
        arrayMeter = Meter(component: name + ".array", ledger: ledger)
        tiaMeter = Meter(component: name + ".tia", ledger: ledger)
        adcMeter = Meter(component: name + ".adc", ledger: ledger)
    }

    /// Queues `count` conversions of `duration` arriving at `time` on the ADC bank; returns when the last ends.
    mutating func convert(_ count: Int, at time: SimTime, duration: SimTime) throws -> SimTime {
        try adcs.acquire(count: count, at: time, for: duration)
    }
}
