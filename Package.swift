// swift-tools-version:6.0
import PackageDescription

// Hot loops (state-vector kernels, the interpreter) are built without runtime checks they do
// not need: indices are checked explicitly and Int overflow is detected with *ReportingOverflow.
// Release builds target x86-64 with AVX2 and FMA (haswell and later): the SIMD4<Double> kernels
// become ymm code; without it every lane product is a libm fma call, 10x slower.
let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked", "-target-cpu", "haswell"], .when(configuration: .release))]

let package = Package(
    name: "SynQ",
    products: [
        .executable(name: "synq", targets: ["synq"]),
        .library(name: "QuantumKit", targets: ["QuantumKit"]),
        .library(name: "SynQLanguage", targets: ["SynQLanguage"]),
        .library(name: "JupyterProtocol", targets: ["JupyterProtocol"]),
    ],
    targets: [
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CTLS", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "Support"),
        .target(name: "QuantumKit", dependencies: ["Support"], swiftSettings: optimise),
        .target(name: "SynQCluster", dependencies: ["QuantumKit", "Support", "CTLS"]),
        .target(name: "SynQLanguage", dependencies: ["QuantumKit", "SynQCluster", "Support"], swiftSettings: optimise),
        .target(name: "SynQDisplay", dependencies: ["QuantumKit"]),
        .target(name: "JupyterProtocol", dependencies: ["CZeroMQ", "CCrypto", "Support"]),
        .target(name: "SynQLanguageServer", dependencies: ["SynQLanguage", "Support"]),
        .target(name: "SynQKernel", dependencies: ["JupyterProtocol", "SynQLanguage", "SynQDisplay", "SynQCluster", "QuantumKit", "Support"]),
        .executableTarget(name: "synq", dependencies: ["SynQKernel", "SynQLanguage", "SynQLanguageServer", "SynQCluster", "QuantumKit", "Support"]),
        .testTarget(name: "QuantumKitTests", dependencies: ["QuantumKit"]),
        .testTarget(name: "SynQClusterTests", dependencies: ["SynQCluster", "QuantumKit", "Support"]),
        .testTarget(name: "SynQLanguageTests", dependencies: ["SynQLanguage", "Support"], exclude: ["Golden", "fuzz-corpus.json"]),
        .testTarget(name: "SynQLanguageServerTests", dependencies: ["SynQLanguageServer", "Support"]),
        .testTarget(name: "JupyterProtocolTests", dependencies: ["JupyterProtocol", "Support"]),
    ],
    swiftLanguageModes: [.v5]
)
