import Equivalence

/// Equations a rewrite restated (terms moved, sides swapped) are still the same equations.
///
/// The formula matcher calls a formula "rearranged" when it is not found as written but all its operators and
/// variables are still in the rewrite's formulas: `x^3-5x^2+6x=9` restated `x^3-5x^2+6x-9=0`. Its numbers are the
/// `numbers` check's business, but a value changed in the restatement (`x^3-5x^2+6x-9=3`) keeps every number the
/// original has. So each rearranged equation is compared, with the math equivalence engine, to the rewrite's
/// equations made of mostly the same tokens; when there are such equations and none is equivalent, the formula
/// changed. Conversely an equation the matcher took for altered (`2x+3y=12` as `3y=12-2x`: a `+` became a `-`) is
/// restated when the engine finds an equivalent one.
enum RestatedEquations {
    /// Engine comparisons one rewrite may cost (each is bounded by `EquivalenceLimits`).
    static let budget = 64

    /// The rearranged equations of `rearranged` that no similar equation of `rewriteSpans` restates, and the
    /// equations of `altered` that one does.
    static func compare(rearranged: [String], altered: [String], rewriteSpans: [String],
                        overlap: Double) -> (changed: [String], restated: [String]) {
        let candidates = rewriteSpans.compactMap(equationBody)
            .map { ($0, MathSpanMatcher.significant(MathSpanMatcher.bag(MathSpanMatcher.tokens($0)))) }
        guard !candidates.isEmpty else { return ([], []) }
        var comparisons = 0
        func restated(_ body: String, among similar: [(String, [String: Int])]) -> Bool? {
            for (candidate, _) in similar {
                comparisons += 1
                guard comparisons <= budget else { return nil }
                if MathEquivalence.equivalent(body, candidate) { return true }
            }
            return false
        }
        var changed: [String] = []
        var rescued: [String] = []
        for span in altered {
            guard let body = equationBody(span) else { continue }
            if restated(body, among: candidates) == true { rescued.append(span) }
        }
        for span in rearranged {
            guard let body = equationBody(span) else { continue }
            let tokens = MathSpanMatcher.tokens(body)
            let bag = MathSpanMatcher.significant(MathSpanMatcher.bag(tokens))
            // `x = 4`, `y = f(x)`, `ab = 48` (no operator but `=`): too little structure to tell a restatement from a
            // value plugged in or said in words.
            guard bag.values.reduce(0, +) >= 2 else { continue }
            let letters = variables(tokens)
            let similar = candidates.filter {
                MathSpanMatcher.coverage(bag, in: $0.1) >= overlap && variables(MathSpanMatcher.tokens($0.0)) == letters
            }
            guard !similar.isEmpty else { continue }
            guard let found = restated(body, among: similar) else { break }
            if !found { changed.append(span) }
        }
        return (changed, rescued)
    }

    /// The variables of a formula.
    static func variables(_ tokens: [MathSpanMatcher.Token]) -> Set<String> {
        var names: Set<String> = []
        for case .variable(let name) in tokens { names.insert(name) }
        return names
    }

    /// The formula inside a span's delimiters when it is one equation (one `=`, no list, relation or alignment),
    /// else nil.
    static func equationBody(_ span: String) -> String? {
        var body = Substring(span)
        for (open, close) in [("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")]
        where body.hasPrefix(open) && body.hasSuffix(close) && body.count >= open.count + close.count {
            body = body.dropFirst(open.count).dropLast(close.count)
            break
        }
        while let last = body.last, last == "." || last == "," || last == " " { body = body.dropLast() }
        guard body.filter({ $0 == "=" }).count == 1 else { return nil }
        for excluded in [",", ";", "<", ">", "&", "\\\\", "\\le", "\\ge", "\\ne", "\\begin", "\\approx", "\\equiv", "\\pmod", "\\text"]
        where body.contains(excluded) {
            return nil
        }
        return String(body)
    }
}
