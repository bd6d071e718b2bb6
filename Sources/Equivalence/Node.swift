/// The parse tree of an answer (internal): expressions and the structures around them.
indirect enum Node: Sendable {
    /// Exact numeric literal.
    case num(Rational)
    /// Free variable (name includes subscripts and primes).
    case sym(String)
    /// Named constant: "pi", "e", "i", "inf".
    case const(String)
    /// Sum of terms.
    case add([Node])
    /// Product of factors.
    case mul([Node])
    /// Negation.
    case neg(Node)
    /// Quotient.
    case div(Node, Node)
    /// Power.
    case pow(Node, Node)
    /// a ± b (two branches); the left side may be nil for a leading ±.
    case pm(Node?, Node, minusFirst: Bool)
    /// Function application: sin, cos, sqrt, root, log, logb, abs, fact, binom, floor, ceil, exp, call:f, ...
    case fn(String, [Node])
    /// Ordered collection with its brackets: tuples, intervals, points.
    case tuple([Node], open: UInt8, close: UInt8)
    /// Unordered collection: set literals and bare lists.
    case set([Node])
    /// Union of sets/intervals.
    case union([Node])
    /// Ratio a:b:c.
    case ratio([Node])
    /// Matrix (rows of cells).
    case matrix([[Node]])
    /// Relation chain: sides and the operators between them.
    case rel([Node], [String])
    /// Text (one or more words).
    case text(String)
    /// The ellipsis of a pattern list.
    case ellipsis
    /// Something kept only by its canonical text.
    case opaque(String)
}

extension Node {
    /// Children of this node (for iterative walks).
    var children: [Node] {
        switch self {
        case .add(let xs), .mul(let xs), .set(let xs), .union(let xs), .ratio(let xs), .tuple(let xs, _, _), .fn(_, let xs):
            return xs
        case .neg(let x): return [x]
        case .div(let a, let b), .pow(let a, let b): return [a, b]
        case .pm(let a, let b, _): return a.map { [$0, b] } ?? [b]
        case .matrix(let rows): return rows.flatMap { $0 }
        case .rel(let sides, _): return sides
        default: return []
        }
    }

    /// True when the tree is deeper than limit or has more than maxNodes nodes (checked without recursion).
    func exceeds(depth limit: Int, nodes maxNodes: Int) -> Bool {
        var stack: [(Node, Int)] = [(self, 1)]
        var count = 0
        while let (n, d) = stack.popLast() {
            count += 1
            if d > limit || count > maxNodes { return true }
            for c in n.children { stack.append((c, d + 1)) }
        }
        return false
    }
}
