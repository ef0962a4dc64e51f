import ArgumentParser
import InsituHardware

/// `insitu validate FILE`: checks an arch file and reports the first problem with its position.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an architecture file; exit 2 with file:line:column on the first problem.",
        discussion: "Example: insitu validate arch/li2018.yaml --set chip.device.stuck_low.fraction=0.3")

    @OptionGroup var options: ArchOptions

    func run() throws {
        let design = try options.load()
        let layers = design.network.layers.map(String.init).joined(separator: "-")
        if let own = design.accelerator {
            print("\(options.arch): ok (\(design.name): \(layers) network on \(own.spec.oneLine))")
        } else {
            print("\(options.arch): ok (\(design.name): \(layers) network, \(design.chip.tile.count) tile(s) of \(design.chip.tile.rows) x \(design.chip.tile.columns))")
            warnOperatingPoint(design.chip, file: options.arch)
        }
    }
}

/// Prints each setting that clips the chip's operating point to standard error, as a warning
/// (the file stays valid: the design may clip on purpose).
func warnOperatingPoint(_ chip: ChipSpec, file: String) {
    for w in chip.operatingPointWarnings { printError("warning: \(file): \(w)") }
}
