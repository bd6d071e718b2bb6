/// The element-wise primitives of the forward pass, one small function each. They are plain
/// scalar loops over raw pointers that LLVM vectorises in release builds (no SIMD types: the
/// generic SIMD operations are slow in debug builds, and some, such as `pointwiseMin`, are not
/// inlined even in release). Reductions keep eight partial sums so they vectorise too.
enum VectorMath {
    /// Sum of `count` floats, in eight interleaved partial sums.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var (s0, s1, s2, s3, s4, s5, s6, s7): (Float, Float, Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0, 0, 0)
        var i = 0
        while i + 8 <= count {
            s0 += values[i]; s1 += values[i + 1]; s2 += values[i + 2]; s3 += values[i + 3]
            s4 += values[i + 4]; s5 += values[i + 5]; s6 += values[i + 6]; s7 += values[i + 7]
            i += 8
        }
        while i < count {
            s0 += values[i]
            i += 1
        }
        return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
    }

    /// Copies `row` (`width` floats) into each of the `rows` rows of `matrix` (a bias that an
    /// sgemm with beta = 1 then adds its product onto).
    static func copyRows(_ row: UnsafePointer<Float>, into matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            (matrix + r * width).update(from: row, count: width)
        }
    }

    /// In-place LayerNorm of each row after adding `bias` (if any):
    /// `y = (x - mean) / sqrt(var + epsilon) * weight + shift`, biased variance, two passes.
    static func layerNorm(
        _ matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int,
        addingBias bias: UnsafePointer<Float>?,
        weight: UnsafePointer<Float>, shift: UnsafePointer<Float>, epsilon: Float
    ) {
        let inverseWidth = 1 / Float(width)
        for r in 0..<rows {
            let row = matrix + r * width
            if let bias {
                for i in 0..<width { row[i] += bias[i] }
            }
            let mean = sum(row, count: width) * inverseWidth
            for i in 0..<width { row[i] -= mean }
            var (s0, s1, s2, s3, s4, s5, s6, s7): (Float, Float, Float, Float, Float, Float, Float, Float) = (0, 0, 0, 0, 0, 0, 0, 0)
            var i = 0
            while i + 8 <= width {
                s0 += row[i] * row[i]; s1 += row[i + 1] * row[i + 1]
                s2 += row[i + 2] * row[i + 2]; s3 += row[i + 3] * row[i + 3]
                s4 += row[i + 4] * row[i + 4]; s5 += row[i + 5] * row[i + 5]
                s6 += row[i + 6] * row[i + 6]; s7 += row[i + 7] * row[i + 7]
                i += 8
            }
            while i < width {
                s0 += row[i] * row[i]
                i += 1
            }
            let variance = (((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))) * inverseWidth
            let scale = 1 / (variance + epsilon).squareRoot()
            for i in 0..<width { row[i] = row[i] * scale * weight[i] + shift[i] }
        }
    }

    /// In-place erf GELU of `count` floats, `0.5·x·(1 + erf(x/√2))`.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = values[i]
            values[i] = 0.5 * x * (1 + erf(x * 0.70710678118654752))
        }
    }

    /// In-place softmax of one row.
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var (m0, m1, m2, m3) = (-Float.infinity, -Float.infinity, -Float.infinity, -Float.infinity)
        var i = 0
        while i + 4 <= count {
            m0 = max(m0, row[i]); m1 = max(m1, row[i + 1]); m2 = max(m2, row[i + 2]); m3 = max(m3, row[i + 3])
            i += 4
        }
        while i < count {
            m0 = max(m0, row[i])
            i += 1
        }
        let maximum = max(max(m0, m1), max(m2, m3))
        for i in 0..<count { row[i] = exp(row[i] - maximum) }
        let inverse = 1 / sum(row, count: count)
        for i in 0..<count { row[i] *= inverse }
    }

    /// Mean of the first `count` rows, then divided by `max(‖mean‖, 1e-12)`, into `output`.
    static func meanPoolNormalised(
        _ matrix: UnsafePointer<Float>, count: Int, width: Int, into output: UnsafeMutablePointer<Float>
    ) {
        output.initialize(repeating: 0, count: width)
        for r in 0..<count {
            let row = matrix + r * width
            for i in 0..<width { output[i] += row[i] }
        }
        let inverseCount = 1 / Float(max(count, 1))
        var squares = 0.0
        for i in 0..<width {
            output[i] *= inverseCount
            squares += Double(output[i]) * Double(output[i])
        }
        let inverseNorm = Float(1 / max(squares.squareRoot(), 1e-12))
        for i in 0..<width { output[i] *= inverseNorm }
    }

    /// `e^x`: Cody–Waite reduction `x = n·ln2 + r`, |r| ≤ ln2/2, a degree-7 Taylor polynomial
    /// for `e^r` (truncation error < 6e-9 relative), and `2^n` built in the exponent bits.
    /// Inputs are clamped to [-87.3, 88.3], so there are no infinities or subnormals.
    @inline(__always)
    static func exp(_ input: Float) -> Float {
        let x = min(max(input, -87.3), 88.3)
        // Adding 1.5·2^23 rounds x·log2(e) to the integer n, which lands in the low mantissa bits.
        let shifted = x * 1.44269504088896341 + 12_582_912
        let n = shifted - 12_582_912
        var r = x - n * 0.693359375      // ln 2, high part (exact in float)
        r = r + n * 2.12194440e-4        // ln 2, low part
        var p: Float = 1 / 5040
        p = p * r + 1 / 720
        p = p * r + 1 / 120
        p = p * r + 1 / 24
        p = p * r + 1 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return p * Float(bitPattern: (shifted.bitPattern &+ 127) &<< 23)
    }

    /// erf as `x·P(x²)/Q(x²)` on |x| ≤ 4 (erf is ±1 to float precision beyond). The degree 6/5
    /// rational was fitted to erf on [0, 4] (model error 2e-9); evaluated in float its largest
    /// error is 3.6e-7 (about 3 ulp near 1). glibc's `erff` is more accurate (4e-8) but costs
    /// ~15 ns per call here against ~1 ns, and the FFN needs 9,216 of them per token.
    @inline(__always)
    static func erf(_ input: Float) -> Float {
        let x = min(max(input, -4), 4)
        let z = x * x
        var p: Float = -1.3858128314378242e-08
        p = p * z + 4.818214514618455e-06
        p = p * z + 3.8415494921968787e-04
        p = p * z + 3.8443978733495397e-03
        p = p * z + 5.4366728152901805e-02
        p = p * z + 1.847194182214244e-01
        p = p * z + 1.1283791792365834
        var q: Float = 6.437118332824855e-05
        q = q * z + 1.312577812432191e-03
        q = q * z + 1.5468002405148356e-02
        q = q * z + 1.13859261193093e-01
        q = q * z + 4.970368499960931e-01
        q = q * z + 1
        return x * p / q
    }
}
