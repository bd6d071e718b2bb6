/// Canonical text of a parse tree (commutative operands sorted), used as a structural fallback key (internal).
enum Canonical {
    /// Canonical text of a node.
    static func text(_ n: Node) -> String {
        switch n {
        case .num(let r): return r.description
        case .sym(let s): return s
        case .const(let s): return "#" + s
        case .add(let xs): return "(" + xs.map(text).sorted().joined(separator: "+") + ")"
        case .mul(let xs): return "(" + xs.map(text).sorted().joined(separator: "*") + ")"
        case .neg(let x): return "-" + text(x)
        case .div(let a, let b): return "(" + text(a) + "/" + text(b) + ")"
        case .pow(let a, let b): return "(" + text(a) + "^" + text(b) + ")"
        case .pm(let a, let b, let m): return "(" + (a.map(text) ?? "") + (m ? "-+" : "+-") + text(b) + ")"
        case .fn(let f, let xs): return f + "(" + xs.map(text).joined(separator: ",") + ")"
        case .tuple(let xs, let o, let c):
            return String(UnicodeScalar(o)) + xs.map(text).joined(separator: ",") + String(UnicodeScalar(c))
        case .set(let xs): return "{" + xs.map(text).sorted().joined(separator: ",") + "}"
        case .union(let xs): return "U(" + xs.map(text).sorted().joined(separator: ",") + ")"
        case .ratio(let xs): return xs.map(text).joined(separator: ":")
        case .matrix(let rows): return "M[" + rows.map { $0.map(text).joined(separator: "&") }.joined(separator: ";") + "]"
        case .rel(let sides, let ops):
            var s = text(sides[0])
            for (k, op) in ops.enumerated() where k + 1 < sides.count { s += op + text(sides[k + 1]) }
            return s
        case .text(let s): return "\"" + s + "\""
        case .ellipsis: return "..."
        case .opaque(let s): return "?" + s
        }
    }
}
