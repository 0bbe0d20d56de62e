/// Which parameters hold candidate neurons, and so which output channels compete.
///
/// The reference decides by name and rank; these rules reproduce it for ResNet50 and
/// give the evident equivalent for ViT/DeiT, whose neurons the issue defines as output
/// rows of the block linears.
public enum CandidateRule: String, Codable, Sendable, CaseIterable {
  /// `get_largest_neuron` (REFERENCE.md 4.0): 4-D weights whose names contain neither
  /// `bn`, `downsample` nor `fc`. For torchvision's ResNet50 that is `conv1.weight`
  /// and the 48 block convolutions; downsample convolutions are excluded.
  case largestConvolutions
  /// `get_most_activated_neuron` (REFERENCE.md 4.0): every 4-D weight, downsample
  /// included. Non-4-D parameters can never win in the reference (a stale score is
  /// compared), so they are simply not candidates here.
  case allConvolutions
  /// ViT/DeiT: the output rows of `attn.qkv`, `attn.proj`, `mlp.fc1` and `mlp.fc2`
  /// weights in every block. The reference never ran its studies on ViT (its name
  /// filter would skip `mlp.fc*` and score 2-D weights element by element); this rule
  /// is what the paper describes: a neuron is an output unit of a linear layer.
  case transformerLinears

  /// Whether the parameter `name` of shape `shape` holds candidate neurons.
  public func admits(name: String, shape: [Int]) -> Bool {
    guard name.hasSuffix("weight") else { return false }
    switch self {
    case .largestConvolutions:
      return shape.count == 4 && !name.contains("bn") && !name.contains("downsample")
        && !name.contains("fc")
    case .allConvolutions:
      return shape.count == 4
    case .transformerLinears:
      return shape.count == 2 && Self.transformerLinearSuffixes.contains { name.hasSuffix($0) }
    }
  }

  /// The parameter-name endings of the prunable ViT/DeiT linears (REFERENCE.md 3.3).
  public static let transformerLinearSuffixes = [
    "attn.qkv.weight", "attn.proj.weight", "mlp.fc1.weight", "mlp.fc2.weight",
  ]
}
