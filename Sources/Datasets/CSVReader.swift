/// One record of a CSV file: its fields and the 1-based line where it starts.
public struct CSVRecord: Equatable, Sendable {
  public var fields: [String]
  public var line: Int

  public init(fields: [String], line: Int) {
    self.fields = fields
    self.line = line
  }
}

/// A CSV reader after RFC 4180, with the leniencies real exports need.
///
/// - Fields are separated by commas and records by CRLF, LF or a lone CR.
/// - A field that starts with `"` is quoted: it may hold commas, line breaks (kept as
///   written, CRLF included) and doubled quotes `""` standing for one `"`. After the closing
///   quote only a comma, a line break or the end of the file may follow.
/// - A quote inside an unquoted field is kept literally (as Python's csv and most
///   spreadsheets do), rather than rejected.
/// - A UTF-8 byte order mark at the start is skipped; invalid UTF-8 becomes U+FFFD.
/// - Empty lines between records are skipped (a record needs at least one character), and
///   a final line break does not start an extra record.
public enum CSVReader {
  /// Parses `bytes`; `path` only names the file in errors.
  public static func records(_ bytes: [UInt8], path: String) throws -> [CSVRecord] {
    let quote = UInt8(ascii: "\"")
    let comma = UInt8(ascii: ",")
    let lf = UInt8(ascii: "\n")
    let cr = UInt8(ascii: "\r")
    var records: [CSVRecord] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var line = 1
    var recordLine = 1
    var i = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    let n = bytes.count

    func endField() {
      fields.append(String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
    }
    func endRecord() {
      endField()
      records.append(CSVRecord(fields: fields, line: recordLine))
      fields.removeAll(keepingCapacity: true)
    }
    // Consumes a line break at i (CRLF, LF or CR), counting the line.
    func skipLineBreak() {
      if bytes[i] == cr && i + 1 < n && bytes[i + 1] == lf { i += 1 }
      i += 1
      line += 1
    }

    while i < n {
      // At the start of a field.
      if fields.isEmpty && field.isEmpty && (bytes[i] == lf || bytes[i] == cr) {
        skipLineBreak()  // an empty line: no record
        recordLine = line
        continue
      }
      if bytes[i] == quote {
        let openLine = line
        i += 1
        var closed = false
        while i < n {
          let b = bytes[i]
          if b == quote {
            if i + 1 < n && bytes[i + 1] == quote {
              field.append(quote)
              i += 2
              continue
            }
            i += 1
            closed = true
            break
          }
          if b == lf || (b == cr && !(i + 1 < n && bytes[i + 1] == lf)) { line += 1 }
          field.append(b)
          i += 1
        }
        if !closed {
          throw DatasetError.malformedCSV(
            path: path, line: openLine,
            reason: "a quoted field opened here is never closed (reached the end of the file)")
        }
        if i < n && bytes[i] != comma && bytes[i] != lf && bytes[i] != cr {
          throw DatasetError.malformedCSV(
            path: path, line: line,
            reason: "expected a comma or a line break after a closing quote, found "
              + "'\(String(decoding: [bytes[i]], as: UTF8.self))'")
        }
      } else {
        while i < n && bytes[i] != comma && bytes[i] != lf && bytes[i] != cr {
          field.append(bytes[i])
          i += 1
        }
      }
      // After a field: a comma, a line break or the end.
      if i >= n {
        endRecord()
      } else if bytes[i] == comma {
        endField()
        i += 1
        if i >= n { endRecord() }  // "a,b," ends with an empty field
      } else {
        endRecord()
        skipLineBreak()
        recordLine = line
      }
    }
    return records
  }
}

/// A CSV file with a header row: column lookup by name, records in file order.
public struct CSVTable: Sendable {
  /// The file, for error messages.
  public let path: String
  public let header: [String]
  public let rows: [CSVRecord]

  /// Reads the header and the records; every record must have as many fields as the
  /// header.
  public init(bytes: [UInt8], path: String) throws {
    var records = try CSVReader.records(bytes, path: path)
    guard !records.isEmpty else {
      throw DatasetError.malformedCSV(path: path, line: 1, reason: "the file is empty")
    }
    let head = records.removeFirst()
    self.path = path
    header = head.fields.map { $0.trimmingSpaces }
    for record in records where record.fields.count != header.count {
      throw DatasetError.malformedCSV(
        path: path, line: record.line,
        reason: "expected \(header.count) fields as in the header, found \(record.fields.count)")
    }
    rows = records
  }

  /// The position of `name` in the header, or a `missingColumn` error listing the header.
  public func column(_ name: String) throws -> Int {
    guard let index = header.firstIndex(of: name) else {
      throw DatasetError.missingColumn(path: path, column: name, header: header)
    }
    return index
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    var s = Substring(self)
    while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
    while let c = s.last, c == " " || c == "\t" { s.removeLast() }
    return String(s)
  }
}
