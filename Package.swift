// swift-tools-version:6.0
// spurious: a Swift toolkit that reproduces "Uncovering Memorization Effect in the
// Presence of Spurious Correlations" (Nature Communications 2025) on the CPU.
import Foundation
import PackageDescription

// Release builds must use the CPU's vector units: without a target CPU, Swift emits
// baseline x86-64 and every SIMD `addProduct` becomes a library `fmaf` call (about
// 100x slower; see ../shared/PERFORMANCE.md). By default we build for the machine
// that compiles (`-march=native`). To build for another machine, set SPURIOUS_MARCH,
// e.g. `SPURIOUS_MARCH=x86-64-v3 swift build -c release` (AVX2+FMA) or
// `SPURIOUS_MARCH=znver4`; `SPURIOUS_MARCH=none` adds no flag at all.
let environment = ProcessInfo.processInfo.environment
let march = environment["SPURIOUS_MARCH"] ?? "native"

// The register tiles are chosen at compile time by vector register count: 8 x 48 in
// 24 SIMD16 accumulators where AVX-512 gives 32 registers, the same tile in 4 x 24
// quarters where AVX2 (or NEON) gives 16 (GEMM+MicroKernel.swift). Swift cannot ask
// `#if` about CPU features, so the manifest tells the code with `-D AVX512`: for
// `native`, from /proc/cpuinfo's flags (Linux); for a named CPU, from the list below.
// SPURIOUS_AVX512=1 or 0 overrides. Either choice runs correctly on any CPU the
// binary runs on; only the speed differs.
let avx512Targets: Set<String> = [
  "x86-64-v4", "znver4", "znver5", "skylake-avx512", "cascadelake", "cooperlake",
  "cannonlake", "icelake-client", "icelake-server", "tigerlake", "rocketlake",
  "sapphirerapids", "emeraldrapids", "graniterapids", "diamondrapids",
]
func targetHasAVX512() -> Bool {
  if let forced = environment["SPURIOUS_AVX512"] { return forced == "1" }
  if march != "native" { return avx512Targets.contains(march) }
  guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return false }
  return flags.split(separator: " ").contains("avx512f")
}
let cpuFlags: [SwiftSetting] =
  (march == "none" ? [] : [.unsafeFlags(["-Xcc", "-march=\(march)"])])
  + (targetHasAVX512() ? [.define("AVX512")] : [])

let package = Package(
  name: "spurious",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "spurious", targets: ["spurious"])
  ],
  targets: [
    // Software prefetch through the compiler's Builtin module: one file built with
    // -parse-stdlib, the only way to reach llvm.prefetch from Swift.
    .target(
      name: "CacheHints", swiftSettings: cpuFlags + [.unsafeFlags(["-parse-stdlib"])]),
    // Float32 tensors, reverse-mode autograd, SIMD kernels, thread pool, RNG.
    .target(name: "Tensor", dependencies: ["CacheHints"], swiftSettings: cpuFlags),
    // PyTorch .pth (legacy and zip) and safetensors, read without executing anything.
    .target(name: "Checkpoints", swiftSettings: cpuFlags),
    // ResNet50 and DeiT/ViT with PyTorch state-dict names.
    .target(name: "Models", dependencies: ["Tensor", "Checkpoints"], swiftSettings: cpuFlags),
    // JPEG codec and the torchvision transforms.
    .target(name: "Imaging", swiftSettings: cpuFlags),
    // CSV, Waterbirds/CelebA/folder metadata, batch loader, synthetic dataset.
    .target(name: "Datasets", dependencies: ["Imaging", "Tensor"], swiftSettings: cpuFlags),
    // Critical-neuron selection and modification, magnitude masks.
    .target(name: "Neurons", dependencies: ["Tensor", "Models"], swiftSettings: cpuFlags),
    // The loops: pretrain, evaluate, study, prune-finetune, sweep, report, demo.
    .target(
      name: "Experiments",
      dependencies: ["Tensor", "Checkpoints", "Models", "Imaging", "Datasets", "Neurons"],
      swiftSettings: cpuFlags),
    // Our own command-line argument parser.
    .target(name: "Arguments"),
    // Benchmarks behind `spurious bench`.
    .target(
      name: "Benchmarks",
      dependencies: ["Tensor", "Checkpoints", "Models", "Imaging", "Datasets"],
      swiftSettings: cpuFlags),
    .executableTarget(
      name: "spurious",
      dependencies: [
        "Arguments", "Experiments", "Benchmarks", "Tensor", "Checkpoints", "Models", "Imaging",
        "Datasets", "Neurons",
      ],
      swiftSettings: cpuFlags),

    .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    .testTarget(name: "CheckpointsTests", dependencies: ["Checkpoints", "TestSupport"]),
    .testTarget(name: "ModelsTests", dependencies: ["Models", "Checkpoints", "TestSupport"]),
    .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
    .testTarget(name: "NeuronsTests", dependencies: ["Neurons", "TestSupport"]),
    .testTarget(
      name: "ExperimentsTests",
      dependencies: ["Experiments", "Neurons", "Checkpoints", "Models", "Tensor", "TestSupport"]),
    .testTarget(name: "ArgumentsTests", dependencies: ["Arguments", "TestSupport"]),
    .testTarget(
      name: "SpuriousCLITests", dependencies: ["TestSupport", "Imaging"],
      resources: []),
  ],
  // Swift 5 mode: the kernels share unsafe buffers across the thread pool by design,
  // which Swift 6's strict Sendable checking would force through wrappers everywhere.
  swiftLanguageModes: [.v5]
)
