/// An accelerator that holds the tensors of backpropagation in a number format of its own:
/// the algorithm above it hands each error vector and the gradient sums to it for rounding,
/// so the accuracy reported is that of training in those formats.
public protocol TensorRounding: AnyObject {
    /// Rounds one image's error vector of a layer (dL/dI, per ampere) as the machine stores it.
    func roundErrors(_ values: UnsafeMutableBufferPointer<Float>)
    /// Rounds a layer's gradient sum as the machine accumulates it.
    func roundGradients(_ values: UnsafeMutableBufferPointer<Float>)
    /// The rounding of one gradient sum on its own, when the machine rounds each element
    /// apart (a float format): the algorithm then rounds only the sums an image changed,
    /// which gives the same values, since a rounded sum rounds to itself. Nil: a layer's sum
    /// is rounded as a whole (an integer format's scale depends on every element).
    var gradientElementRounding: (@Sendable (Float) -> Float)? { get }
}

extension TensorRounding {
    public var gradientElementRounding: (@Sendable (Float) -> Float)? { nil }
}
