/// Every input cap of the math answer engine, in one place (internal).
///
/// Answers are untrusted text from model rollouts, so every stage is bounded: past a cap an answer is kept
/// by its text instead of being parsed, and arithmetic is refused or done numerically, never guessed.
/// docs/equivalence-policy.md ("Bad input") states the user-visible ones. A caseless enum: these are
/// constants, not settings.
enum EquivalenceLimits {
    // MARK: Input, checked before parsing

    /// Longest answer analysed, in UTF-8 bytes (`MathAnswer.maxLength`): final answers are short, and a
    /// longer text is a whole response or noise, not an answer worth the parse.
    static let answerBytes = 2_000
    /// Deepest `(`/`[`/`{` nesting, counted on the raw bytes: a cheap refusal of pathological nesting
    /// before any lexing (real answers nest a few levels).
    static let bracketNesting = 40
    /// Most tokens parsed: bounds the parser's work whatever the bytes lex to.
    static let tokens = 1_500

    // MARK: Parser

    /// Deepest recursion of the parser (one bracket level costs about ten calls): keeps the stack small
    /// on any thread.
    static let parserDepth = 160
    /// Most parse-function calls per answer: a hard bound on parse time, whatever the grammar does with
    /// the tokens.
    static let parserSteps = 20_000
    /// Longest repetend of a repeating decimal `0.\overline{d}` (it becomes 10^n - 1 in a denominator).
    static let repeatingDecimalDigits = 12
    /// Most digits of a plain-text exponent (`1.5e-3`): no answer writes a larger one.
    static let scientificExponentDigits = 4

    // MARK: Parse tree and forms

    /// Deepest parse tree accepted, and the depth at which `FormBuilder` stops: every pass after parsing
    /// (forms, canonical text, evaluation) recurses over the tree.
    static let treeDepth = 60
    /// Most nodes in a parse tree: each later pass is linear in the nodes, some at several sample points.
    static let treeNodes = 3_000
    /// Deepest recursion when two forms are compared.
    static let formComparisonDepth = 40
    /// Most element pairs tried when two sets are compared (every element against every other, both
    /// ways): 64 × 64 elements.
    static let setComparisons = 4_096
    /// Deepest sum/product of matrices that is computed cell by cell.
    static let matrixExpressionDepth = 20
    /// Largest side of a matrix product computed cell by cell (an n × n product expands to n³ terms).
    static let matrixProductSide = 8
    /// Most `±` signs expanded: each doubles the branches (2^n answers, each evaluated on its own).
    static let plusMinusSigns = 3

    // MARK: Evaluation

    /// Work budget for the exact arithmetic of one answer, roughly in limb products: past it values are
    /// computed numerically (or refused), so a huge exact value cannot stall a request.
    static let exactWork = 200_000
    /// Expressions without variables of more nodes than this are evaluated numerically only: exact
    /// evaluation of a large tree could spend the whole budget on one answer.
    static let exactNodes = 300
    /// The same for expressions with variables, smaller because each is evaluated at every sample point.
    static let exactNodesWithVariables = 120
    /// Node counting for the two caps above stops here (any count above them means the same).
    static let countedNodes = 400
    /// At sample points, an exact operation on operands of more 32-bit limbs than this is done numerically
    /// instead: every answer with variables is evaluated at six points, so exact growth there is not affordable.
    static let sampleOperandLimbs = 96
    /// Largest integer exponent computed exactly (the result is also capped by `integerBits` and the budget).
    static let integerExponent = 100_000
    /// Clamp on the estimated size of an exact power, in limbs, before it is squared into a work cost:
    /// keeps that cost from overflowing `Int`.
    static let powerResultLimbs = 100_000
    /// Largest |p| of a rational exponent `x^{p/q}` computed exactly.
    static let rationalExponentNumerator = 10_000
    /// Largest root index evaluated: `\sqrt[n]{x}` for larger n fails, `x^{p/q}` for larger q is only
    /// computed numerically, and no exact rational root of higher index is sought.
    static let rootIndex = 64
    /// Largest n whose factorial is computed exactly (the factorial of 1000 has 8,530 bits).
    static let factorialArgument = 1_000
    /// Numeric factorials of x (through the gamma function) only below this: the factorial of 171 overflows a Double.
    static let approximateFactorialArgument = 170.0
    /// Largest n of an exact `\binom{n}{k}`.
    static let binomialTop = 1_000_000
    /// Largest min(k, n - k) of an exact `\binom{n}{k}` (the product has that many factors).
    static let binomialBottom = 1_000
    /// Largest k of `\binom{n}{k}` for a non-integer rational n (the falling-factorial product of k rational
    /// factors, computed at every sample point of `\binom{m}{k}`): answers use small k.
    static let fallingBinomialBottom = 64

    // MARK: Exact arithmetic

    /// Size, in bits, past which exact arithmetic refuses a result (nil) instead of rounding it: checked by
    /// `Rational(_:_:)` on its parts (every big sum, product and quotient) and, from a lower bound, by
    /// `BigInt.power`; factorials and binomials have their own caps.
    static let integerBits = 8_192
    /// Longest run of decimal digits read as one integer (a backstop: answers are at most `answerBytes`).
    static let decimalDigits = 6_000
    /// Most Newton steps for an exact integer root (a backstop: it converges in far fewer).
    static let newtonSteps = 10_000
    /// Exact roots are not sought for rationals of more bits (numerator plus denominator) than this:
    /// Newton's method on huge numbers is not worth its cost.
    static let rootOperandBits = 4_096

    // MARK: Prose fallback

    /// The prose fallback reads only the last this-many bytes of a text (a backstop: `MathAnswer` passes
    /// it at most `answerBytes`).
    static let proseBytes = 20_000
    /// Most `$...$` / `\(...\)` / `\[...\]` segments parsed, from the last one back.
    static let proseSegmentParses = 8
}
