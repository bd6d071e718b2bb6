// swift-tools-version:6.0
// libFuzzer targets for coreward's untrusted-input paths. Built and run by scripts/fuzz.sh:
//   swift build --package-path fuzz --sanitize=fuzzer --sanitize=address
import PackageDescription

let package = Package(
    name: "coreward-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "coreward", path: ".."),
    ],
    targets: [
        .executableTarget(name: "FuzzExtraction", dependencies: [.product(name: "CorewardCore", package: "coreward")]),
        .executableTarget(name: "FuzzEquivalence", dependencies: [
            .product(name: "CorewardCore", package: "coreward"),
            .product(name: "CorewardEquivalence", package: "coreward"),
        ]),
        .executableTarget(name: "FuzzRequests", dependencies: [
            .product(name: "CorewardServer", package: "coreward"),
            .product(name: "CorewardCore", package: "coreward"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
