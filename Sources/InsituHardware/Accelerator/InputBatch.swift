/// A batch of images as input voltages (one row of `inputCount` values per image) with labels.
public struct InputBatch: Sendable {
    public var volts: [Float]
    public var labels: [Int]
    public init(volts: [Float], labels: [Int]) {
        precondition(labels.isEmpty || volts.count % labels.count == 0, "volts must hold a whole number of images")
        self.volts = volts
        self.labels = labels
    }
    public var count: Int { labels.count }
}

/// What a forward pass leaves for the digital side, per image, as the hardware computed it:
/// each layer's input activations (layer 0: the driven inputs; deeper: the digitised hidden
/// activations) and the digitised outputs of the last layer.
public struct ForwardPass: Sendable {
    public let widths: [Int]
    public let count: Int
    /// Per layer l: count x widths[l] values, image-major.
    public var activations: [[Float]]
    /// count x widths.last values.
    public var outputs: [Float]
    /// The class each image was given (largest output, first on ties).
    public var predictions: [Int]

    public init(widths: [Int], count: Int) {
        self.widths = widths
        self.count = count
        activations = widths.dropLast().map { [Float](repeating: 0, count: $0 * count) }
        outputs = [Float](repeating: 0, count: widths.last! * count)
        predictions = [Int](repeating: 0, count: count)
    }

    /// Stores image `s`'s input activations of layer `l` (widths[l] values).
    @inlinable
    public mutating func setActivations(layer l: Int, image s: Int, _ values: [Float]) {
        Self.copy(values, into: &activations[l], at: s * widths[l])
    }

    /// Stores image `s`'s outputs (widths.last values).
    @inlinable
    public mutating func setOutputs(image s: Int, _ values: [Float]) {
        Self.copy(values, into: &outputs, at: s * widths[widths.count - 1])
    }

    @inlinable
    static func copy(_ values: [Float], into target: inout [Float], at offset: Int) {
        precondition(offset >= 0 && offset + values.count <= target.count, "image outside the batch")
        values.withUnsafeBufferPointer { v in
            target.withUnsafeMutableBufferPointer { t in
                (t.baseAddress! + offset).update(from: v.baseAddress!, count: v.count)
            }
        }
    }

    public func correct(_ labels: [Int]) -> Int { zip(predictions, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) } }
}
