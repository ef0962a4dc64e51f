import Foundation
import Testing
@testable import InsituArchFile
import InsituDevices

/// A top-level `device: NAME` swaps in a device of the library: the device is the listed one,
/// and the periphery's window settings follow it by the ratios worked out here by hand.
@Suite struct DeviceLibraryTests {
    static let neurosim = Fixtures.root.appendingPathComponent("arch/neurosim-mlp.yaml").path
    static let agsi = Fixtures.root.appendingPathComponent("arch/li2018-agsi.yaml").path

    /// The design's own device from the library changes nothing but the description.
    @Test func itsOwnDeviceLeavesTheDesignAsItIs() throws {
        let written = try ArchDesign.load(path: Self.agsi)
        var swapped = try ArchDesign.load(path: Self.agsi, overrides: ["device=ag-asi"])
        #expect(swapped.summary.hasSuffix("device ag-asi of the library in place of its own"))
        swapped.summary = written.summary
        #expect(swapped == written)
    }

    /// TaOx/HfOx on NeuroSim's workload: window 1-10 uS against Ag:a-Si's 3.0769-38.462 nS.
    @Test func theGainsFollowTheWindow() throws {
        let d = try ArchDesign.load(path: Self.neurosim, overrides: ["device=taox-hfox"])
        let device = try #require(d.chip.device.model as? PulsedDevice)
        #expect(device.minSiemens == 1e-6 && device.maxSiemens == 1e-5)
        #expect(device.potentiation.levels == 128 && device.depression.levels == 128)
        #expect(device.potentiation.nonlinearity == 0.04 && device.depression.nonlinearity == -0.63)
        #expect(device.setPulse.seconds == 50e-9 && abs(device.cycleVariation - 0.037) < 1e-15)
        // Spans 35.3851 nS and 9 uS; maxima 38.462 nS and 10 uS.
        let span = (38.462e-9 - 3.0769e-9) / 9e-6, top = 38.462e-9 / 10e-6
        #expect(abs(d.chip.tia.gainVoltsPerAmp / (56.52e3 * span) - 1) < 1e-12)
        #expect(abs(d.chip.tia.outputGainVoltsPerAmp / (226.1e3 * span) - 1) < 1e-12)
        #expect(abs(d.chip.tia.readbackGainVoltsPerAmp / (10e6 * top) - 1) < 1e-12)
        #expect(abs(d.network.hiddenScalePerAmp / (5.652e7 * span) - 1) < 1e-12)
        #expect(abs(d.network.outputScalePerAmp / (5.652e7 * span) - 1) < 1e-12)
        // The reference column sits at the new window's middle; learning rates stay in window units.
        #expect(abs(d.chip.cell.referenceSiemens - 5.5e-6) < 1e-18)
        #expect(d.training.learningRatesVoltsSquared == [0.4, 0.1])
    }

    @Test func everyDeviceOfTheLibraryLoadsOnBothNetworks() throws {
        for name in DeviceLibrary.names {
            for path in [Self.neurosim, Self.agsi] {
                let d = try ArchDesign.load(path: path, overrides: ["device=\(name)"])
                #expect(d.chip.device.model is PulsedDevice, "\(name) on \(path)")
            }
        }
    }

    @Test func badDevicesAreRefusedWithTheChoices() throws {
        let dir = try Fixtures.folder(["p.yaml": "extends: \(Self.neurosim)\n"])
        let unknown = Fixtures.error(loading: "p.yaml", in: dir, overrides: ["device=pcmo"])
        #expect(unknown?.message.contains("no device called 'pcmo'") == true && unknown?.hint?.contains("taox-hfox") == true)
        let mapping = Fixtures.error(loading: "p.yaml", in: dir, overrides: ["device={model: pulsed}"])
        #expect(mapping?.message.contains("expects the name of a device") == true)
        // The 1T1R chip's states are gate voltages: its learning rates would mean something else.
        let li = Fixtures.root.appendingPathComponent("arch/li2018.yaml").path
        let gate = try Fixtures.folder(["g.yaml": "extends: \(li)\n"])
        let units = Fixtures.error(loading: "g.yaml", in: gate, overrides: ["device=epiram"])
        #expect(units?.message.contains("window units") == true && units?.message.contains("V") == true)
        // A problem of the design itself is reported as it is written.
        let own = Fixtures.error(loading: "p.yaml", in: dir, overrides: ["device=epiram", "chip.adc.bits=0"])
        #expect(own?.message.contains("chip.adc.bits") == true)
    }
}
