// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "coreward",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coreward", targets: ["coreward"]),
        // Libraries for the fuzz targets in fuzz/ (a separate package, built with sanitizers).
        .library(name: "CorewardEquivalence", targets: ["Equivalence"]),
        .library(name: "CorewardCore", targets: ["Core"]),
        .library(name: "CorewardServer", targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // Thin C shims: each folder holds only a module map and a header.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // simdjson is C++: a small C ABI over its DOM parser.
        .target(
            name: "CSimdJSON",
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        // glibc's malloc tuning (mallopt, malloc_trim), which Swift's Glibc module does not export.
        .target(
            name: "CMalloc"
        ),
        // The math answer engine: lexer, parser, exact arithmetic, evaluator, comparison forms. Depends on nothing.
        .target(
            name: "Equivalence"
        ),
        // The all-MiniLM-L6-v2 sentence encoder: WordPiece, safetensors, the BERT forward pass on OpenBLAS.
        // The only Swift target that imports CBLAS.
        .target(
            name: "Encoder",
            dependencies: ["CBLAS"]
        ),
        // Pure logic: extraction, voting, rewards, augmentation validation. No I/O, no BLAS.
        .target(
            name: "Core",
            dependencies: ["Equivalence"]
        ),
        // HTTP, JSON, routing, errors, configuration. No reward logic.
        .target(
            name: "Server",
            dependencies: [
                "Core", "Equivalence", "Encoder", "CMicroHTTPD", "CJansson", "CSimdJSON", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "coreward",
            dependencies: [
                "Server", "Core", "Equivalence", "Encoder",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The encoder benchmark (bench/encoder.sh): sentences/s and fraction of sgemm peak.
        .executableTarget(
            name: "encoder-bench",
            dependencies: ["Encoder"]
        ),
        // Where the tests find the package, ../shared and the model, and the shared data's readers (test targets
        // cannot depend on one another). Not in any product.
        .target(
            name: "TestSupport",
            path: "Tests/Support"
        ),
        .testTarget(
            name: "EquivalenceTests",
            dependencies: ["Equivalence", "TestSupport"]
        ),
        .testTarget(
            name: "EncoderTests",
            dependencies: ["Encoder", "TestSupport"]
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: ["Core", "TestSupport"]
        ),
        // Dataset-scale checks (the paper's 7,500 rewrites, 1,000 rules rewrites, the encoder on committed cosines):
        // skipped by `swift test`, run in release by `make quality` (COREWARD_QUALITY=1).
        .testTarget(
            name: "QualityTests",
            dependencies: ["Core", "Encoder", "TestSupport"]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: ["Server", "Core", "Equivalence", "Encoder"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
