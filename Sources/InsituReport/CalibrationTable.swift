import Foundation
import InsituTraining

/// A published table of component power and area beside what a calibration run measured:
/// per row the two figures and their ratio; rows the design does not model are listed with why.
public struct CalibrationTable {
    public let published: PublishedTable
    public let measured: Calibration

    public init(published: PublishedTable, measured: Calibration) {
        self.published = published
        self.measured = measured
    }

    /// Each row: name, published and measured power (W) and area (m^2), and the note.
    public var rows: [(name: String, power: Double, measuredPower: Double?, area: Double, measuredArea: Double?, note: String)] {
        published.rows.map { r in
            r.kinds.isEmpty
                ? (r.name, r.powerWatts, nil, r.areaSquareMetres, nil, r.note)
                : (r.name, r.powerWatts, measured.powerWatts(r.kinds), r.areaSquareMetres, measured.areaSquareMetres(r.kinds), "")
        }
    }

    /// What the rows the design models add up to, published and measured.
    public var modelled: (power: Double, measuredPower: Double, area: Double, measuredArea: Double) {
        rows.filter { $0.measuredPower != nil }.reduce((0.0, 0.0, 0.0, 0.0)) {
            ($0.0 + $1.power, $0.1 + $1.measuredPower!, $0.2 + $1.area, $0.3 + $1.measuredArea!)
        }
    }

    /// Power and area of what the design has beyond the table's rows (an IMA's table beside a
    /// chip that also has a buffer, a bus and a router), which the totals leave out.
    public var outside: (kinds: [String], power: Double, area: Double) {
        let named = Set(published.rows.flatMap(\.kinds))
        let kinds = Set(measured.joulesByKind.keys).union(measured.areaByKind.keys).subtracting(named).sorted()
            .filter { measured.powerWatts([$0]) > 0 || measured.areaSquareMetres([$0]) > 0 }
        return (kinds, measured.powerWatts(kinds), measured.areaSquareMetres(kinds))
    }

    public func text() -> String {
        func mw(_ w: Double?) -> String { w.map { String(format: "%.3f", $0 * 1e3) } ?? "-" }
        func mm2(_ a: Double?) -> String { a.map { String(format: "%.5f", $0 * 1e6) } ?? "-" }
        func ratio(_ a: Double?, _ b: Double) -> String { a.map { b > 0 ? String(format: "%.3f", $0 / b) : "-" } ?? "-" }
        var lines = [pad("component", 32) + pad("paper mW", 11) + pad("insitu mW", 11) + pad("ratio", 8)
                     + pad("paper mm^2", 12) + pad("insitu mm^2", 12) + "ratio"]
        for r in rows {
            lines.append(pad(r.name, 32) + pad(mw(r.power), 11) + pad(mw(r.measuredPower), 11) + pad(ratio(r.measuredPower, r.power), 8)
                         + pad(mm2(r.area), 12) + pad(mm2(r.measuredArea), 12) + ratio(r.measuredArea, r.area)
                         + (r.note.isEmpty ? "" : "  (\(r.note))"))
        }
        let m = modelled
        lines.append(pad("modelled rows", 32) + pad(mw(m.power), 11) + pad(mw(m.measuredPower), 11) + pad(ratio(m.measuredPower, m.power), 8)
                     + pad(mm2(m.area), 12) + pad(mm2(m.measuredArea), 12) + ratio(m.measuredArea, m.area))
        // The measured total is the modelled rows' (the kinds the table names); the rest is listed apart.
        lines.append(pad("total (paper)", 32) + pad(mw(published.totalPowerWatts), 11) + pad(mw(m.measuredPower), 11)
                     + pad(ratio(m.measuredPower, published.totalPowerWatts), 8) + pad(mm2(published.totalAreaSquareMetres), 12)
                     + pad(mm2(m.measuredArea), 12) + ratio(m.measuredArea, published.totalAreaSquareMetres))
        let o = outside
        if !o.kinds.isEmpty {
            lines.append(pad("not in the table", 32) + pad("", 11) + pad(mw(o.power), 11) + pad("", 8) + pad("", 12) + pad(mm2(o.area), 12)
                         + " (" + o.kinds.joined(separator: ", ") + ")")
        }
        return lines.joined(separator: "\n")
    }

    public func csv() -> String {
        func f(_ x: Double?) -> String { x.map { String($0) } ?? "" }
        var out = "component,paper_power_W,insitu_power_W,paper_area_m2,insitu_area_m2,note\n"
        for r in rows {
            out += "\"\(r.name)\",\(r.power),\(f(r.measuredPower)),\(r.area),\(f(r.measuredArea)),\"\(r.note)\"\n"
        }
        let m = modelled, o = outside
        out += "\"total\",\(published.totalPowerWatts),\(m.measuredPower),\(published.totalAreaSquareMetres),\(m.measuredArea),\"\"\n"
        if !o.kinds.isEmpty { out += "\"not in the table\",,\(o.power),,\(o.area),\"\(o.kinds.joined(separator: " "))\"\n" }
        return out
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
