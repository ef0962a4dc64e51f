/// An accelerator that holds the tensors of backpropagation in a number format of its own:
/// the algorithm above it hands each error vector and the gradient sums to it for rounding,
/// so the accuracy reported is that of training in those formats.
public protocol TensorRounding: AnyObject {
    /// Rounds one image's error vector of a layer (dL/dI, per ampere) as the machine stores it.
    func roundErrors(_ values: UnsafeMutableBufferPointer<Float>)
    /// Rounds a layer's gradient sum as the machine accumulates it.
    func roundGradients(_ values: UnsafeMutableBufferPointer<Float>)
}
