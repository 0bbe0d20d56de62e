/// The three splits, with the reference's codes in the metadata's `split` column.
public enum Split: Int, CaseIterable, Sendable, CustomStringConvertible {
  case train = 0
  case val = 1
  case test = 2

  /// `train`, `val` or `test`.
  public var description: String {
    switch self {
    case .train: return "train"
    case .val: return "val"
    case .test: return "test"
    }
  }

  /// The split named `train`, `val` (or `validation`) or `test`.
  public init?(name: String) {
    switch name.lowercased() {
    case "train": self = .train
    case "val", "validation", "valid": self = .val
    case "test": self = .test
    default: return nil
    }
  }
}

/// One image of a dataset: where it is, its class and spurious attribute.
///
/// `group = 2 * y + place` as the reference's `y * n_places + place`, with two places.
public struct Sample: Hashable, Sendable {
  /// The image path relative to the dataset root.
  public var imagePath: String
  /// The class label, 0 or 1 (Waterbirds: 1 = waterbird; CelebA: 1 = blond).
  public var y: Int
  /// The spurious attribute, 0 or 1 (Waterbirds: 1 = water; CelebA: 1 = male).
  public var place: Int
  public var split: Split
  /// The line of the metadata file that describes this sample (for error messages).
  public var line: Int

  public init(imagePath: String, y: Int, place: Int, split: Split, line: Int) {
    self.imagePath = imagePath
    self.y = y
    self.place = place
    self.split = split
    self.line = line
  }

  /// `2 * y + place`: 0 and 1 are class 0 on place 0/1, 2 and 3 class 1 on place 0/1.
  public var group: Int { 2 * y + place }

  /// The reference's label vector `[y, 1 - y]`: column 0 stands for y == 1.
  public var target: [Float] { [Float(y), Float(1 - y)] }
}
