extension RunReport {
    /// The HTML page of `runs`: a section per run with its verdict, a chart per signal and a table of the
    /// verdict changes. Self-contained: inline CSS and SVG, no script, no font or image to fetch.
    /// `source` says where the history came from; `skipped` lists input lines that were not steps.
    public static func page(runs: [Run], source: String, skipped: [String] = []) -> String {
        let title = runs.count == 1 ? "coreward report: \(runs[0].name)" : "coreward report: \(runs.count) runs"
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escaped(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>\(escaped(title))</h1>
            <p class="source">From \(escaped(source)).</p>

            """
        if !skipped.isEmpty {
            out += #"<p class="skipped">Skipped \#(skipped.count) line\#(skipped.count == 1 ? "" : "s") that \#(skipped.count == 1 ? "is" : "are") not a step: "#
                + skipped.prefix(10).map(escaped).joined(separator: "; ") + (skipped.count > 10 ? "; …" : "") + ".</p>\n"
        }
        if runs.count > 1 {
            out += "<nav><ul>" + runs.enumerated().map { index, run in
                ##"<li><a href="#run-\##(index + 1)">\##(escaped(run.name))</a> "##
                    + #"<span class="state \#(run.verdict.rawValue)">\#(run.verdict.rawValue)</span></li>"#
            }.joined() + "</ul></nav>\n"
        }
        for (index, run) in runs.enumerated() { out += section(run, id: "run-\(index + 1)") }
        return out + "</body>\n</html>\n"
    }

    /// One run's section: heading, current verdict, charts, changes.
    static func section(_ run: Run, id: String) -> String {
        let first = run.steps.first, last = run.steps.last
        var out = #"<section class="run" id="\#(id)" data-run="\#(escaped(run.name))">"# + "\n"
        out += "<h2>\(escaped(run.name))</h2>\n"
        out += #"<p class="summary">Verdict: <span class="state \#(run.verdict.rawValue)">\#(run.verdict.rawValue)</span>"#
            + " · \(run.steps.count) step\(run.steps.count == 1 ? "" : "s")"
            + (first.map { f in last.map { " (\(f.step) to \($0.step))" } ?? "" } ?? "")
            + (first?.time.map { f in " · " + escaped(f) + (last?.time.map { " to " + escaped($0) } ?? "") } ?? "")
            + "</p>\n"
        if !run.reasons.isEmpty {
            out += #"<ul class="reasons">"# + run.reasons.map { "<li>\(escaped($0))</li>" }.joined() + "</ul>\n"
        }
        let charted = run.signals
        let missing = Signal.allCases.filter { !charted.contains($0) }
        for signal in charted {
            let latest = run.steps.last { $0.signals[signal] != nil }?.signals[signal]
            out += #"<figure class="signal" data-signal="\#(signal.rawValue)"><figcaption><b>\#(signal.rawValue)</b> "#
                + "<span>\(escaped(signal.meaning))</span>"
                + (latest.map { #" <span class="latest">last: \#(Chart.number($0))</span>"# } ?? "")
                + "</figcaption>" + Chart(run: run, signal: signal).svg + "</figure>\n"
        }
        if !missing.isEmpty {
            out += #"<p class="missing">Not recorded by any step: \#(missing.map(\.rawValue).joined(separator: ", ")).</p>"# + "\n"
        }
        out += changesTable(run.changes)
        return out + "</section>\n"
    }

    /// The table of verdict changes, or a sentence saying there were none.
    static func changesTable(_ changes: [Change]) -> String {
        guard !changes.isEmpty else { return #"<p class="changes none">The verdict stayed healthy at every step.</p>"# + "\n" }
        var out = #"<table class="changes"><caption>Verdict changes</caption>"#
            + "<thead><tr><th>step</th><th>time</th><th>from</th><th>to</th><th>reasons</th></tr></thead><tbody>\n"
        for change in changes {
            out += #"<tr class="\#(change.to.rawValue)"><td>\#(change.step)</td><td>\#(escaped(change.time ?? ""))</td>"#
                + "<td>\(change.from.map { #"<span class="state \#($0.rawValue)">\#($0.rawValue)</span>"# } ?? "(first step)")</td>"
                + #"<td><span class="state \#(change.to.rawValue)">\#(change.to.rawValue)</span></td>"#
                + "<td>" + (change.reasons.isEmpty ? "" : "<ul>" + change.reasons.map { "<li>\(escaped($0))</li>" }.joined() + "</ul>")
                + "</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// Text made safe for HTML and SVG text and attribute values.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The page's stylesheet: system fonts only.
    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:820px;color:#222;padding:0 1em}\
        h1{font-size:1.5em}h2{font-size:1.25em;border-top:1px solid #ccc;padding-top:1em;margin-top:2em}\
        .source,.skipped,.missing{color:#555;font-size:.9em}\
        .state{padding:1px 6px;border-radius:3px;color:#fff;font-size:.9em}\
        .state.healthy{background:#2e7d32}.state.warning{background:#e08e00}.state.collapse_suspected{background:#c62828}\
        figure.signal{margin:1.2em 0}figcaption{font-size:.9em;margin-bottom:.2em}figcaption span{color:#555}\
        figcaption .latest{float:right}svg.chart{width:100%;height:auto;display:block}\
        table.changes{border-collapse:collapse;width:100%;font-size:.9em;margin-top:1em}\
        table.changes caption{text-align:left;font-weight:bold;margin-bottom:.3em}\
        table.changes th,table.changes td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}\
        table.changes ul,ul.reasons{margin:0;padding-left:1.2em}
        """
}
