/// Near-miss suggestions for mistyped names ("did you mean '--epochs'?").
enum Suggestion {
  /// The candidate the user most likely meant by `typed`, or nil when none is close.
  ///
  /// A candidate is close when its edit distance is small for its length (at most 1
  /// for names up to 4 characters, 2 up to 8, 3 beyond), or when `typed` is an
  /// unambiguous prefix of at least 3 characters (`--batch` for `--batch-size`).
  /// Ties go to the candidate declared first, so the answer is deterministic.
  static func closest(to typed: String, among candidates: [String]) -> String? {
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(typed, candidate)
      let limit = candidate.count <= 4 ? 1 : candidate.count <= 8 ? 2 : 3
      if distance <= limit, distance < (best?.distance ?? .max) {
        best = (candidate, distance)
      }
    }
    if let best { return best.name }

    let stripped = typed.drop { $0 == "-" }
    guard stripped.count >= 3 else { return nil }
    let extensions = candidates.filter { $0.hasPrefix(typed) }
    return extensions.count == 1 ? extensions[0] : nil
  }

  /// Levenshtein distance: the fewest single-character insertions, deletions and
  /// substitutions turning `a` into `b`. Two rows of the dynamic programme suffice.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// " (did you mean 'x'?)" or "".
  static func clause(for typed: String, among candidates: [String]) -> String {
    closest(to: typed, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }
}
