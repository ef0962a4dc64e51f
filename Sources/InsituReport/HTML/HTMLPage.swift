import Foundation

/// One self-contained HTML page: inline style, inline SVG charts, and a short script that
/// marks the page rendered (the browser test reads the mark), nothing fetched.
public struct HTMLPage {
    public var title: String
    var body: [String] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String) { body.append("<h2>\(SVGChart.escape(text))</h2>") }
    public mutating func paragraph(_ text: String) { body.append("<p>\(SVGChart.escape(text))</p>") }
    public mutating func chart(_ svg: String) { body.append("<figure>\(svg)</figure>") }

    /// A table; the first row is the header.
    public mutating func table(_ rows: [[String]]) {
        guard let head = rows.first else { return }
        var s = "<table><thead><tr>" + head.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows.dropFirst() { s += "<tr>" + r.map { "<td>\(SVGChart.escape($0))</td>" }.joined() + "</tr>" }
        body.append(s + "</tbody></table>")
    }

    public var html: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGChart.escape(title))</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 980px; color: #222; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th:first-child, td:first-child { text-align: left; }
        figure { margin: 10px 0; }
        svg.chart { background: #fff; border: 1px solid #eee; }
        svg .title { font-size: 14px; font-weight: 600; } svg .tick { font-size: 11px; fill: #444; }
        svg .label { font-size: 12px; fill: #222; } svg .legend { font-size: 12px; }
        svg .grid { stroke: #eee; } svg .axis { stroke: #555; }
        </style></head>
        <body data-rendered="no">
        <h1>\(SVGChart.escape(title))</h1>
        \(body.joined(separator: "\n"))
        <script>document.body.dataset.rendered = document.querySelectorAll("svg.chart").length + " charts";</script>
        </body></html>

        """
    }
}
