import InsituHardware
import InsituTraining

/// A chip of hand devices on `tiles` tiles of `rows` x `columns` with `adcs` ADCs each, and a
/// network of `widths`.
func handDeviceDesign(widths: [Int], rows: Int, columns: Int, tiles: Int, adcs: Int, interlayer: ChipSpec.Interlayer) -> (ChipSpec, NetworkSpec) {
    var spec = ChipSpec()
    spec.device = handDevice().spec
    spec.tile.rows = rows
    spec.tile.columns = columns
    spec.tile.count = tiles
    spec.adc.perTile = adcs
    spec.interlayer = interlayer
    var network = NetworkSpec()
    network.layers = widths
    return (spec, network)
}
