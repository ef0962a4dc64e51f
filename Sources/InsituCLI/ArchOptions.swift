import ArgumentParser
import Foundation
import InsituArchFile
import InsituReport

/// The arch file argument and `--set` overrides, shared by commands that read a design.
struct ArchOptions: ParsableArguments {
    @Argument(help: "Architecture file (YAML), e.g. arch/li2018.yaml.")
    var arch: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value: KEY=VALUE with a dotted key, e.g. chip.adc.bits=6 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    /// Loads the design, or prints the arch error and exits with code 2.
    func load() throws -> ArchDesign {
        try loadDesign(path: arch, overrides: overrides)
    }

    /// The design and its resolved tree as JSON, from one reading.
    func loadResolved() throws -> (design: ArchDesign, resolvedJSON: Data) {
        try loadResolvedDesign(path: arch, overrides: overrides)
    }
}

/// Loads a design; an `ArchError` is printed once to standard error and ends the command with exit code 2.
func loadDesign(path: String, overrides: [String]) throws -> ArchDesign {
    try loadResolvedDesign(path: path, overrides: overrides).design
}

/// Loads a design with its resolved tree as JSON (see `loadDesign`).
func loadResolvedDesign(path: String, overrides: [String]) throws -> (design: ArchDesign, resolvedJSON: Data) {
    do {
        return try ArchDesign.loadResolved(path: path, overrides: overrides)
    } catch let error as ArchError {
        throw inputError(error.description)
    }
}

/// Writes one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Ends a command with a usage error (exit code 2) naming the option.
func usageError(_ text: String) -> ExitCode {
    inputError("error: " + text)
}

/// Prints a complete message about bad input (arch file, data, option) and gives exit code 2.
func inputError(_ message: String) -> ExitCode {
    printError(message)
    return ExitCode(ArchError.exitCode)
}

/// Creates the output folder before any work, so a bad --out fails at once; exit code 2.
func prepareOutputFolder(_ folder: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw usageError("--out \(folder) is a file; give a folder for the run's outputs")
    }
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
        throw usageError("--out \(folder): cannot create the folder (is a parent a file, or not writable?)")
    }
}

/// Takes a run's output folder (locked, refused if it holds another run unless `force`);
/// a refusal is a usage error, exit code 2.
func takeRunFolder(_ path: String, force: Bool, resuming: Bool = false, shared: Bool = false, own: Set<String> = []) throws -> RunFolder {
    do {
        return try RunFolder(path, force: force, resuming: resuming, shared: shared, own: own)
    } catch let refusal as RunFolder.Refusal {
        throw usageError(refusal.description)
    }
}

/// Creates a folder below a run's folder (never through a symbolic link); a refusal is a usage error.
func makeSubfolder(_ path: String) throws {
    do {
        try RunFolder.subfolder(path)
    } catch let refusal as RunFolder.Refusal {
        throw usageError(refusal.description)
    }
}

/// Runs an output step; a file that cannot be written ends the command with one message and exit code 1.
func writingOutputs(to folder: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as AtomicFile.Failure {
        printError("error: \(failure)")
        throw ExitCode(1)
    } catch let error as CocoaError {
        let path = error.userInfo[NSFilePathErrorKey] as? String ?? folder
        let reason = (error.userInfo[NSUnderlyingErrorKey] as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? "the system refused it"
        printError("error: cannot write \(path): \(reason)")
        throw ExitCode(1)
    }
}
