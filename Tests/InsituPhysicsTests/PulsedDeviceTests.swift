import Foundation
import Testing
@testable import InsituDevices
import InsituEngine
import InsituHardware
import InsituTraining

/// The pulse-programmed device against MLP+NeuroSim V3.0's formulas, written out again here:
/// its curves (formula.cpp NonlinearWeight), its table of A by nonlinearity label
/// (formula.cpp getParamA, documents/Nonlinearity-NormA.htm), its pulse count (Cell.cpp
/// RealDevice::Write with formula.cpp truncate) and its cycle-to-cycle variation.
@Suite struct PulsedDeviceTests {
    /// NeuroSim's default Ag:a-Si device (Cell.cpp RealDevice).
    static func agSi(cycle: Double = 0, device: Double = 0) -> PulsedDevice {
        PulsedDevice(minSiemens: 3.0769e-9, maxSiemens: 3.8462e-8,
                     potentiation: .init(levels: 97, nonlinearity: 2.4, volts: 3.2, pulse: SimTime(picoseconds: 300_000_000)),
                     depression: .init(levels: 100, nonlinearity: -4.88, volts: 2.8, pulse: SimTime(picoseconds: 300_000_000)),
                     cycleVariation: cycle, deviceVariation: device)
    }

    /// NeuroSim's curve: G(x) = B (1 - e^(-x/A)) + Gmin, B = (Gmax - Gmin) / (1 - e^(-levels/A)).
    static func neuroSim(_ x: Double, levels: Double, a: Double, gMin: Double, gMax: Double) -> Double {
        let b = (gMax - gMin) / (1 - exp(-levels / a))
        return b * (1 - exp(-x / a)) + gMin
    }

    @Test func normalisedAReproducesNeuroSimsTable() {
        // (label, normalised A) from formula.cpp's table (six digits) and the htm table (four).
        let six: [(Double, Double)] = [(0.01, 126.268958), (0.02, 63.134314), (0.05, 25.253264), (0.07, 18.037668), (0.10, 12.625807)]
        for (label, a) in six {
            #expect(abs(PulsedDevice.normalisedA(label: label) / a - 1) < 1e-5, "label \(label)")
            #expect(abs(PulsedDevice.normalisedA(label: -label) / -a - 1) < 1e-5, "label -\(label)")
        }
        let four: [(Double, Double)] = [(1.51, 0.8195), (1.60, 0.7714), (3.01, 0.3853), (4.51, 0.2266), (6.01, 0.1351), (7.51, 0.0702)]
        for (label, a) in four { #expect(abs(PulsedDevice.normalisedA(label: label) - a) < 0.0001, "label \(label)") }
        #expect(PulsedDevice.normalisedA(label: 0) == 0)
    }

    @Test func potentiationFromMinimumToMaximumFollowsTheCurve() {
        let d = Self.agSi()
        let a = PulsedDevice.normalisedA(label: 2.4) * 97
        var g = Float(d.minSiemens)
        var rng = RandomStream(seed: 1, stream: "t")
        var state: Float = 0
        for k in 1...97 {
            let p = d.program(&g, fault: .none, factor: 0, from: state, to: state + 1 / 97, rng: &rng)
            state += 1 / 97
            #expect(p.sets == 1 && p.resets == 0)
            let expected = Self.neuroSim(Double(k), levels: 97, a: a, gMin: d.minSiemens, gMax: d.maxSiemens)
            #expect(abs(Double(g) - expected) <= 1e-6 * d.maxSiemens, "pulse \(k): \(g) vs \(expected)")
            #expect(abs(p.setToSiemens - Double(g)) <= 1e-6 * d.maxSiemens, "a SET's energy is priced at the conductance it reaches")
        }
        #expect(abs(Double(g) - d.maxSiemens) <= 1e-6 * d.maxSiemens)
        // A whole-window step from Gmin in one write: 97 pulses to Gmax, each priced at its point on the curve.
        var h = Float(d.minSiemens)
        let p = d.program(&h, fault: .none, factor: 0, from: 0, to: 1, rng: &rng)
        let sum = (1...97).reduce(0.0) { $0 + Self.neuroSim(Double($1), levels: 97, a: a, gMin: d.minSiemens, gMax: d.maxSiemens) }
        #expect(p.sets == 97 && abs(p.setToSiemens / sum - 1) < 1e-6)
    }

    @Test func depressionFromMaximumFollowsTheNegativeLabelsCurve() {
        let d = Self.agSi()
        // NeuroSim's LTD curve: a negative label gives a negative A; the device moves down it.
        let a = PulsedDevice.normalisedA(label: -4.88) * 100
        #expect(a < 0)
        var g = Float(d.maxSiemens)
        var rng = RandomStream(seed: 1, stream: "t")
        var state: Float = 1
        for k in 1...100 {
            let before = Double(g)
            let p = d.program(&g, fault: .none, factor: 0, from: state, to: state - 0.01, rng: &rng)
            state -= 0.01
            #expect(p.resets == 1 && abs(p.resetFromSiemens - before) < 1e-20, "a RESET is priced at the conductance it leaves")
            let expected = Self.neuroSim(Double(100 - k), levels: 100, a: a, gMin: d.minSiemens, gMax: d.maxSiemens)
            #expect(abs(Double(g) - expected) <= 1e-6 * d.maxSiemens, "pulse \(k): \(g) vs \(expected)")
        }
        // Convex in pulses: the first depression steps are the largest.
        let first = d.maxSiemens - Self.neuroSim(99, levels: 100, a: a, gMin: d.minSiemens, gMax: d.maxSiemens)
        let last = Self.neuroSim(1, levels: 100, a: a, gMin: d.minSiemens, gMax: d.maxSiemens) - d.minSiemens
        #expect(first > 10 * last)
    }

    /// The update rule and the rows skip a step by `StepRounding.pulses(from:to:)`: it must say
    /// "no pulse" exactly when the device's own count is zero, at the half-pulse edges too.
    @Test func stepRoundingAgreesWithThePulseCount() throws {
        let d = Self.agSi()
        let rounding = try #require(d.stepRounding)
        var rng = RandomStream(seed: 5, stream: "rounding")
        var olds: [Float] = [0, 1, 0.5, 0.25]
        for _ in 0..<500 { olds.append(Float(rng.uniform())) }
        for old in olds {
            for levels in [97.0, 100.0] {
                for k in 0..<12 {
                    // Steps just around half a pulse and one and a half pulses, both directions.
                    let half = (k < 6 ? 0.5 : 1.5) / levels
                    let nudge = Double(k % 6 - 3) * 1e-7
                    for sign in [1.0, -1.0] {
                        let new = Float(Double(old) + sign * (half + nudge))
                        let step = Double(new) - Double(old)
                        let count = PulsedDevice.pulseCount(step: step, levels: step > 0 ? 97 : 100)
                        #expect(rounding.pulses(from: old, to: new) == (count > 0), "\(old) -> \(new)")
                    }
                }
            }
        }
        #expect(!rounding.pulses(from: 0.5, to: .nan))
        #expect(!rounding.pulses(from: 0.5, to: .infinity))
        #expect(rounding.pulses(from: 0, to: .greatestFiniteMagnitude))
        #expect(!rounding.pulses(from: 0.5, to: 0.5))
    }

    /// The in-situ update leaves a device whose step rounds to no pulse at its state (it is
    /// neither programmed nor counted as an update) and steps the others by the full step.
    @Test func subPulseStepsAreDroppedByTheUpdate() {
        let d = Self.agSi()
        let slope = d.slopeSiemensPerState
        // dState = -eta x slope x g: with eta = 1, g = -step / slope.
        let steps = [0.4 / 97, 0.6 / 97, -0.4 / 100, -0.6 / 100]
        let g = steps.map { Float(-$0 / slope) }
        let rule = StateUpdate(learningRates: [1])
        let t = rule.targets([g], batchSize: 1, states: [[0.5, 0.5, 0.5, 0.5]], widths: [1, 4], device: d,
                             cell: .reference(siemens: (d.minSiemens + d.maxSiemens) / 2))
        #expect(t[0][0] == 0.5 && t[0][2] == 0.5)
        #expect(abs(Double(t[0][1]) - (0.5 + 0.6 / 97)) < 1e-6 && abs(Double(t[0][3]) - (0.5 - 0.6 / 100)) < 1e-6)
    }

    @Test func pulseCountIsNeuroSimsTruncation() {
        // NeuroSim: numPulse = truncate(dW / (maxW - minW), levels) x levels, halves away from zero.
        // Weights in [-1, 1] are 2 x state - 1, so a weight step dW is a state step dW / 2.
        let cases: [(dW: Double, levels: Int, pulses: Int)] = [
            (0.031, 97, 2),    // 0.0155 x 97 = 1.5035
            (0.0306, 97, 1),   // 0.0153 x 97 = 1.4841
            (-0.01, 100, 1),   // 0.5 exactly: away from zero
            (-0.0098, 100, 0), // 0.49
            (0.4, 97, 19),     // 19.4
            (2.0, 97, 97),     // the whole window
        ]
        for c in cases {
            #expect(PulsedDevice.pulseCount(step: c.dW / 2, levels: c.levels) == c.pulses, "dW \(c.dW)")
        }
        // And the device takes that many pulses from the middle of its window (away from an exact
        // half, which a state held in single precision need not keep).
        let d = Self.agSi()
        var rng = RandomStream(seed: 2, stream: "t")
        for c in cases where abs(c.dW) < 1 && abs(c.dW) != 0.01 {
            var g = Float((d.minSiemens + d.maxSiemens) / 2)
            let p = d.program(&g, fault: .none, factor: 0, from: 0.5, to: Float(0.5 + c.dW / 2), rng: &rng)
            #expect(p.sets + p.resets == c.pulses && (c.dW > 0 ? p.resets == 0 : p.sets == 0))
        }
    }

    @Test func cycleToCycleVariationHasItsSigmaTimesRootPulses() {
        let d = Self.agSi(cycle: 0.035)
        let ideal = Self.agSi()
        let span = d.maxSiemens - d.minSiemens
        var rng = RandomStream(seed: 3, stream: "t")
        let n = 20_000, pulses = 4
        var errors: [Double] = []
        for _ in 0..<n {
            var g = Float(d.minSiemens + 0.4 * span), h = g
            _ = d.program(&g, fault: .none, factor: 0, from: 0.4, to: 0.4 + Float(pulses) / 97, rng: &rng)
            _ = ideal.program(&h, fault: .none, factor: 0, from: 0.4, to: 0.4 + Float(pulses) / 97, rng: &rng)
            errors.append((Double(g) - Double(h)) / span)
        }
        let mean = errors.reduce(0, +) / Double(n)
        let sd = (errors.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
        let sigma = 0.035 * Double(pulses).squareRoot()
        #expect(abs(mean) < 4 * sigma / Double(n).squareRoot(), "mean \(mean)")
        #expect(abs(sd / sigma - 1) < 0.03, "sd \(sd) vs \(sigma)")
    }

    @Test func deviceVariationShiftsEachDevicesLabels() {
        let d = Self.agSi(device: 0.5)
        var rng = RandomStream(seed: 4, stream: "t")
        let fresh = d.fresh(count: 20_000, rng: &rng)
        let z = fresh.slopeFactor.map(Double.init)
        let mean = z.reduce(0, +) / Double(z.count)
        let sd = (z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(z.count - 1)).squareRoot()
        #expect(abs(mean) < 0.03 && abs(sd - 1) < 0.03, "draws N(0, 1): mean \(mean), sd \(sd)")
        // A device drawn at z behaves as a nominal device whose labels are shifted by 0.5 z.
        for factor: Float in [-1.3, 0.7] {
            let shifted = PulsedDevice(minSiemens: d.minSiemens, maxSiemens: d.maxSiemens,
                                       potentiation: .init(levels: 97, nonlinearity: 2.4 + 0.5 * Double(factor), volts: 3.2, pulse: d.setPulse),
                                       depression: .init(levels: 100, nonlinearity: -4.88 + 0.5 * Double(factor), volts: 2.8, pulse: d.resetPulse))
            var g = Float(d.minSiemens), h = g
            _ = d.program(&g, fault: .none, factor: factor, from: 0, to: 0.3, rng: &rng)
            _ = shifted.program(&h, fault: .none, factor: 0, from: 0, to: 0.3, rng: &rng)
            #expect(g == h)
            _ = d.program(&g, fault: .none, factor: factor, from: 0.3, to: 0.1, rng: &rng)
            _ = shifted.program(&h, fault: .none, factor: 0, from: 0.3, to: 0.1, rng: &rng)
            #expect(g == h)
        }
    }

    /// The steepest curves (labels +-9, whose e^(-levels/A) is below a double's resolution)
    /// write from and to the window's ends: a device at G_max depresses, one at G_min
    /// potentiates, and nothing leaves the window or turns NaN.
    @Test func steepestCurvesWriteFromTheWindowsEnds() {
        for (upLabel, downLabel) in [(9.0, 9.0), (-9.0, -9.0), (9.0, -9.0), (-9.0, 9.0)] {
            let d = PulsedDevice(minSiemens: 3.0769e-9, maxSiemens: 3.8462e-8,
                                 potentiation: .init(levels: 97, nonlinearity: upLabel, volts: 3.2, pulse: SimTime(picoseconds: 300_000_000)),
                                 depression: .init(levels: 100, nonlinearity: downLabel, volts: 2.8, pulse: SimTime(picoseconds: 300_000_000)))
            var g = Float(d.minSiemens)
            var rng = RandomStream(seed: 1)
            for (from, to): (Float, Float) in [(0, 1.5), (1.5, 0.6), (0.6, -0.5), (-0.5, 0.2), (0.2, 1.0), (1.0, 0.9)] {
                let before = g
                let p = d.program(&g, fault: .none, factor: 0, from: from, to: to, rng: &rng)
                #expect(g.isFinite && p.setToSiemens.isFinite && p.resetFromSiemens.isFinite, "\(upLabel)/\(downLabel) \(from) -> \(to)")
                #expect(Double(g) >= d.minSiemens * (1 - 1e-6) && Double(g) <= d.maxSiemens * (1 + 1e-6))
                #expect(to > from ? g >= before : g <= before, "a write moves the device its own way")
            }
            // From the top, a full depression reaches the bottom; from the bottom, a full potentiation the top.
            var top = Float(d.maxSiemens), bottom = Float(d.minSiemens)
            _ = d.program(&top, fault: .none, factor: 0, from: 1, to: -0.2, rng: &rng)
            _ = d.program(&bottom, fault: .none, factor: 0, from: 0, to: 1.2, rng: &rng)
            #expect(abs(Double(top) - d.minSiemens) < 1e-3 * d.maxSiemens && abs(Double(bottom) - d.maxSiemens) < 1e-3 * d.maxSiemens,
                    "\(upLabel)/\(downLabel): \(top), \(bottom)")
        }
    }

    /// A device whose drawn labels fall past NeuroSim's table (|label| > 9) takes the table's
    /// end: its writes stay finite and inside the window, as a nominal device at +-9 writes.
    @Test func drawnLabelsStopAtTheTablesEnd() {
        let d = Self.agSi(device: 2)
        for factor: Float in [5, -5, 40] {
            let up = min(max(2.4 + 2 * Double(factor), -9), 9), down = min(max(-4.88 + 2 * Double(factor), -9), 9)
            let clamped = PulsedDevice(minSiemens: d.minSiemens, maxSiemens: d.maxSiemens,
                                       potentiation: .init(levels: 97, nonlinearity: up, volts: 3.2, pulse: d.setPulse),
                                       depression: .init(levels: 100, nonlinearity: down, volts: 2.8, pulse: d.resetPulse))
            var g = Float(d.minSiemens), h = g
            var r1 = RandomStream(seed: 1), r2 = RandomStream(seed: 1)
            for (from, to): (Float, Float) in [(0, 0.6), (0.6, 0.1), (0.1, 1.2), (1.2, -0.3)] {
                let p = d.program(&g, fault: .none, factor: factor, from: from, to: to, rng: &r1)
                let q = clamped.program(&h, fault: .none, factor: 0, from: from, to: to, rng: &r2)
                #expect(g == h && p == q, "factor \(factor): \(from) -> \(to)")
                #expect(g.isFinite && Double(g) >= d.minSiemens * (1 - 1e-6) && Double(g) <= d.maxSiemens * (1 + 1e-6))
                #expect(p.setToSiemens.isFinite && p.resetFromSiemens.isFinite)
            }
        }
    }

    /// The bisection that stops once a step would move neither end gives, bit for bit, what
    /// all 200 of its steps give (written out again here), over labels across the table.
    @Test func bisectionStopsWithTheFullBisectionsBits() {
        func full(_ label: Double) -> Double {
            let target = min(abs(label), 10) * 0.07 * 2.0.squareRoot()
            var lo = -12.0, hi = 12.0
            for _ in 0..<200 {
                let mid = (lo + hi) / 2
                if PulsedDevice.deviation(exp(mid)) > target { lo = mid } else { hi = mid }
            }
            let a = exp((lo + hi) / 2)
            return label > 0 ? a : -a
        }
        var rng = RandomStream(seed: 11, stream: "labels")
        let labels = [0.01, 0.5, 1, 2.4, -4.88, 9, -9, 1e-9, 3.3333] + (0..<300).map { _ in 18 * rng.uniform() - 9 }
        for label in labels {
            #expect(PulsedDevice.normalisedA(label: label).bitPattern == full(label).bitPattern, "label \(label)")
        }
    }

    /// Devices with labels of their own, written in any order and in both directions, land
    /// where a nominal device with their shifted labels lands, whether their curve was found
    /// on this write or an earlier one.
    @Test func ownCurvesAreEachDevicesWhateverTheOrder() {
        let d = Self.agSi(device: 0.4)
        var rng = RandomStream(seed: 5, stream: "z")
        let factors = (0..<40).map { _ in Float(rng.gaussian()) }
        var g = [Float](repeating: Float(d.minSiemens), count: 40), states = [Float](repeating: 0, count: 40)
        for round in 0..<6 {
            for k in (round % 2 == 0 ? Array(0..<40) : Array((0..<40).reversed())) {
                let target: Float = round % 3 == 2 ? 0.05 : 0.2 * Float(round + 1) * (k % 2 == 0 ? 1 : 0.5)
                let shifted = PulsedDevice(minSiemens: d.minSiemens, maxSiemens: d.maxSiemens,
                                           potentiation: .init(levels: 97, nonlinearity: 2.4 + 0.4 * Double(factors[k]), volts: 3.2, pulse: d.setPulse),
                                           depression: .init(levels: 100, nonlinearity: -4.88 + 0.4 * Double(factors[k]), volts: 2.8, pulse: d.resetPulse))
                var h = g[k]
                var r1 = RandomStream(seed: 1), r2 = RandomStream(seed: 1)
                let p = d.program(&g[k], fault: .none, factor: factors[k], from: states[k], to: target, rng: &r1)
                let q = shifted.program(&h, fault: .none, factor: 0, from: states[k], to: target, rng: &r2)
                #expect(g[k] == h && p == q, "device \(k), round \(round)")
                states[k] = d.rememberedState(target: target, conductance: g[k])
            }
        }
    }

    /// A device of many levels: `levels` pulses across the window, NeuroSim's labels or linear.
    static func fine(levels: Int, up: Double = 2.4, down: Double = -4.88) -> PulsedDevice {
        PulsedDevice(minSiemens: 3.0769e-9, maxSiemens: 3.8462e-8,
                     potentiation: .init(levels: levels, nonlinearity: up, volts: 3.2, pulse: SimTime(picoseconds: 300_000)),
                     depression: .init(levels: levels, nonlinearity: down, volts: 2.8, pulse: SimTime(picoseconds: 300_000)))
    }

    /// Writes on a device finer than a pulse-by-pulse walk are summed in closed form: the conductances after
    /// each SET and before each RESET add up to NeuroSim's curve summed pulse by pulse here
    /// (past the window's end, its end), and the write ends where that curve says.
    @Test func longWritesSumTheCurvePulseByPulse() {
        for (upLabel, downLabel) in [(2.4, -4.88), (0.0, 0.0), (-3.0, 1.5)] {
            let levels = 3_000
            let d = Self.fine(levels: levels, up: upLabel, down: downLabel)
            func curve(_ x: Double, label: Double) -> Double {
                let x = min(max(x, 0), Double(levels))
                guard label != 0 else { return d.minSiemens + x / Double(levels) * (d.maxSiemens - d.minSiemens) }
                let a = PulsedDevice.normalisedA(label: label) * Double(levels)
                return Self.neuroSim(x, levels: Double(levels), a: a, gMin: d.minSiemens, gMax: d.maxSiemens)
            }
            for (from, to) in [(Float(0), Float(0.9)), (0.1, 1.0), (0.95, 0.02), (0.8, 0.0), (0, 1), (0.5, 0.5004), (0.3, 0.2996), (0.9, 1.5)] {
                var rng = RandomStream(seed: 2)
                var g = Float(d.minSiemens + Double(from) * (d.maxSiemens - d.minSiemens))
                let up = to > from, label = up ? upLabel : downLabel
                let a = PulsedDevice.normalisedA(label: label) * Double(levels)
                let g0 = Double(g)
                let start = label == 0 ? (g0 - d.minSiemens) / (d.maxSiemens - d.minSiemens) * Double(levels)
                    : -a * log(1 - (g0 - d.minSiemens) / (d.maxSiemens - d.minSiemens) * (1 - exp(-Double(levels) / a)))
                let n = PulsedDevice.pulseCount(step: Double(to) - Double(from), levels: levels)
                #expect(levels > PulsedDevice.levelsWalkedOneByOne)
                let p = d.program(&g, fault: .none, factor: 0, from: from, to: to, rng: &rng)
                var after = 0.0, before = 0.0, previous = g0
                for k in 1...n {
                    let x = curve(start + (up ? 1 : -1) * Double(k), label: label)
                    after += x
                    before += previous
                    previous = x
                }
                if up {
                    #expect(p.sets == n && abs(p.setToSiemens / after - 1) < 1e-9, "\(label) \(from)->\(to): \(p.setToSiemens) against \(after)")
                } else {
                    #expect(p.resets == n && abs(p.resetFromSiemens / before - 1) < 1e-9, "\(label) \(from)->\(to): \(p.resetFromSiemens) against \(before)")
                }
                #expect(abs(Double(g) / previous - 1) < 1e-6, "ends on the curve: \(g) against \(previous)")
            }
        }
    }

    /// A verified write on a device of many levels stops where pulsing one at a time (written
    /// out again here) stops: the same pulse count and conductance.
    @Test func longVerifiedWritesStopWherePulsingOneByOneStops() {
        for (upLabel, downLabel) in [(2.4, -4.88), (0.0, 0.0), (4.0, 3.0)] {
            let d = Self.fine(levels: 5_000, up: upLabel, down: downLabel)
            var g = Float(d.minSiemens)
            for target: Float in [0.3, 0.77, 1.0, 0.5, 0.0, 0.001, 0.999] {
                // Pulse by pulse along the curve from where the device sits.
                let goal = d.minSiemens + Double(target) * (d.maxSiemens - d.minSiemens)
                var siemens = Double(g), count = 0
                if siemens != goal {
                    let up = goal > siemens, curve = d.curve(up: up, factor: 0)
                    let start = d.position(of: siemens, on: curve)
                    for k in 1...5_000 {
                        let next = d.conductance(after: k, from: start, up: up, on: curve)
                        guard abs(next - goal) < abs(siemens - goal) else { break }
                        siemens = next
                        count = k
                    }
                }
                var rng = RandomStream(seed: 3)
                let p = d.programVerified(&g, fault: .none, factor: 0, from: 0, to: target, rng: &rng)
                #expect(p.sets + p.resets == count && g == Float(siemens), "\(upLabel) to \(target): \(p.sets + p.resets) pulses against \(count)")
            }
        }
    }

    @Test func rowProgrammingRemembersWhereEachDeviceLanded() {
        // The controller then holds the window position of each device's conductance, as
        // NeuroSim reads each weight back from its conductance after a write.
        let d = Self.agSi()
        var rng = RandomStream(seed: 5, stream: "t")
        var g: [Float] = [Float(d.minSiemens), Float(d.minSiemens), Float(d.maxSiemens)]
        let faults: [DeviceArray.Fault] = [.none, .none, .none], factors: [Float] = [0, 0, 0]
        var states: [Float] = [0, 0, 1]
        // 0.004 x 97 = 0.39: no pulse; a device at Gmax stepped by 0.3 still takes its 29 pulses (as NeuroSim pulses it) and stays.
        let targets: [Float] = [0.5, 0.004, 1.3]
        let (pulses, driven) = d.program(&g, faults: faults, factors: factors, states: &states, targets: targets, count: 3, verified: false, rng: &rng)
        #expect(driven == 2 && pulses.sets == 49 + 29 && pulses.setRounds == 49, "0.5 x 97 = 48.5 rounds to 49 pulses")
        #expect(abs(Double(states[0]) - d.state(forConductance: Double(g[0]))) < 1e-7 && states[0] > 0.5, "LTP with a positive label overshoots the linear position")
        #expect(abs(states[1]) < 1e-6 && states[2] == 1 && Double(g[2]) == Double(Float(d.maxSiemens)))
        #expect(!d.clipsTargets)
    }

    @Test func programAndVerifyLandsNearestTheTarget() {
        // An initial write pulses along the curve until the next pulse would move away from
        // Gmin + target x (Gmax - Gmin); NeuroSim's preparation writes set that conductance.
        let d = Self.agSi(cycle: 0.035)
        let a = PulsedDevice.normalisedA(label: 2.4) * 97
        var rng = RandomStream(seed: 6, stream: "t")
        for target: Float in [0.1, 0.5, 0.9] {
            var g = Float(d.minSiemens)
            let p = d.programVerified(&g, fault: .none, factor: 0, from: 0, to: target, rng: &rng)
            let goal = d.minSiemens + Double(target) * (d.maxSiemens - d.minSiemens)
            let curve = (0...97).map { Self.neuroSim(Double($0), levels: 97, a: a, gMin: d.minSiemens, gMax: d.maxSiemens) }
            let nearest = curve.indices.min { abs(curve[$0] - goal) < abs(curve[$1] - goal) }!
            #expect(p.sets == nearest && p.resets == 0, "target \(target): \(p.sets) pulses, nearest point \(nearest)")
            #expect(abs(Double(g) - curve[nearest]) <= 1e-6 * d.maxSiemens, "no cycle-to-cycle error after a verify")
        }
        // Downwards from Gmax along the depression curve, likewise.
        var g = Float(d.maxSiemens)
        let p = d.programVerified(&g, fault: .none, factor: 0, from: 1, to: 0.5, rng: &rng)
        #expect(p.resets > 0 && p.sets == 0 && abs(Double(g) - (d.minSiemens + d.maxSiemens) / 2) < (d.maxSiemens - d.minSiemens) / 10)
    }
}
