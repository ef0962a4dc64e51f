import InsituEngine
import InsituHardware

/// The network in floating point, as an accelerator that costs nothing: the paper's
/// TensorFlow line, and the software half of ex-situ training. Forward passes compute
/// W^T a with the same activation as the chip; weights are stored as numbers.
public final class SoftwareNetwork: WeightStore {
    public let widths: [Int]
    public let activation: Activation
    @exclusivity(unchecked) public private(set) var weights: [[Float]]
    public let ledger = Ledger()
    public lazy var components = ComponentRegistry(ledger: ledger)
    @exclusivity(unchecked) public var trace: TraceSink?

    public init(widths: [Int], activation: Activation, weights: [[Float]]) {
        self.widths = widths
        self.activation = activation
        self.weights = weights
        ledger.isEnabled = false
    }

    public var simulatedTime: SimTime { .zero }
    public var phasePicoseconds: [UInt64] { [UInt64](repeating: 0, count: Phase.allCases.count) }
    public var telemetry: Telemetry { Telemetry() }
    public var isCosted: Bool { false }
    public var census: DeviceCensus? { nil }
    public var backpropWeights: [[Float]] { weights }

    public func forward(_ batch: InputBatch, phase: Phase, perImage: [DigitalWork]) throws -> ForwardPass {
        var pass = ForwardPass(widths: widths, count: batch.count)
        let L = widths.count - 1
        pass.activations[0] = batch.volts
        var a = [Float](), out = [Float]()
        for s in 0..<batch.count {
            a = Array(batch.volts[(s * widths[0])..<((s + 1) * widths[0])])
            for l in 0..<L {
                let m = widths[l + 1]
                out = [Float](repeating: 0, count: m)
                a.withUnsafeBufferPointer { a in
                    weights[l].withUnsafeBufferPointer { w in
                        out.withUnsafeMutableBufferPointer { VectorMath.transposedProduct(a, w, columns: m, into: $0) }
                    }
                }
                if l < L - 1 {
                    for j in 0..<m { out[j] = activation.hiddenOutput(current: out[j]) }
                    pass.setActivations(layer: l + 1, image: s, out)
                }
                a = out
            }
            pass.setOutputs(image: s, out)
            pass.predictions[s] = out.withUnsafeBufferPointer { VectorMath.argmax($0) }
        }
        return pass
    }

    public func store(_ weights: [[Float]], phase: Phase, after work: [DigitalWork]) throws {
        self.weights = weights
    }
}
