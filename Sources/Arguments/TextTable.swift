import Foundation

/// A results table rendered as aligned plain text or as a Markdown table.
///
/// ```swift
/// var table = TextTable(["group", "accuracy"], alignments: [.left, .right])
/// table.append(["landbird on land", "0.991"])
/// print(table.rendered(), terminator: "")
/// ```
public struct TextTable {
  /// How a column's cells line up.
  public enum Alignment {
    case left
    case right
  }

  /// How the table is drawn.
  public enum Style {
    /// Columns separated by two spaces, a dashed rule under the header.
    case plain
    /// GitHub-flavoured Markdown, cells padded so the source lines up too.
    case markdown
  }

  public let headers: [String]
  public let alignments: [Alignment]
  public private(set) var rows: [[String]] = []

  /// A table with these column headers; `alignments` defaults to all left.
  public init(_ headers: [String], alignments: [Alignment]? = nil) {
    precondition(
      alignments == nil || alignments!.count == headers.count,
      "TextTable: \(headers.count) headers but \(alignments!.count) alignments")
    self.headers = headers
    self.alignments = alignments ?? Array(repeating: .left, count: headers.count)
  }

  /// Adds a row; it must have one cell per column.
  public mutating func append(_ row: [String]) {
    precondition(
      row.count == headers.count, "TextTable: row has \(row.count) cells, expected \(headers.count)"
    )
    rows.append(row)
  }

  /// The table as text, one line per row, each ending in a newline. Trailing spaces
  /// are trimmed in the plain style.
  public func rendered(_ style: Style = .plain) -> String {
    let cells = ([headers] + rows).map { row in
      row.map { style == .markdown ? $0.replacingOccurrences(of: "|", with: "\\|") : $0 }
    }
    let widths = headers.indices.map { column in
      cells.map { $0[column].count }.max()!
    }
    func line(_ row: [String]) -> [String] {
      row.indices.map { column in
        let padding = String(repeating: " ", count: widths[column] - row[column].count)
        return alignments[column] == .left ? row[column] + padding : padding + row[column]
      }
    }

    var lines: [String] = []
    switch style {
    case .plain:
      let rule = widths.map { String(repeating: "-", count: $0) }
      for row in [line(cells[0]), rule] + cells.dropFirst().map(line) {
        lines.append(trimmingTrailingSpaces(row.joined(separator: "  ")))
      }
    case .markdown:
      let rule = headers.indices.map { column -> String in
        let dashes = String(repeating: "-", count: max(widths[column], 3) - 1)
        return alignments[column] == .left ? dashes + "-" : dashes + ":"
      }
      let padded = cells.map(line).map { row in
        row.indices.map { row[$0].padding(toLength: max(widths[$0], 3)) }
      }
      lines.append("| " + padded[0].joined(separator: " | ") + " |")
      lines.append("| " + rule.joined(separator: " | ") + " |")
      for row in padded.dropFirst() { lines.append("| " + row.joined(separator: " | ") + " |") }
    }
    return lines.map { $0 + "\n" }.joined()
  }

  private func trimmingTrailingSpaces(_ text: String) -> String {
    String(text.reversed().drop { $0 == " " }.reversed())
  }
}

extension String {
  /// Pads with spaces on the right up to `length` characters.
  fileprivate func padding(toLength length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }
}
