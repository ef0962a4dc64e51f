import Foundation

/// Progress on standard error: a line redrawn in place on a terminal, plain lines every
/// 10% in a log.
/// Calls come from one thread at a time (sweeps serialise them under a lock).
final class ProgressLine: @unchecked Sendable {
    let label: String
    let total: Int
    let unit: String
    let interactive = isatty(STDERR_FILENO) != 0
    var last = -1

    init(label: String, total: Int, unit: String) {
        self.label = label
        self.total = total
        self.unit = unit
    }

    func update(_ done: Int) {
        let pct = total > 0 ? 100 * done / total : 100
        guard pct != last else { return }
        let step = interactive ? 1 : 10
        guard pct / step != last / step || last < 0 else { last = pct; return }
        last = pct
        let text = "\(label): \(done)/\(total) \(unit) (\(pct)%)"
        FileHandle.standardError.write(Data((interactive ? "\r" + text : text + "\n").utf8))
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
