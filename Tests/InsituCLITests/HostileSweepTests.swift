import Foundation
import Testing

/// Sweep plans and overrides that used to run wrongly or crash: refused with one message, or right.
@Suite struct HostileSweepTests {
    typealias CLI = CommandLineTests

    @Test(arguments: [
        (["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=4,8", "--vary", "chip.dac.bits+chip.adc.bits=6"], "option --vary chip.dac.bits+chip.adc.bits: error: 'chip.adc.bits' is varied twice"),
        (["sweep", "arch/li2018.yaml", "--vary", "chip.adc.bits=1..100000", "--vary", "chip.dac.bits=1..100000", "--vary", "chip.tile.rows=1..100000",
          "--vary", "chip.tile.columns=1..100000"], "more than 100000"),
        (["validate", "arch/li2018.yaml", "--set", "extends=li2018-board.yaml"], "'extends' is followed when the file is read"),
        (["train", "arch/li2018.yaml", "--images", "10", "--trace", "--trace-images", "-1..5", "--out", "/tmp/insitu-never"], "--trace-images expects A..B"),
    ])
    func refused(_ arguments: [String], _ message: String) throws {
        let out = arguments.first == "sweep" ? ["--out", SweepCommandTests.folder()] : []
        let r = try CLI.run(arguments + out)
        #expect(r.status == 2)
        #expect(r.err.contains(message), "\(r.err)")
    }

    /// Every point scores on its own number of test images.
    @Test func testImagesVaryPerPoint() throws {
        let out = SweepCommandTests.folder()
        let r = try CLI.run(["sweep", "arch/li2018.yaml", "--vary", "training.test_images=100,1000", "--images", "100", "--quiet", "--out", out])
        #expect(r.status == 0, "\(r.err)")
        for (point, images) in [(0, 100), (1, 1000)] {
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + String(format: "/points/%05d/report.json", point)))) as! [String: Any]
            #expect(report["test_images"] as? Int == images)
        }
    }
}
