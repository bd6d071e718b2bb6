// encoder-bench: sentences/s of the Swift MiniLM encoder at several batch sizes, the machine's
// sgemm peak through the same OpenBLAS, and the encoder's achieved GFLOP/s against it.
//
// Usage: encoder-bench [--model DIR] [--data train_pairs.jsonl] [--count N] [--batches 1,32,128]
//                      [--parallelism batches:2|blas:2] [--repeats R] [--texts-out FILE] [--json FILE]
@_spi(Benchmark) import Encoder
import Foundation

struct Options {
    var model = ProcessInfo.processInfo.environment["COREWARD_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
    var data: String?
    var count = 256
    var batches = [1, 32, 128]
    var parallelism = MiniLM.Parallelism.batches(workers: ProcessInfo.processInfo.activeProcessorCount)
    var repeats = 3
    var minTokens = 60
    var maxTokens = 120
    var textsOut: String?
    var json: String?
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("encoder-bench: \(message)\n".utf8))
    exit(2)
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    func value(_ flag: String) -> String {
        guard let next = arguments.popFirst() else { fail("\(flag) needs a value") }
        return next
    }
    while let flag = arguments.popFirst() {
        switch flag {
        case "--model": options.model = value(flag)
        case "--data": options.data = value(flag)
        case "--count": options.count = Int(value(flag)) ?? options.count
        case "--repeats": options.repeats = max(1, Int(value(flag)) ?? options.repeats)
        case "--min-tokens": options.minTokens = Int(value(flag)) ?? options.minTokens
        case "--max-tokens": options.maxTokens = Int(value(flag)) ?? options.maxTokens
        case "--batches": options.batches = value(flag).split(separator: ",").compactMap { Int($0) }
        case "--texts-out": options.textsOut = value(flag)
        case "--json": options.json = value(flag)
        case "--parallelism":
            let parts = value(flag).split(separator: ":")
            guard parts.count == 2, let n = Int(parts[1]) else { fail("--parallelism batches:N or blas:N") }
            switch parts[0] {
            case "batches": options.parallelism = .batches(workers: n)
            case "blas": options.parallelism = .blas(threads: n)
            default: fail("--parallelism batches:N or blas:N")
            }
        default: fail("unknown option \(flag)")
        }
    }
    return options
}

/// train_pairs.jsonl beside the package: $COREWARD_SHARED, else the nearest ancestor's shared/.
func defaultDataPath() -> String {
    let relative = "data/math/train_pairs.jsonl"
    if let shared = ProcessInfo.processInfo.environment["COREWARD_SHARED"] { return shared + "/" + relative }
    var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    while folder.path != "/" {
        let candidate = folder.deletingLastPathComponent().appendingPathComponent("shared/" + relative)
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        folder = folder.deletingLastPathComponent()
    }
    return "../shared/" + relative
}

/// The "original" math questions of train_pairs.jsonl ({"id", "original", "rephrased", ...}).
func loadQuestions(_ path: String) -> [String] {
    struct Pair: Decodable { let original: String }
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let decoder = JSONDecoder()
    return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(Pair.self, from: $0).original }
}

/// User + system CPU seconds of this process so far (all threads).
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// GFLOP/s of one `size³` sgemm through `BLAS.sgemm`, best of `repeats`.
func sgemmPeak(size: Int, threads: Int, repeats: Int = 5) -> Double {
    let previous = BLAS.threadCount
    BLAS.setThreadCount(threads)
    defer { BLAS.setThreadCount(previous) }
    let a = UnsafeMutablePointer<Float>.allocate(capacity: size * size)
    let b = UnsafeMutablePointer<Float>.allocate(capacity: size * size)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: size * size)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    for i in 0..<size * size {
        a[i] = Float(i % 7) * 0.1
        b[i] = Float(i % 5) * 0.1
    }
    var best = Double.infinity
    for _ in 0...repeats {   // first run warms up
        let start = now()
        BLAS.sgemm(m: size, n: size, k: size, a: a, lda: size, b: b, ldb: size, c: c, ldc: size)
        best = min(best, now() - start)
    }
    return 2 * pow(Double(size), 3) / best / 1e9
}

let options = parseOptions()
let cores = ProcessInfo.processInfo.activeProcessorCount
let model: MiniLM
do {
    BLAS.setThreadCount(options.parallelism.blasThreads)
    model = try MiniLM(directory: options.model, parallelism: options.parallelism)
} catch {
    fail("\(error)")
}

let dataPath = options.data ?? defaultDataPath()
let candidates = loadQuestions(dataPath)
var texts: [String] = []
var tokenCounts: [Int] = []
for question in candidates where texts.count < options.count {
    let count = model.tokenize(question).count
    if count >= options.minTokens && count <= options.maxTokens {
        texts.append(question)
        tokenCounts.append(count)
    }
}
guard !texts.isEmpty else { fail("no questions of \(options.minTokens)-\(options.maxTokens) tokens in \(dataPath)") }
if let out = options.textsOut {
    do {
        try JSONEncoder().encode(texts).write(to: URL(fileURLWithPath: out))
    } catch {
        fail("cannot write \(out): \(error)")
    }
}
let totalFlops = tokenCounts.reduce(0.0) { $0 + model.flops(tokens: $1) }
let meanTokens = Double(tokenCounts.reduce(0, +)) / Double(tokenCounts.count)

let peak = sgemmPeak(size: 2048, threads: cores)
let peakOneThread = sgemmPeak(size: 2048, threads: 1)
// sgemmPeak restored the thread count MiniLM chose.

print("OpenBLAS core: \(BLAS.coreName); config: \(BLAS.configuration); OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)")")
print("parallelism: \(model.parallelism); cores: \(cores); OpenBLAS threads during embed: \(BLAS.threadCount)")
print(String(format: "texts: %d questions from %@, %d-%d tokens, mean %.1f tokens, %.2f GFLOP per text",
             texts.count, dataPath, options.minTokens, options.maxTokens, meanTokens, totalFlops / Double(texts.count) / 1e9))
print(String(format: "sgemm peak (2048^3): %.1f GFLOP/s with %d threads, %.1f GFLOP/s with 1 thread", peak, cores, peakOneThread))

_ = model.embed(Array(texts.prefix(8)), batchSize: 8)   // warm-up: page in weights, grow scratch

struct Row: Codable {
    let batch: Int
    let sentencesPerSecond: Double
    let gflops: Double
    let fractionOfPeak: Double
    let seconds: [Double]
    /// Process CPU seconds per run, divided by its wall time: how many cores it kept busy.
    let coresBusy: [Double]
    /// Where the forward passes' time went over all runs: the share of each stage (products,
    /// attention, elementWise), summed over workers.
    let stageShares: [String: Double]
}
var rows: [Row] = []
print("batch  sentences/s  GFLOP/s  of-peak  cores-busy  products/attention/element-wise  runs(s)")
for batch in options.batches {
    var times: [Double] = []
    var busy: [Double] = []
    let stagesBefore = model.stageSeconds
    for _ in 0..<options.repeats {
        let (start, startCPU) = (now(), cpuSeconds())
        let embeddings = model.embed(texts, batchSize: batch)
        times.append(now() - start)
        busy.append((cpuSeconds() - startCPU) / times[times.count - 1])
        precondition(embeddings.count == texts.count)
    }
    let stages = model.stageSeconds - stagesBefore
    let stageTotal = max(stages.products + stages.attention + stages.elementWise, 1e-9)
    let shares = ["products": stages.products / stageTotal, "attention": stages.attention / stageTotal,
                  "elementWise": stages.elementWise / stageTotal]
    let median = times.sorted()[times.count / 2]
    let gflops = totalFlops / median / 1e9
    let row = Row(batch: batch, sentencesPerSecond: Double(texts.count) / median, gflops: gflops,
                  fractionOfPeak: gflops / peak, seconds: times, coresBusy: busy, stageShares: shares)
    rows.append(row)
    let split = String(format: "%.0f%% / %.0f%% / %.0f%%", 100 * shares["products", default: 0],
                       100 * shares["attention", default: 0], 100 * shares["elementWise", default: 0])
    print(String(format: "%5d  %11.1f  %7.1f  %6.1f%%  %10.2f  %@  %@", batch, row.sentencesPerSecond, gflops, 100 * row.fractionOfPeak,
                 busy.reduce(0, +) / Double(busy.count), split, times.map { String(format: "%.2f", $0) }.joined(separator: " ")))
}

if let path = options.json {
    struct Report: Codable {
        let coreName: String
        let parallelism: String
        let texts: Int
        let meanTokens: Double
        let flopsPerText: Double
        let peakGflops: Double
        let peakGflopsOneThread: Double
        let rows: [Row]
    }
    let report = Report(coreName: BLAS.coreName, parallelism: "\(model.parallelism)", texts: texts.count,
                        meanTokens: meanTokens, flopsPerText: totalFlops / Double(texts.count),
                        peakGflops: peak, peakGflopsOneThread: peakOneThread, rows: rows)
    do {
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: path))
    } catch {
        fail("cannot write \(path): \(error)")
    }
}
