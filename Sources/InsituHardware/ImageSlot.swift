/// Working values of one image in flight through the chip: per layer, its input voltages,
/// column currents and digitised activations, then probabilities and errors.
public final class ImageSlot {
    /// Input voltages of each layer (layer 0: from the DACs).
    public var inputs: [[Float]]
    /// Column currents of each layer, amperes.
    public var currents: [[Float]]
    /// Digitised output of each layer: hidden activations in volts, output currents in amperes.
    public var digital: [[Float]]
    /// dL/dI of each layer.
    public var deltas: [[Float]]
    public var probabilities: [Float]
    public var label = 0
    public var prediction = 0
    public var loss = 0.0

    init(widths: [Int]) {
        let layers = widths.count - 1
        inputs = (0..<layers).map { Array(repeating: 0, count: widths[$0]) }
        currents = (0..<layers).map { Array(repeating: 0, count: widths[$0 + 1]) }
        digital = currents
        deltas = currents
        probabilities = Array(repeating: 0, count: widths[layers])
    }
}
