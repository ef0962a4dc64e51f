import Foundation

/// Charts drawn as inline SVG with axes, ticks, units and a legend, so that a report is one
/// self-contained file that any browser shows without fetching anything.
public enum SVGChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed = false
        /// An error bar per point (low and high of y), drawn when given.
        public var spread: [(low: Double, high: Double)]?
        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false, spread: [(low: Double, high: Double)]? = nil) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.spread = spread
        }
    }

    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static let width = 680.0, height = 340.0
    static let left = 72.0, right = 170.0, top = 36.0, bottom = 52.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// Text safe inside HTML and SVG.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart).
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = ceil(low / step) * step
        var out: [Double] = []
        while t <= high + step * 1e-9 && out.count < 50 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// A tick label: plain for ordinary magnitudes, with an SI prefix otherwise.
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 0.01 && a < 100_000 { return String(format: "%g", (v * 1000).rounded() / 1000) }
        let prefixes: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
        let (scale, p) = prefixes.first { a >= $0.0 } ?? (1e-15, "f")
        return String(format: "%g", (v / scale * 100).rounded() / 100) + p
    }

    /// Frame, title, axis titles, ticks and grid for the ranges given; returns the SVG prefix and the mappings.
    static func frame(title: String, xLabel: String, yLabel: String, x: ClosedRange<Double>, y: ClosedRange<Double>,
                      xTicks: [Double]? = nil) -> (String, (Double) -> Double, (Double) -> Double) {
        let xs = { (v: Double) in left + (v - x.lowerBound) / max(x.upperBound - x.lowerBound, 1e-300) * plotWidth }
        let ys = { (v: Double) in top + plotHeight - (v - y.lowerBound) / max(y.upperBound - y.lowerBound, 1e-300) * plotHeight }
        var s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        s += "<title>\(escape(title))</title>"
        s += "<text x=\"\(f(left))\" y=\"20\" class=\"title\">\(escape(title))</text>"
        for t in ticks(y.lowerBound, y.upperBound) {
            let py = ys(t)
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(py))\" y2=\"\(f(py))\" class=\"grid\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" class=\"tick\" text-anchor=\"end\">\(label(t))</text>"
        }
        for t in xTicks ?? ticks(x.lowerBound, x.upperBound) {
            let px = xs(t)
            s += "<line x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight + 4))\" class=\"axis\"/>"
            s += "<text x=\"\(f(px))\" y=\"\(f(top + plotHeight + 17))\" class=\"tick\" text-anchor=\"middle\">\(label(t))</text>"
        }
        s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>"
        s += "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" class=\"axis\"/>"
        s += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 10))\" class=\"label\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        s += "<text transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" class=\"label\" text-anchor=\"middle\">\(escape(yLabel))</text>"
        return (s, xs, ys)
    }

    static func legend(_ entries: [(name: String, color: String, dashed: Bool)]) -> String {
        var s = ""
        for (i, e) in entries.enumerated() {
            let y = top + 8 + Double(i) * 18
            let x = left + plotWidth + 16
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x + 22))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"\(e.color)\" stroke-width=\"3\"\(e.dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            s += "<text x=\"\(f(x + 28))\" y=\"\(f(y + 4))\" class=\"legend\">\(escape(e.name))</text>"
        }
        return s
    }

    static func range(_ values: [Double], includeZero: Bool) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includeZero { low = min(low, 0); high = max(high, 0) }
        if high <= low { high = low + (low == 0 ? 1 : abs(low) * 0.1) }
        let pad = (high - low) * 0.05
        return (includeZero && low == 0 ? 0 : low - pad)...(high + pad)
    }

    /// Lines of (x, y) points.
    public static func lines(title: String, xLabel: String, yLabel: String, series: [Series], yIncludesZero: Bool = true) -> String {
        let all = series.flatMap(\.points)
        let bars = series.flatMap { $0.spread ?? [] }.flatMap { [$0.low, $0.high] }
        let (head, xs, ys) = frame(title: title, xLabel: xLabel, yLabel: yLabel, x: range(all.map(\.x), includeZero: true),
                                   y: range(all.map(\.y) + bars, includeZero: yIncludesZero))
        var s = head
        for (i, line) in series.enumerated() where !line.points.isEmpty {
            let color = palette[i % palette.count]
            let path = line.points.map { "\(f(xs($0.x))),\(f(ys($0.y)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"><title>\(escape(line.name))</title></polyline>"
            for (p, e) in zip(line.points, line.spread ?? []) {
                let x = f(xs(p.x))
                s += "<line class=\"error-bar\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(f(ys(e.low)))\" y2=\"\(f(ys(e.high)))\" stroke=\"\(color)\" stroke-width=\"1.5\"><title>\(escape(line.name)): \(label(e.low)) to \(label(e.high))</title></line>"
            }
            if line.points.count <= 60 {
                for p in line.points {
                    s += "<circle cx=\"\(f(xs(p.x)))\" cy=\"\(f(ys(p.y)))\" r=\"3\" fill=\"\(color)\"><title>\(escape(line.name)): \(label(p.x)), \(label(p.y))</title></circle>"
                }
            }
        }
        s += legend(series.enumerated().map { ($1.name, palette[$0 % palette.count], $1.dashed) })
        return s + "</svg>"
    }

    /// Bars per category, each split into stacked segments (one per stack name).
    public static func stackedBars(title: String, yLabel: String, categories: [String], stacks: [(name: String, values: [Double])]) -> String {
        let totals = categories.indices.map { c in stacks.reduce(0) { $0 + max($1.values[c], 0) } }
        let y = range(totals, includeZero: true)
        var (s, _, ys) = frame(title: title, xLabel: "", yLabel: yLabel, x: 0...1, y: y, xTicks: [])
        let slot = plotWidth / Double(max(categories.count, 1))
        for (c, name) in categories.enumerated() {
            var base = 0.0
            let x = left + slot * Double(c) + slot * 0.15
            for (k, stack) in stacks.enumerated() {
                let v = max(stack.values[c], 0)
                guard v > 0 else { continue }
                let y0 = ys(base), y1 = ys(base + v)
                s += "<rect x=\"\(f(x))\" y=\"\(f(y1))\" width=\"\(f(slot * 0.7))\" height=\"\(f(max(y0 - y1, 0.5)))\" fill=\"\(palette[k % palette.count])\"><title>\(escape(name)), \(escape(stack.name)): \(label(v))</title></rect>"
                base += v
            }
            s += "<text x=\"\(f(x + slot * 0.35))\" y=\"\(f(top + plotHeight + 17))\" class=\"tick\" text-anchor=\"middle\">\(escape(name))</text>"
        }
        s += legend(stacks.enumerated().map { ($1.name, palette[$0 % palette.count], false) })
        return s + "</svg>"
    }

    /// How a sweep point is drawn: on the front (drawn last, on top), dominated, or infeasible (grey).
    public enum PointState: Sendable { case front, dominated, infeasible }

    /// Points (x, y), those on the Pareto front marked and drawn over the others, infeasible
    /// ones grey; `bar` draws the point's range in y (over seeds).
    public static func scatter(title: String, xLabel: String, yLabel: String,
                               points: [(x: Double, y: Double, label: String, state: PointState, bar: (low: Double, high: Double)?)]) -> String {
        let bars = points.compactMap(\.bar).flatMap { [$0.low, $0.high] }
        let (head, xs, ys) = frame(title: title, xLabel: xLabel, yLabel: yLabel, x: range(points.map(\.x), includeZero: false),
                                   y: range(points.map(\.y) + bars, includeZero: false))
        var s = head
        let colour: [PointState: String] = [.front: palette[3], .dominated: palette[0], .infeasible: "#bbbbbb"]
        let order: [PointState] = [.infeasible, .dominated, .front]
        for state in order {
            for p in points where p.state == state {
                let c = colour[state]!
                if let bar = p.bar {
                    s += "<line class=\"error-bar\" x1=\"\(f(xs(p.x)))\" x2=\"\(f(xs(p.x)))\" y1=\"\(f(ys(bar.low)))\" y2=\"\(f(ys(bar.high)))\" stroke=\"\(c)\" stroke-width=\"1.5\"/>"
                }
                s += "<circle class=\"\(state)\" cx=\"\(f(xs(p.x)))\" cy=\"\(f(ys(p.y)))\" r=\"\(state == .front ? 5 : 3.5)\" fill=\"\(c)\" fill-opacity=\"0.85\"><title>\(escape(p.label))</title></circle>"
            }
        }
        var entries = [("dominated", palette[0], false), ("on the Pareto front", palette[3], false)]
        if points.contains(where: { $0.state == .infeasible }) { entries.append(("infeasible", "#bbbbbb", false)) }
        s += legend(entries)
        return s + "</svg>"
    }

    /// Horizontal bars of ratios on a log scale around 1 (A/B per measure).
    /// `better` (when given) colours a bar by whether A is better than B on that figure
    /// (green) or worse (red); without it, by A larger (blue) or smaller (orange).
    public static func ratios(title: String, items: [(name: String, ratio: Double, better: Bool?)]) -> String {
        let finite = items.filter { $0.ratio > 0 && $0.ratio.isFinite }
        let logs = finite.map { log10($0.ratio) }
        let span = max(logs.map(abs).max() ?? 1, 0.5).rounded(.up)
        let rowHeight = 22.0
        let h = top + Double(finite.count) * rowHeight + 40
        let labelWidth = 230.0, barWidth = width - labelWidth - 40
        let x0 = labelWidth + barWidth / 2
        let xs = { (v: Double) in x0 + v / span * barWidth / 2 }
        var s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(width)) \(Int(h))\" role=\"img\"><title>\(escape(title))</title>"
        s += "<text x=\"10\" y=\"20\" class=\"title\">\(escape(title))</text>"
        for (i, item) in finite.enumerated() {
            let y = top + Double(i) * rowHeight
            let v = log10(item.ratio)
            let (a, b) = (xs(min(v, 0)), xs(max(v, 0)))
            s += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 14))\" class=\"tick\" text-anchor=\"end\">\(escape(item.name))</text>"
            s += "<rect x=\"\(f(a))\" y=\"\(f(y + 3))\" width=\"\(f(max(b - a, 1)))\" height=\"\(f(rowHeight - 6))\" fill=\"\(item.better.map { $0 ? palette[2] : palette[3] } ?? (v >= 0 ? palette[0] : palette[1]))\"><title>\(escape(item.name)): \(String(format: "%.3g", item.ratio))x\(item.better.map { $0 ? ", A better" : ", A worse" } ?? "")</title></rect>"
            // The value sits outside the bar's end, or inside it where outside would run into the names.
            let inside = v < 0 && a - 50 < labelWidth
            s += "<text x=\"\(f(v >= 0 ? b + 4 : (inside ? a + 4 : a - 4)))\" y=\"\(f(y + 14))\" class=\"tick\"\(inside ? " fill=\"#fff\"" : "") text-anchor=\"\(v >= 0 || inside ? "start" : "end")\">\(String(format: "%.3g", item.ratio))x</text>"
        }
        let axisY = top + Double(finite.count) * rowHeight + 4
        s += "<line x1=\"\(f(x0))\" x2=\"\(f(x0))\" y1=\"\(f(top))\" y2=\"\(f(axisY))\" class=\"axis\"/>"
        for e in stride(from: -span, through: span, by: 1) {
            s += "<text x=\"\(f(xs(e)))\" y=\"\(f(axisY + 14))\" class=\"tick\" text-anchor=\"middle\">\(label(pow(10, e)))x</text>"
        }
        let key = items.contains { $0.better != nil } ? "; green: A better, red: A worse" : ""
        s += "<text x=\"\(f(x0))\" y=\"\(f(axisY + 32))\" class=\"label\" text-anchor=\"middle\">A / B (log scale; right of 1: A larger\(key))</text>"
        return s + "</svg>"
    }
}
