/// Whether `b` is a value of `a`'s type equal to it: equality of two values known only by
/// protocol (a device model, a peripheral stage, an accelerator spec held as `any P`), for
/// the equatable boxes that let specs holding them compare by value.
public func sameValue<A: Equatable>(_ a: A, _ b: Any) -> Bool {
    guard let b = b as? A else { return false }
    return a == b
}
