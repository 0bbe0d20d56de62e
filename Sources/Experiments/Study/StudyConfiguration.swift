import Foundation
import Neurons

/// Which neurons a Part I study modifies (REFERENCE.md 4.3-4.5).
public enum StudyKind: String, Codable, CaseIterable, Sendable {
  /// Greedy top-k output channels by weight L2 norm.
  case largest
  /// Per group, top-k output channels by gradient L2 norm on its worst samples.
  case activated
  /// Every weight beyond a global magnitude threshold (a percentage of the weights).
  case threshold
}

/// One study configuration: what the reference encodes in its output file name, plus
/// the dataset and splits, which it encodes in the folder name.
public struct StudyConfiguration: Codable, Hashable, Sendable {
  public var kind: StudyKind
  public var mode: ModificationMode
  /// Neurons chosen (largest, activated).
  public var topK: Int?
  /// Fraction of the weights modified (threshold), e.g. 1e-05 or 0.05.
  public var percentage: Double?
  /// Threshold study: modify the smallest magnitudes instead of the largest.
  public var smallest: Bool
  /// Threshold study: the fraction of selected weights left untouched.
  public var dropoutP: Double?
  /// Standard deviation of random_init / random_noise (0 otherwise).
  public var noiseStd: Double
  /// Rewind: how many epochs back the restored weights come from (0 otherwise).
  public var rewindEpochs: Int
  /// Activated study: the batch of worst samples per group (the reference's 200).
  public var batchSize: Int?
  /// `waterbirds`, `celeba`, ... when known.
  public var dataset: String?
  /// The split the modified runs are evaluated on, when known.
  public var split: String?
  /// The split of the baseline row, when known (the README example mixes train and test).
  public var baselineSplit: String?

  public init(
    kind: StudyKind, mode: ModificationMode, topK: Int? = nil, percentage: Double? = nil,
    smallest: Bool = false, dropoutP: Double? = nil, noiseStd: Double = 0, rewindEpochs: Int = 0,
    batchSize: Int? = nil, dataset: String? = nil, split: String? = nil,
    baselineSplit: String? = nil
  ) {
    self.kind = kind
    self.mode = mode
    self.topK = topK
    self.percentage = percentage
    self.smallest = smallest
    self.dropoutP = dropoutP
    self.noiseStd = noiseStd
    self.rewindEpochs = rewindEpochs
    self.batchSize = batchSize ?? (kind == .activated ? 200 : nil)
    self.dataset = dataset
    self.split = split
    self.baselineSplit = baselineSplit
  }

  /// How many times the reference repeats the modified evaluation: 10 for random modes
  /// (3 in the activated study), else 1.
  public var referenceRuns: Int {
    guard mode.isRandom else { return 1 }
    return kind == .activated ? 3 : 10
  }

  /// The reference's output file name, e.g. `zero_global_top3_largest_neuron.txt`,
  /// `random_init_std0.02_global_top1_largest_neuron.txt`,
  /// `zero_poorest_random_batch200_global_top3_most_activated_neuron.txt`,
  /// `rewind_1e-05_5epochs_back_global_smallest_neuron.txt`. Floats use Python's repr,
  /// as the reference's f-strings do.
  public var referenceFileName: String {
    let variant: String
    switch mode {
    case .randomInit, .randomNoise: variant = "_std\(PythonFloat.repr(noiseStd))"
    case .rewind: variant = "_\(rewindEpochs)epochs_back"
    case .zero: variant = ""
    }
    switch kind {
    case .largest:
      return "\(mode.rawValue)\(variant)_global_top\(topK ?? 0)_largest_neuron.txt"
    case .activated:
      return "\(mode.rawValue)_poorest_random_batch\(batchSize ?? 200)\(variant)"
        + "_global_top\(topK ?? 0)_most_activated_neuron.txt"
    case .threshold:
      let pct = PythonFloat.repr(percentage ?? 0)
      return
        "\(mode.rawValue)_\(pct)\(variant)_global_\(smallest ? "smallest" : "largest")_neuron.txt"
    }
  }

  /// Recovers the configuration from a reference file name (the inverse of
  /// `referenceFileName`); nil when the name is not one of the reference's.
  public static func parse(referenceFileName name: String) -> StudyConfiguration? {
    guard name.hasSuffix(".txt") else { return nil }
    let stem = String(name.dropLast(4))
    guard
      let mode = ModificationMode.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
        .first(where: { stem.hasPrefix($0.rawValue + "_") })
    else { return nil }
    var rest = Substring(stem.dropFirst(mode.rawValue.count + 1))

    func take(_ prefix: String) -> Bool {
      guard rest.hasPrefix(prefix) else { return false }
      rest = rest.dropFirst(prefix.count)
      return true
    }
    func takeUntil(_ separator: String) -> Substring? {
      guard let range = rest.range(of: separator) else { return nil }
      let head = rest[..<range.lowerBound]
      rest = rest[range.upperBound...]
      return head
    }
    // The `_std{s}` / `_{r}epochs_back` part, which must match the mode.
    func variant(_ head: Substring) -> (std: Double, rewind: Int)? {
      switch mode {
      case .randomInit, .randomNoise:
        guard head.hasPrefix("std"), let s = Double(head.dropFirst(3)) else { return nil }
        return (s, 0)
      case .rewind:
        guard head.hasSuffix("epochs_back"), let r = Int(head.dropLast("epochs_back".count))
        else { return nil }
        return (0, r)
      case .zero:
        return head.isEmpty ? (0, 0) : nil
      }
    }

    if stem.hasSuffix("_most_activated_neuron") {
      guard take("poorest_random_batch"), let batch = takeUntil("_").flatMap({ Int($0) }) else {
        return nil
      }
      rest = "_" + rest
      return parseTop(
        kind: .activated, mode: mode, rest: rest, suffix: "_most_activated_neuron",
        batchSize: batch, variant: variant)
    }
    if stem.hasSuffix("_largest_neuron"), rest.contains("global_top") {
      return parseTop(
        kind: .largest, mode: mode, rest: "_" + rest, suffix: "_largest_neuron", batchSize: nil,
        variant: variant)
    }
    // Threshold: {pct}[_variant]_global_{largest|smallest}_neuron
    let smallest: Bool
    if rest.hasSuffix("_global_smallest_neuron") {
      smallest = true
      rest = rest.dropLast("_global_smallest_neuron".count)
    } else if rest.hasSuffix("_global_largest_neuron") {
      smallest = false
      rest = rest.dropLast("_global_largest_neuron".count)
    } else {
      return nil
    }
    let pctText = rest.prefix { $0 != "_" }
    guard let pct = Double(pctText) else { return nil }
    let tail = rest.dropFirst(pctText.count)
    guard let v = variant(tail.isEmpty ? "" : tail.dropFirst()), tail.isEmpty || tail.hasPrefix("_")
    else { return nil }
    return StudyConfiguration(
      kind: .threshold, mode: mode, percentage: pct, smallest: smallest, noiseStd: v.std,
      rewindEpochs: v.rewind)
  }

  private static func parseTop(
    kind: StudyKind, mode: ModificationMode, rest: Substring, suffix: String, batchSize: Int?,
    variant: (Substring) -> (std: Double, rewind: Int)?
  ) -> StudyConfiguration? {
    guard rest.hasSuffix(suffix), let range = rest.range(of: "_global_top", options: .backwards)
    else { return nil }
    let head = rest[..<range.lowerBound]
    let kText = rest[range.upperBound...].dropLast(suffix.count)
    guard let k = Int(kText), let v = variant(head.isEmpty ? "" : head.dropFirst()) else {
      return nil
    }
    return StudyConfiguration(
      kind: kind, mode: mode, topK: k, noiseStd: v.std, rewindEpochs: v.rewind,
      batchSize: batchSize)
  }

  /// A short human label: `largest zero top-3`, `threshold random_init 1e-05 smallest
  /// std 0.02`, `activated rewind top-2 5 epochs back`.
  public var label: String {
    var parts = [kind.rawValue, mode.rawValue]
    if let topK { parts.append("top-\(topK)") }
    if let percentage {
      parts.append(PythonFloat.repr(percentage))
      parts.append(smallest ? "smallest" : "largest")
    }
    if mode.isRandom { parts.append("std \(PythonFloat.repr(noiseStd))") }
    if mode == .rewind { parts.append("\(rewindEpochs) epochs back") }
    if let dropoutP, dropoutP > 0 { parts.append("dropout \(PythonFloat.repr(dropoutP))") }
    return parts.joined(separator: " ")
  }
}
