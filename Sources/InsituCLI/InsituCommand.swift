import Foundation
import ArgumentParser

/// The `insitu` command: subcommands plug in here.
public struct InsituCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "insitu",
        abstract: "Simulate memristor-crossbar chips that train neural networks in situ.",
        discussion: """
        Examples:
          insitu validate arch/li2018.yaml
          insitu describe arch/li2018.yaml --set chip.adc.per_tile=4
          insitu train arch/li2018.yaml
          insitu train arch/li2018.yaml --dataset mnist --data ~/mnist --out runs/a
          insitu compare arch/li2018.yaml arch/digital-32nm.yaml
          insitu sweep arch/li2018.yaml --vary chip.adc.bits=4,6,8 --out runs/s
          insitu experiment stuck-devices --arch arch/li2018.yaml --seeds 3
          insitu bench engine
        """,
        version: InsituVersion.string,
        subcommands: [Validate.self, Describe.self, Train.self, Compare.self, SweepCommand.self, Experiment.self, Bench.self, DatasetCommand.self]
    )

    public init() {}

    /// Parses and runs a command; a command line that does not parse (an unknown option, a
    /// value of the wrong kind) ends with its message and exit code 2, as bad input does.
    public static func runMain() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(0)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// The version printed by `--version`; releases are tagged with it (X.Y.Z, semantic versioning).
public enum InsituVersion {
    public static let string = "0.2.0"
}
