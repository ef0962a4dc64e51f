import CGMP

/// An arbitrary-precision integer backed by GMP's mpz_t, with value semantics.
///
/// Swift does not import GMP's `mpz_*` macros, so this type wraps the `__gmpz_*`
/// functions once; the rest of insitu uses only this type. Copy-on-write storage.
public struct ExactInteger: Sendable, Hashable, Comparable, CustomStringConvertible {
    final class Storage: @unchecked Sendable {
        /// Heap cell of the mpz value: a stable pointer, so GMP may alias inputs and output.
        let value = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        init() { __gmpz_init(value) }
        init(copying other: Storage) { __gmpz_init_set(value, other.value) }
        deinit {
            __gmpz_clear(value)
            value.deallocate()
        }
    }

    private var storage: Storage

    public init() { storage = Storage() }

    public init(_ value: Int64) {
        storage = Storage()
        __gmpz_set_si(storage.value, Int(value))
    }

    public init(_ value: UInt64) {
        storage = Storage()
        __gmpz_set_ui(storage.value, UInt(value))
    }

    /// `value` x 10^`exponent` (exponent >= 0).
    public init(_ value: UInt64, timesTenToThe exponent: Int) {
        precondition(exponent >= 0, "a non-negative power of ten")
        storage = Storage()
        __gmpz_ui_pow_ui(storage.value, 10, UInt(exponent))
        __gmpz_mul_ui(storage.value, storage.value, UInt(value))
    }

    /// The integer nearest to `value` (which must be finite); ties away from zero.
    public init(rounding value: Double) {
        precondition(value.isFinite, "ExactInteger from a non-finite Double")
        storage = Storage()
        __gmpz_set_d(storage.value, value.rounded(.toNearestOrAwayFromZero))
    }

    /// Parses an optionally signed decimal integer; nil if malformed.
    public init?(decimal text: String) {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        storage = Storage()
        guard __gmpz_set_str(storage.value, text, 10) == 0 else { return nil }
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
    }

    public static func += (lhs: inout ExactInteger, rhs: ExactInteger) {
        lhs.makeUnique()
        __gmpz_add(lhs.storage.value, lhs.storage.value, rhs.storage.value)
    }

    public static func += (lhs: inout ExactInteger, rhs: Int64) {
        lhs.makeUnique()
        if rhs >= 0 {
            __gmpz_add_ui(lhs.storage.value, lhs.storage.value, UInt(rhs))
        } else {
            __gmpz_sub_ui(lhs.storage.value, lhs.storage.value, UInt(rhs.magnitude))
        }
    }

    public static func + (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        var r = lhs
        r += rhs
        return r
    }

    public static func - (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        let r = ExactInteger()
        __gmpz_sub(r.storage.value, lhs.storage.value, rhs.storage.value)
        return r
    }

    public static func * (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        let r = ExactInteger()
        __gmpz_mul(r.storage.value, lhs.storage.value, rhs.storage.value)
        return r
    }

    /// Quotient rounded toward minus infinity; `rhs` must not be zero.
    public static func / (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        precondition(rhs.signum != 0, "division by zero")
        let r = ExactInteger()
        __gmpz_fdiv_q(r.storage.value, lhs.storage.value, rhs.storage.value)
        return r
    }

    public static func -= (lhs: inout ExactInteger, rhs: ExactInteger) {
        lhs.makeUnique()
        __gmpz_sub(lhs.storage.value, lhs.storage.value, rhs.storage.value)
    }

    public static func == (lhs: ExactInteger, rhs: ExactInteger) -> Bool {
        __gmpz_cmp(lhs.storage.value, rhs.storage.value) == 0
    }

    public static func < (lhs: ExactInteger, rhs: ExactInteger) -> Bool {
        __gmpz_cmp(lhs.storage.value, rhs.storage.value) < 0
    }

    public var signum: Int {
        let size = storage.value.pointee._mp_size
        return size > 0 ? 1 : (size < 0 ? -1 : 0)
    }

    /// Nearest Double (truncated by GMP toward zero for huge values).
    public var doubleValue: Double { __gmpz_get_d(storage.value) }

    /// Decimal digits, with a leading "-" if negative.
    public var description: String {
        let size = __gmpz_sizeinbase(storage.value, 10) + 2
        var buffer = [CChar](repeating: 0, count: size)
        __gmpz_get_str(&buffer, 10, storage.value)
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
