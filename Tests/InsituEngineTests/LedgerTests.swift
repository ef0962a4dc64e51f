import Foundation
import Testing
@testable import InsituEngine

@Suite struct LedgerTests {
    @Test func tenMillionFemtojoulesAreExactlyTenNanojoules() {
        let ledger = Ledger()
        let a = ledger.account(component: "adc", action: "convert", phase: "forward")
        for _ in 0..<10_000_000 { ledger.charge(a, joules: 1e-15) }
        // 1e-8 J = 1e16 quanta of 1e-24 J.
        #expect(ledger.energyQuanta(a) == ExactInteger(decimal: "10000000000000000")!)
        #expect(Ledger.joulesDecimal(quanta: ledger.totalEnergyQuanta) == "0.00000001")
        #expect(ledger.count(a) == 10_000_000)
        // The same sum in Double drifts.
        var naive = 0.0
        for _ in 0..<10_000_000 { naive += 1e-15 }
        #expect(naive != 1e-8)
    }

    @Test func mergeOfShardsEqualsWhole() {
        var rng = SplitMix(seed: 42)
        let whole = Ledger(), first = Ledger(), second = Ledger()
        let names = ["tile0", "tile1", "adc"]
        for i in 0..<20_000 {
            let c = names[Int(rng.next() % 3)]
            let e = Double(rng.next() % 1_000_000) * 1.37e-18
            let t = SimTime(picoseconds: rng.next() % 1000)
            let shard = i < 7_000 ? first : second
            shard.charge(shard.account(component: c, action: "op", phase: "p"), joules: e, busy: t)
            whole.charge(whole.account(component: c, action: "op", phase: "p"), joules: e, busy: t)
        }
        // Merge in the other order than they were made: order must not matter.
        second.merge(first)
        #expect(second == whole)
    }

    /// Large charges take the quanta of the shortest decimal that round-trips the Double; the
    /// digits are read without building the decimal string of 10^24 x the value.
    @Test func largeChargesTakeTheirShortestDecimalsQuanta() {
        /// The decimal written out and parsed, as the quanta are defined.
        func written(_ joules: Double) -> ExactInteger {
            let text = "\(joules)".lowercased()
            let parts = text.split(separator: "e")
            let exponent = parts.count > 1 ? Int(parts[1])! : 0
            let pieces = parts[0].split(separator: ".", omittingEmptySubsequences: false)
            var digits = String(pieces[0]) + (pieces.count > 1 ? String(pieces[1]) : "")
            let shift = exponent - (pieces.count > 1 ? pieces[1].count : 0) + 24
            if shift >= 0 { digits += String(repeating: "0", count: shift) } else { digits = String(digits.dropLast(min(-shift, digits.count))) }
            return ExactInteger(decimal: digits.isEmpty || digits == "-" ? "0" : digits)!
        }
        var rng = SplitMix(seed: 7)
        var values: [Double] = [1e-5, 2.0, 0.1, 1e16, 9007199254740993, 1.7976931348623157e308, 12345.678, 0.0001234567890123456,
                                5e-324, -2.5e-3, 1e-30, 123456789012345678]
        for _ in 0..<2_000 {
            let mantissa = Double(rng.next() >> 11) * 0x1p-53
            values.append(mantissa * pow(10, Double(Int(rng.next() % 60) - 30)))
        }
        for v in values { #expect(Ledger.largeQuanta(joules: v) == written(v), "\(v)") }
        #expect(Ledger.largeQuanta(joules: 2.0) == ExactInteger(decimal: "2000000000000000000000000")!)
    }

    @Test func spillsToGMPWithoutOverflow() {
        let ledger = Ledger()
        let a = ledger.account(component: "big", action: "op", phase: "p")
        for _ in 0..<10 { ledger.charge(a, joules: 5e-6) }      // 5e18 quanta each: Int64 would overflow
        ledger.charge(a, joules: 2.0)                          // above the Int64 fast path
        #expect(Ledger.joulesDecimal(quanta: ledger.energyQuanta(a)) == "2.00005")
    }

    /// Charges noted while capturing and added again as one sum of whole quanta per account give
    /// the totals of charging them one by one, across the Int64 path's overflow.
    @Test func summedChargesEqualChargesOneByOne() {
        let joules = [3.2e-13, 5e-6, 1.25e-15, 4.9e-6, 0, 7e-6]
        let single = Ledger(), noted = Ledger(), summed = Ledger()
        let a = single.account(component: "c", action: "op", phase: "p")
        let b = noted.account(component: "c", action: "op", phase: "p")
        let c = summed.account(component: "c", action: "op", phase: "p")
        noted.isCapturing = true
        for (k, e) in joules.enumerated() {
            single.charge(a, joules: e, busy: SimTime(picoseconds: UInt64(k)), count: 2)
            noted.charge(b, joules: e, busy: SimTime(picoseconds: UInt64(k)), count: 2)
        }
        #expect(noted.captured.map(\.quanta) == joules.map { Ledger.quanta(joules: $0) })
        #expect(noted.captured.map(\.busyPicoseconds) == [0, 1, 2, 3, 4, 5] && noted.captured.allSatisfy { $0.count == 2 })
        // Three sums of two charges each, the last two past Int64 together.
        for pair in stride(from: 0, to: joules.count, by: 2) {
            let q = noted.captured[pair].quanta! + noted.captured[pair + 1].quanta!
            summed.charge(c, quanta: q, busy: UInt64(2 * pair + 1), count: 4)
        }
        #expect(summed.energyQuanta(c) == single.energyQuanta(a))
        #expect(summed.energyQuanta(c) == ExactInteger(decimal: "16900000321250000000")!)
        #expect(summed.busyPicoseconds(c) == single.busyPicoseconds(a) && summed.count(c) == single.count(a))
        #expect(summed.magnitude(c) == 0)
    }

    @Test func jsonRoundTripIsExact() throws {
        let ledger = Ledger()
        let a = ledger.account(component: "tile0.array", action: "read", phase: "forward")
        let b = ledger.account(component: "adc", action: "convert", phase: "test")
        ledger.charge(a, joules: 3.2e-13, busy: SimTime(picoseconds: 100_000))
        ledger.charge(b, joules: 1.67e-12, busy: SimTime(picoseconds: 781), count: 54)
        ledger.charge(b, joules: 12.5)
        let data = try ledger.jsonData()
        let back = try Ledger.fromJSON(data)
        #expect(back == ledger)
        #expect(try back.jsonData() == data)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"energy_J\" : \"0.00000000000032\""))
        #expect(text.contains("\"energy_J\" : \"12.50000000000167\""))
    }

    @Test func decimalParsing() {
        #expect(Ledger.quanta(joulesDecimal: "1.5") == ExactInteger(decimal: "1500000000000000000000000"))
        #expect(Ledger.quanta(joulesDecimal: "0.0000000000000000000000001") == nil)
        #expect(Ledger.quanta(joulesDecimal: "abc") == nil)
        #expect(Ledger.humanEnergy(joules: 3.2e-13) == "320 fJ")
        #expect(Ledger.humanEnergy(joules: 1.5e-9) == "1.5 nJ")
    }
}
