/// An accelerator that holds the tensors of backpropagation in a number format of its own:
/// the algorithm above it hands each error vector and the gradient sums to it for rounding,
/// so the accuracy reported is that of training in those formats.
public protocol TensorRounding: AnyObject {
    /// Rounds one image's error vector of a layer (dL/dI, per ampere) as the machine stores it.
    func roundErrors(_ values: UnsafeMutableBufferPointer<Float>)
    /// Rounds a layer's gradient sum as the machine accumulates it.
    func roundGradients(_ values: UnsafeMutableBufferPointer<Float>)
    /// Rounds only the sums of a layer's gradient that one image's product of `inputs` and
    /// `errors` changed (rows of non-zero inputs, columns of non-zero errors), when the machine
    /// rounds each sum apart (a float format): the same values as `roundGradients`, since a
    /// rounded sum rounds to itself. False, having done nothing, when a sum's rounding depends
    /// on the others (an integer format's scale): the caller then rounds the whole.
    func roundChangedGradients(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                               errors: UnsafeBufferPointer<Float>) -> Bool
    /// Adds the product of `inputs` and `errors` to a layer's gradient sums and rounds the
    /// sums it changed, in one pass, when the machine rounds each sum apart and has a fused
    /// kernel for its format: the same values as `DigitalMath.accumulate` then
    /// `roundChangedGradients`. False, having done nothing, otherwise.
    func addRoundingChanged(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                            errors: UnsafeBufferPointer<Float>) -> Bool
    /// Whether `roundChangedGradients` rounds each sum apart (so that disjoint rows of a
    /// gradient can be rounded at the same time on different threads).
    var roundsGradientsApart: Bool { get }
}

extension TensorRounding {
    public func roundChangedGradients(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                                      errors: UnsafeBufferPointer<Float>) -> Bool { false }
    public func addRoundingChanged(_ values: UnsafeMutableBufferPointer<Float>, inputs: UnsafeBufferPointer<Float>,
                                   errors: UnsafeBufferPointer<Float>) -> Bool { false }
    public var roundsGradientsApart: Bool { false }
}
