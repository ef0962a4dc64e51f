import Foundation
import InsituHardware

/// The arithmetic of backpropagation: softmax of k x I, cross entropy, output and hidden
/// errors, weight gradients. Pure functions over flat Float buffers; the accelerator charges
/// their operation counts (see `Backprop.work`).
public enum DigitalMath {
    /// Softmax of k x currents into `p`; returns the cross-entropy loss for `label`.
    @discardableResult
    public static func softmax(_ currents: UnsafeBufferPointer<Float>, k: Double, label: Int,
                               into p: UnsafeMutableBufferPointer<Float>) -> Double {
        var maxZ = -Double.infinity
        for j in 0..<currents.count { maxZ = max(maxZ, k * Double(currents[j])) }
        var sum = 0.0
        for j in 0..<currents.count {
            let e = exp(k * Double(currents[j]) - maxZ)
            p[j] = Float(e)
            sum += e
        }
        for j in 0..<currents.count { p[j] = Float(Double(p[j]) / sum) }
        return -log(max(Double(p[label]), 1e-30))
    }

    /// dL/dI of the output layer: k (p - onehot(label)).
    public static func outputDelta(_ p: UnsafeBufferPointer<Float>, k: Double, label: Int,
                                   into delta: UnsafeMutableBufferPointer<Float>) {
        for j in 0..<p.count { delta[j] = Float(k * (Double(p[j]) - (j == label ? 1 : 0))) }
    }

    /// Sigmoids of k x currents into `y`; returns the squared error against the one-hot `label`.
    @discardableResult
    public static func sigmoid(_ currents: UnsafeBufferPointer<Float>, k: Double, label: Int,
                               into y: UnsafeMutableBufferPointer<Float>) -> Double {
        var loss = 0.0
        for j in 0..<currents.count {
            y[j] = HiddenActivation.logistic(k * Double(currents[j]))
            let e = (j == label ? 1 : 0) - Double(y[j])
            loss += e * e
        }
        return loss
    }

    /// dL/dI of the output layer under squared error of sigmoids: -2 k (t - y) y (1 - y)
    /// (MLP+NeuroSim's s2, times k for the current).
    public static func sigmoidOutputDelta(_ y: UnsafeBufferPointer<Float>, k: Double, label: Int,
                                          into delta: UnsafeMutableBufferPointer<Float>) {
        for j in 0..<y.count {
            let a = Double(y[j])
            delta[j] = Float(-2 * k * ((j == label ? 1 : 0) - a) * a * (1 - a))
        }
    }

    /// dL/dI of a sigmoid hidden layer: k_h V a (1 - a) (W_next delta_next), a = h / V the
    /// sigmoid's value behind the activation voltage h.
    public static func sigmoidHiddenDelta(weights: UnsafeBufferPointer<Float>, outputs: Int,
                                          nextDelta: UnsafeBufferPointer<Float>, activation: UnsafeBufferPointer<Float>,
                                          scale: Double, volts: Float, into delta: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<delta.count {
            let a = Double(activation[i] / volts)
            let slope = scale * Double(volts) * a * (1 - a)
            delta[i] = Float(slope * Double(VectorMath.dot(weights.baseAddress! + i * outputs, nextDelta.baseAddress!, outputs)))
        }
    }

    /// dL/dI of a hidden layer: gain x (W_next delta_next) where 0 < h < clip, else 0.
    /// `weights` is inputs x outputs of the next layer (the read-back copy).
    public static func hiddenDelta(weights: UnsafeBufferPointer<Float>, outputs: Int,
                                   nextDelta: UnsafeBufferPointer<Float>, activation: UnsafeBufferPointer<Float>,
                                   gain: Float, clip: Float, into delta: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<delta.count {
            let h = activation[i]
            guard h > 0 && h < clip else { delta[i] = 0; continue }
            delta[i] = gain * VectorMath.dot(weights.baseAddress! + i * outputs, nextDelta.baseAddress!, outputs)
        }
    }

    /// gradient += a x delta^T (inputs x outputs).
    public static func accumulate(_ a: UnsafeBufferPointer<Float>, _ delta: UnsafeBufferPointer<Float>,
                                  into g: UnsafeMutableBufferPointer<Float>) {
        let m = delta.count
        for i in 0..<a.count where a[i] != 0 {
            VectorMath.axpy(a[i], delta.baseAddress!, g.baseAddress! + i * m, m)
        }
    }
}
