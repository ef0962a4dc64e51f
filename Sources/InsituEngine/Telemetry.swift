/// What the simulator itself did: events delivered and how fast, in wall and simulated time.
public struct Telemetry: Sendable, Equatable, Codable {
    public var eventsProcessed: UInt64 = 0
    /// Wall time spent inside `Simulator.run`.
    public var wallNanoseconds: UInt64 = 0
    /// Simulated time advanced inside `Simulator.run`.
    public var simulatedPicoseconds: UInt64 = 0

    public init() {}

    public var wallSeconds: Double { Double(wallNanoseconds) * 1e-9 }
    public var eventsPerWallSecond: Double { wallSeconds > 0 ? Double(eventsProcessed) / wallSeconds : 0 }
    /// Simulated seconds per wall second (above 1: faster than the chip would run).
    public var simulatedSecondsPerWallSecond: Double {
        wallSeconds > 0 ? Double(simulatedPicoseconds) * 1e-12 / wallSeconds : 0
    }
}
