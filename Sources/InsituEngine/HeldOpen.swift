/// Several arrays held open at once as buffer pointers, for work that threads share: reached
/// through pointers, their elements are read and written without reference counting, and each
/// array stays where it is for the whole of `body`.
public enum HeldOpen {
    /// Every array of `arrays` open for writing (each array stays uniquely owned: no copy).
    public static func writing<T, R>(_ arrays: UnsafeMutableBufferPointer<[T]>, from k: Int = 0, _ open: [UnsafeMutableBufferPointer<T>] = [],
                                     _ body: ([UnsafeMutableBufferPointer<T>]) throws -> R) rethrows -> R {
        guard k < arrays.count else { return try body(open) }
        return try arrays[k].withUnsafeMutableBufferPointer { try writing(arrays, from: k + 1, open + [$0], body) }
    }

    /// Every array of `arrays` open for reading.
    public static func reading<T, R>(_ arrays: [[T]], from k: Int = 0, _ open: [UnsafeBufferPointer<T>] = [],
                                     _ body: ([UnsafeBufferPointer<T>]) throws -> R) rethrows -> R {
        guard k < arrays.count else { return try body(open) }
        return try arrays[k].withUnsafeBufferPointer { try reading(arrays, from: k + 1, open + [$0], body) }
    }
}
