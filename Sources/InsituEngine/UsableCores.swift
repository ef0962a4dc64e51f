import Foundation

/// The cores this process may run on: the processors in its CPU affinity mask (what `taskset`,
/// a Slurm allocation or a container's cpuset leave it), capped by a cgroup v2 CPU quota
/// (`cpu.max`, rounded up). The machine's processor count counts cores a confined run cannot
/// use, and two threads that spin for each other on one core only wait for each other.
public enum UsableCores {
    /// The count for this process, read once.
    public static let count: Int = {
        let online = ProcessInfo.processInfo.activeProcessorCount
        var usable = affinityCount() ?? online
        if let quota = quotaCores(cpuMax: try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8)) {
            usable = min(usable, quota)
        }
        return max(1, min(usable, online))
    }()

    /// Processors in the process's affinity mask, from the `Cpus_allowed` line of
    /// /proc/self/status (nil where there is none).
    static func affinityCount() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return allowedCount(status: status)
    }

    /// Processors set in the hexadecimal mask of a status text's `Cpus_allowed:` line
    /// ("ff,ffffffff": comma-separated 32-bit words); nil without one.
    public static func allowedCount(status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        var bits = 0
        for c in line.dropFirst("Cpus_allowed:".count) where c != "," && c != " " && c != "\t" {
            guard let nibble = c.hexDigitValue else { return nil }
            bits += nibble.nonzeroBitCount
        }
        return bits > 0 ? bits : nil
    }

    /// Whole cores a cgroup v2 `cpu.max` line ("quota period", or "max period") allows,
    /// rounded up; nil for no quota or a line that is not of that form.
    public static func quotaCores(cpuMax line: String?) -> Int? {
        guard let fields = line?.split(whereSeparator: { $0 == " " || $0 == "\n" }), fields.count >= 2,
              let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0 else { return nil }
        return max(1, Int((quota / period).rounded(.up)))
    }
}
