import Testing
@testable import InsituDevices
@testable import InsituEngine
@testable import InsituHardware

/// Parameters of the 1T1R family and which member (ideal or gate-controlled) they build.
@dynamicMemberLookup
struct HandDevice {
    enum Model { case ideal, gateControlled }
    var parameters: DeviceParameters
    var model: Model
    subscript<T>(dynamicMember key: WritableKeyPath<DeviceParameters, T>) -> T {
        get { parameters[keyPath: key] }
        set { parameters[keyPath: key] = newValue }
    }
    var deviceModel: any DeviceModel { model == .ideal ? IdealDevice(parameters) : GateControlledDevice(parameters) }
    /// As a chip spec holds it.
    var spec: AnyDeviceModel { AnyDeviceModel(deviceModel) }
}

/// Device parameters with round numbers for hand calculation:
/// G(Vg) = 100 uS + 1000 uS/V x (Vg - 0.6 V), gate range 0.6-1.7 V.
func handDevice(model: HandDevice.Model = .ideal) -> HandDevice {
    var d = DeviceParameters()
    d.conductanceAtGateMinSiemens = 100e-6
    d.slopeSiemensPerVolt = 1000e-6
    d.resetConductanceSiemens = 5e-6
    d.conductanceCeilingSiemens = 2e-3
    d.setPulse = SimTime(picoseconds: 100_000)
    d.resetPulse = SimTime(picoseconds: 50_000)
    return HandDevice(parameters: d, model: model)
}

func isClose(_ a: Double, _ b: Double, relative: Double = 1e-5) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b), 1e-30) }

@Suite struct DevicePhysicsTests {
    @Test func setReachesTheGatesConductance() {
        var rng = RandomStream(seed: 1)
        var a = DeviceArray(rows: 1, columns: 1, model: handDevice().deviceModel, rng: &rng)
        #expect(isClose(Double(a.conductance[0]), 5e-6))        // fresh device: reset state
        a.program(0, from: 0, to: 1.0, rng: &rng)
        #expect(isClose(Double(a.conductance[0]), 500e-6))     // 100 uS + 1000 uS/V x 0.4 V
        a.program(0, from: 1.0, to: 1.7, rng: &rng)
        #expect(isClose(Double(a.conductance[0]), 1200e-6))
    }

    /// Two by two: one input (a +v row for G+ and a -v row for G-), two output columns.
    /// Gates G+ = [1.0, 0.8] V -> [500, 300] uS; G- = [0.7, 1.2] V -> [200, 700] uS.
    /// With v = 0.1 V: I = 0.1 x (500 - 200) uS = 30 uA and 0.1 x (300 - 700) uS = -40 uA.
    @Test func differentialPairOutputCurrent() {
        var rng = RandomStream(seed: 1)
        let layer = CrossbarLayer(inputs: 1, outputs: 2, device: handDevice().deviceModel, rng: &rng)
        let controller = UpdateController(spec: ControllerSpec(), device: handDevice().deviceModel)
        let plus: [Float] = [1.0, 0.8], minus: [Float] = [0.7, 1.2]
        _ = plus.withUnsafeBufferPointer { controller.programRow(0, of: layer, targets: $0, rng: &rng) }
        _ = minus.withUnsafeBufferPointer { controller.programRow(1, of: layer, targets: $0, rng: &rng) }
        var out: [Float] = [0, 0]
        let v: [Float] = [0.1]
        v.withUnsafeBufferPointer { vb in out.withUnsafeMutableBufferPointer { layer.columnCurrents(vb, into: $0, rng: &rng) } }
        #expect(isClose(Double(out[0]), 30e-6))
        #expect(isClose(Double(out[1]), -40e-6))
        // Read energy over 10 ns: t x v^2 x sum G = 1e-8 x 0.01 x (500+300+200+700) uS = 1.7e-13 J.
        let e = 1e-8 * v.withUnsafeBufferPointer { layer.readPower($0, inputs: 0..<1, block: 0) }
        #expect(isClose(e, 1.7e-13))
    }

    /// Lowering a gate voltage takes a RESET (to the low state) and then a SET; raising it takes a SET only.
    @Test func resetThenSet() throws {
        var rng = RandomStream(seed: 1)
        let d = handDevice()
        let layer = CrossbarLayer(inputs: 1, outputs: 1, device: d.deviceModel, rng: &rng)
        let controller = UpdateController(spec: ControllerSpec(), device: d.deviceModel)
        let up: [Float] = [1.2]
        let first = up.withUnsafeBufferPointer { controller.programRow(0, of: layer, targets: $0, rng: &rng) }
        #expect(first.pulses.resets == 0 && first.pulses.sets == 1)
        #expect(isClose(Double(layer.devices.conductance[0]), 700e-6))
        let down: [Float] = [0.9]
        let second = down.withUnsafeBufferPointer { controller.programRow(0, of: layer, targets: $0, rng: &rng) }
        #expect(second.pulses.resets == 1 && second.pulses.sets == 1)
        #expect(isClose(Double(layer.devices.conductance[0]), 400e-6))
        // RESET from 700 uS: 1.6 V^2 x 700 uS x 50 ns = 8.96e-11 J; SET to 400 uS: 2.5 V x (400 uS x 1 V) x 100 ns = 1e-10 J.
        #expect(isClose(second.pulses.resetFromSiemens * d.deviceModel.resetJoulesPerSiemens, 1.6 * 1.6 * 700e-6 * 50e-9))
        #expect(isClose(second.pulses.setToSiemens * d.deviceModel.setJoulesPerSiemens, 2.5 * 400e-6 * 1.0 * 100e-9))
        // Row time: setup 10 ns + RESET 50 ns + SET 100 ns.
        #expect(try controller.rowTime(second) == SimTime(picoseconds: 160_000))
        let same = down.withUnsafeBufferPointer { controller.programRow(0, of: layer, targets: $0, rng: &rng) }
        #expect(same.columnsDriven == 0)
        #expect(try controller.rowTime(same) == .zero)
    }

    @Test func stuckDevicesIgnorePulses() {
        var d = handDevice(model: .gateControlled)
        d.stuckLowFraction = 0.5
        d.stuckLowSiemens = 10e-6
        d.stuckHighFraction = 0.25
        d.stuckHighSiemens = 1.2e-3
        var rng = RandomStream(seed: 3)
        var a = DeviceArray(rows: 4, columns: 4, model: d.deviceModel, rng: &rng)
        #expect(a.faults.filter { $0 == .stuckLow }.count == 8)     // exactly round(0.5 x 16)
        #expect(a.faults.filter { $0 == .stuckHigh }.count == 4)
        for i in 0..<16 {
            a.program(i, from: 1.5, to: 1.0, rng: &rng)     // RESET, then SET at 1.0 V
            switch a.faults[i] {
            case .stuckLow: #expect(a.conductance[i] == Float(10e-6))
            case .stuckHigh: #expect(a.conductance[i] == Float(1.2e-3))
            case .none: #expect(isClose(Double(a.conductance[i]), 500e-6))
            }
        }
    }

    @Test func cycleToCycleVariationHasTheStatedSpread() {
        var d = handDevice(model: .gateControlled)
        d.updateVariation = 0.02          // of the window 100-1200 uS: sigma = 22 uS
        var rng = RandomStream(seed: 5)
        var a = DeviceArray(rows: 100, columns: 100, model: d.deviceModel, rng: &rng)
        for i in 0..<10_000 { a.program(i, from: 0, to: 1.0, rng: &rng) }
        let g = a.conductance.map(Double.init)
        let mean = g.reduce(0, +) / Double(g.count)
        let sd = (g.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(g.count - 1)).squareRoot()
        #expect(abs(mean - 500e-6) < 1e-6)
        #expect(abs(sd - 22e-6) < 1e-6)
    }

    @Test func quantizer() {
        let adc = Quantizer(bits: 8, fullScale: 0.2, signed: true)     // step 0.2/128
        #expect(adc.quantize(0.3) == Float(0.2))
        #expect(adc.quantize(-1) == Float(-0.2))
        #expect(adc.quantize(Float(0.2 / 128 * 3.4)) == Float(0.2 / 128 * 3))
        let dac = Quantizer(bits: 8, fullScale: 0.2, signed: false)    // step 0.2/255: pixels map exactly
        #expect(dac.quantize(Float(0.2 * 17 / 255)) == Float(0.2 * 17 / 255))
        #expect(dac.quantize(-0.1) == 0)
    }
}

@Suite struct VariationTests {
    /// Device-to-device slope factors have mean 1 and the stated spread; SET follows each device's own slope.
    @Test func deviceToDeviceSlope() {
        var d = handDevice(model: .gateControlled)
        d.deviceVariation = 0.1
        var rng = RandomStream(seed: 8)
        var a = DeviceArray(rows: 100, columns: 100, model: d.deviceModel, rng: &rng)
        let f = a.slopeFactor.map(Double.init)
        let mean = f.reduce(0, +) / Double(f.count)
        let sd = (f.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(f.count - 1)).squareRoot()
        #expect(abs(mean - 1) < 0.005 && abs(sd - 0.1) < 0.005)
        a.program(7, from: 0, to: 1.1, rng: &rng)
        #expect(isClose(Double(a.conductance[7]), 100e-6 + 1000e-6 * Double(a.slopeFactor[7]) * 0.5, relative: 1e-5))
    }

    /// Read noise: a column current's spread is noise x sqrt(sum v^2 (G+^2 + G-^2)).
    @Test func readNoiseOfAColumn() {
        var d = handDevice(model: .gateControlled)
        d.readNoise = 0.05
        var rng = RandomStream(seed: 9)
        let layer = CrossbarLayer(inputs: 1, outputs: 1, device: d.deviceModel, rng: &rng)
        let c = UpdateController(spec: ControllerSpec(), device: d.deviceModel)
        _ = [Float(1.0)].withUnsafeBufferPointer { c.programRow(0, of: layer, targets: $0, rng: &rng) }   // 500 uS
        _ = [Float(0.7)].withUnsafeBufferPointer { c.programRow(1, of: layer, targets: $0, rng: &rng) }   // 200 uS
        let v: [Float] = [0.1]
        var samples: [Double] = []
        var out: [Float] = [0]
        for _ in 0..<20_000 {
            v.withUnsafeBufferPointer { vb in out.withUnsafeMutableBufferPointer { layer.columnCurrents(vb, into: $0, rng: &rng) } }
            samples.append(Double(out[0]))
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let sd = (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)).squareRoot()
        let expected = 0.05 * (0.01 * (500e-6 * 500e-6 + 200e-6 * 200e-6)).squareRoot()   // 2.69 uA
        #expect(abs(mean - 30e-6) < 0.1e-6)
        #expect(abs(sd - expected) / expected < 0.03)
    }
}
