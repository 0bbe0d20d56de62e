/// Parsers for the metadata layouts, on bytes already read, so they can be tested without
/// images on disk. Each returns the samples in file order.
public enum MetadataParsers {
  /// A Waterbirds-style `metadata.csv` (also DFR's CelebA file and custom folders):
  /// columns `img_filename`, `y`, `split`, `place` (others, such as `img_id` and
  /// `place_filename`, are ignored). `y` and `place` must be 0 or 1, `split` 0, 1 or 2.
  public static func waterbirdsStyle(_ bytes: [UInt8], path: String) throws -> [Sample] {
    let table = try CSVTable(bytes: bytes, path: path)
    let file = try table.column("img_filename")
    let yColumn = try table.column("y")
    let splitColumn = try table.column("split")
    let placeColumn = try table.column("place")
    return try table.rows.map { row in
      let y = try binary(row.fields[yColumn], "y", path: path, line: row.line)
      let place = try binary(row.fields[placeColumn], "place", path: path, line: row.line)
      let split = try splitCode(row.fields[splitColumn], path: path, line: row.line)
      let image = row.fields[file].trimmingSpaces
      if image.isEmpty {
        throw DatasetError.invalidValue(
          path: path, line: row.line, column: "img_filename", expected: "an image path",
          found: "")
      }
      return Sample(imagePath: image, y: y, place: place, split: split, line: row.line)
    }
  }

  /// An attribute table: image names, attribute names, and per image one value in
  /// {-1, 1} per attribute (stored as -1/1), with the line of each image.
  public struct AttributeTable: Sendable {
    public var path: String
    public var names: [String]
    public var images: [String]
    public var lines: [Int]
    /// `values[row * names.count + attribute]`, each -1 or 1.
    public var values: [Int8]

    /// The column of attribute `name`.
    public func attribute(_ name: String) throws -> Int {
      guard let index = names.firstIndex(of: name) else {
        throw DatasetError.unknownAttribute(path: path, name: name, available: names)
      }
      return index
    }
  }

  /// CelebA's official `list_attr_celeba.txt`: a count line, a line of 40 attribute
  /// names, then `000001.jpg -1 1 ...` rows separated by runs of spaces.
  public static func celebAAttributesText(_ bytes: [UInt8], path: String) throws
    -> AttributeTable
  {
    let lines = splitLines(bytes)
    guard lines.count >= 2 else {
      throw DatasetError.malformedCSV(
        path: path, line: lines.count + 1, reason: "expected a count line and a names line")
    }
    let countWords = words(lines[0].text)
    guard countWords.count == 1, let declared = Int(countWords[0]), declared >= 0 else {
      throw DatasetError.invalidValue(
        path: path, line: 1, column: "count", expected: "the number of images",
        found: lines[0].text)
    }
    let names = words(lines[1].text)
    var table = AttributeTable(path: path, names: names, images: [], lines: [], values: [])
    for entry in lines.dropFirst(2) {
      let w = words(entry.text)
      if w.isEmpty { continue }
      try appendRow(w, line: entry.number, to: &table)
    }
    if table.images.count != declared {
      throw DatasetError.inconsistentFiles(
        path: path, line: 1,
        reason: "the first line declares \(declared) images, the file lists \(table.images.count)"
      )
    }
    return table
  }

  /// Kaggle's `list_attr_celeba.csv`: header `image_id,<40 names>`, values -1 or 1.
  public static func celebAAttributesCSV(_ bytes: [UInt8], path: String) throws
    -> AttributeTable
  {
    let csv = try CSVTable(bytes: bytes, path: path)
    let idColumn = try csv.column("image_id")
    let names = csv.header.enumerated().filter { $0.offset != idColumn }.map(\.element)
    var table = AttributeTable(path: path, names: names, images: [], lines: [], values: [])
    for row in csv.rows {
      var w = row.fields
      let id = w.remove(at: idColumn)
      try appendRow([id] + w, line: row.line, to: &table)
    }
    return table
  }

  /// CelebA's partition list, text (`000001.jpg 0`) or Kaggle CSV
  /// (`image_id,partition`): image name to split.
  public static func celebAPartition(_ bytes: [UInt8], path: String, csv: Bool) throws
    -> [String: (split: Split, line: Int)]
  {
    var result: [String: (split: Split, line: Int)] = [:]
    if csv {
      let table = try CSVTable(bytes: bytes, path: path)
      let id = try table.column("image_id")
      let part = try table.column("partition")
      for row in table.rows {
        let split = try splitCode(row.fields[part], path: path, line: row.line)
        result[row.fields[id].trimmingSpaces] = (split, row.line)
      }
    } else {
      for entry in splitLines(bytes) {
        let w = words(entry.text)
        if w.isEmpty { continue }
        guard w.count == 2 else {
          throw DatasetError.malformedCSV(
            path: path, line: entry.number,
            reason: "expected an image name and a split code, found \(w.count) fields")
        }
        result[w[0]] = (try splitCode(w[1], path: path, line: entry.number), entry.number)
      }
    }
    return result
  }

  // MARK: - Fields

  static func binary(_ text: String, _ column: String, path: String, line: Int) throws -> Int {
    switch text.trimmingSpaces {
    case "0", "0.0": return 0
    case "1", "1.0": return 1
    default:
      throw DatasetError.invalidValue(
        path: path, line: line, column: column, expected: "0 or 1", found: text)
    }
  }

  static func splitCode(_ text: String, path: String, line: Int) throws -> Split {
    guard let code = Int(text.trimmingSpaces), let split = Split(rawValue: code) else {
      throw DatasetError.invalidValue(
        path: path, line: line, column: "split",
        expected: "a split code 0 (train), 1 (val) or 2 (test)", found: text)
    }
    return split
  }

  private static func appendRow(_ w: [String], line: Int, to table: inout AttributeTable) throws {
    guard w.count == table.names.count + 1 else {
      throw DatasetError.malformedCSV(
        path: table.path, line: line,
        reason: "expected an image name and \(table.names.count) attribute values, found "
          + "\(w.count) fields")
    }
    table.images.append(w[0].trimmingSpaces)
    table.lines.append(line)
    for (k, value) in w.dropFirst().enumerated() {
      switch value.trimmingSpaces {
      case "1": table.values.append(1)
      case "-1", "0": table.values.append(-1)
      default:
        throw DatasetError.invalidValue(
          path: table.path, line: line, column: table.names[k], expected: "-1 or 1",
          found: value)
      }
    }
  }

  private struct Line {
    var text: String
    var number: Int
  }

  /// Lines of a text file (LF or CRLF), numbered from 1, BOM skipped.
  private static func splitLines(_ bytes: [UInt8]) -> [Line] {
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    var result: [Line] = []
    for (index, raw) in body.split(
      separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
    ).enumerated() {
      var piece = raw
      if piece.last == UInt8(ascii: "\r") { piece = piece.dropLast() }
      result.append(Line(text: String(decoding: piece, as: UTF8.self), number: index + 1))
    }
    return result
  }

  private static func words(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
  }
}
