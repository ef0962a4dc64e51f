import InsituDevices
import InsituEngine

/// One layer's differential pairs on crossbar rows: device row 2i holds G+ and row 2i+1
/// holds G- of input i, so that with +v on row 2i and -v on row 2i+1 the column current
/// is I_j = sum_i v_i (G+_ij - G-_ij).
///
/// Keeps the devices, the gate voltage the controller last used on each, a mirror of the
/// weights G+ - G- for the forward product, and the weights as last read back.
public final class CrossbarLayer {
    public let inputs: Int
    public let outputs: Int
    public private(set) var devices: DeviceArray
    /// The controller's memory: last gate voltage of every device (same layout as `devices`).
    public var gateVolts: [Float]
    /// G+ - G- per (input, output), siemens, inputs x outputs row-major: what the array holds.
    public private(set) var weights: [Float]
    /// Per input: sum over outputs of G+ + G-, for the read energy of a forward product.
    public private(set) var rowPairSums: [Double]
    /// Weights as last measured by the read-back (G_eq), siemens.
    public var readback: [Float]

    public init(inputs: Int, outputs: Int, device: DeviceParameters, rng: inout RandomStream) {
        self.inputs = inputs
        self.outputs = outputs
        devices = DeviceArray(rows: 2 * inputs, columns: outputs, parameters: device, rng: &rng)
        // 0 V: never SET yet, so the first programming SETs every device.
        gateVolts = Array(repeating: 0, count: 2 * inputs * outputs)
        weights = Array(repeating: 0, count: inputs * outputs)
        rowPairSums = Array(repeating: 0, count: inputs)
        readback = weights
        for i in 0..<inputs { refresh(input: i) }
    }

    /// Recomputes the weight mirror and row sums of input i from the devices.
    public func refresh(input i: Int) {
        let g = devices.conductance
        var sum = 0.0
        for j in 0..<outputs {
            let plus = g[(2 * i) * outputs + j], minus = g[(2 * i + 1) * outputs + j]
            weights[i * outputs + j] = plus - minus
            sum += Double(plus) + Double(minus)
        }
        rowPairSums[i] = sum
    }

    /// Applies one device-array operation (used by the update controller).
    public func withDevices<R>(_ body: (inout DeviceArray) -> R) -> R { body(&devices) }

    /// Column currents for row voltages `v` (one per input): I = W^T v, amperes.
    /// With read noise, each current gets the Gaussian noise that independent per-device
    /// relative noise would give: sigma_j^2 = sum_i v_i^2 (noise^2)(G+^2 + G-^2).
    public func columnCurrents(_ v: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                               rng: inout RandomStream) {
        let m = outputs
        weights.withUnsafeBufferPointer { w in VectorMath.transposedProduct(v, w, columns: m, into: out) }
        let noise = devices.readNoise
        guard noise > 0 else { return }
        let g = devices.conductance
        for j in 0..<m {
            var variance = 0.0
            for i in 0..<inputs where v[i] != 0 {
                let p = Double(g[(2 * i) * m + j]), n = Double(g[(2 * i + 1) * m + j])
                variance += Double(v[i] * v[i]) * (p * p + n * n)
            }
            out[j] += Float(noise * variance.squareRoot() * rng.gaussian())
        }
    }

    /// Energy dissipated in the array during a product lasting `seconds`:
    /// t x sum_i v_i^2 x sum_j (G+_ij + G-_ij), over the conductances actually present.
    public func readEnergy(_ v: UnsafeBufferPointer<Float>, seconds: Double) -> Double {
        var e = 0.0
        for i in 0..<inputs { e += Double(v[i] * v[i]) * rowPairSums[i] }
        return e * seconds
    }
}
