import Foundation
import Testing

/// Options written to hurt: one message each, exit code 2, quickly.
@Suite struct HostileOptionTests {
    typealias CLI = CommandLineTests

    @Test(arguments: [
        (["train", "arch/li2018.yaml", "--images", "-5"], "--images must be at least 1"),
        (["train", "arch/li2018.yaml", "--bogus"], "Unknown option '--bogus'"),
        (["train", "arch/li2018.yaml", "--images", "many"], "The value 'many' is invalid"),
        (["train", "arch/li2018.yaml", "--seed", "-1"], "'-1' is invalid"),
        (["experiment", "stuck-devices", "--seeds", "1000000000"], "--seeds must be from 1 to 10,000"),
        (["experiment", "stuck-devices", "--seeds", "1", "--images", "10", "--set", "chip.device.model=ideal"], "has no stuck devices to vary"),
        (["bench", "engine", "--entities", "100000000"], "--entities must be from 1 to 10,000,000"),
        (["validate", "arch/li2018.yaml", "--set", "chip.tile.rows=32"], "does not fit the chip"),
        (["dataset", "export", "--data", "/tmp", "--out", "/tmp"], "is a folder"),
    ])
    func optionErrorsExitTwo(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 2, "\(arguments)")
        #expect(r.err.contains(message), "\(r.err)")
    }
}
