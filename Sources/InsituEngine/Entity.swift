/// Something that receives events: a tile, a converter bank, a controller.
///
/// The engine knows nothing else about entities; what an event means is theirs to say.
public protocol Entity: AnyObject {
    /// A stable name, used in traces and ledgers.
    var name: String { get }
    /// Handles one event at `simulator.now`; may schedule further events.
    func handle(_ event: Event, in simulator: Simulator) throws
}
