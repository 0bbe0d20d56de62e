import Datasets
import Foundation
import TestSupport
import Testing

@Suite("CSVReader: RFC 4180 and real exports")
struct CSVReaderTests {
  private func parse(_ text: String) throws -> [[String]] {
    try CSVReader.records(Array(text.utf8), path: "t.csv").map(\.fields)
  }

  @Test("quotes, embedded commas, doubled quotes, CRLF and a missing final newline")
  func basicSyntax() throws {
    #expect(
      try parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n1,2") == [
        ["a", "b"], ["x, y", "say \"hi\""], ["1", "2"],
      ])
    #expect(try parse("a,,\n,\"\",c\n") == [["a", "", ""], ["", "", "c"]])
    #expect(try parse("\u{FEFF}h1,h2\nv1,v2\n") == [["h1", "h2"], ["v1", "v2"]])
  }

  @Test("records spanning lines keep their line breaks and report their first line")
  func multilineRecords() throws {
    let records = try CSVReader.records(Array("h\n\"one\ntwo\"\nlast\n".utf8), path: "t.csv")
    #expect(records.map(\.fields) == [["h"], ["one\ntwo"], ["last"]])
    #expect(records.map(\.line) == [1, 2, 4])
  }

  @Test("an unclosed quote and text after a closing quote are errors with their line")
  func syntaxErrors() {
    #expect(
      throws: DatasetError.malformedCSV(
        path: "t.csv", line: 2,
        reason: "a quoted field opened here is never closed (reached the end of the file)")
    ) { try parse("a\n\"open\nstill open") }
    #expect(
      throws: DatasetError.malformedCSV(
        path: "t.csv", line: 1,
        reason: "expected a comma or a line break after a closing quote, found 'x'")
    ) { try parse("\"a\"x,b") }
  }

  @Test("a row with the wrong number of fields names its line")
  func fieldCountMismatch() {
    #expect(
      throws: DatasetError.malformedCSV(
        path: "t.csv", line: 3, reason: "expected 2 fields as in the header, found 3")
    ) { try CSVTable(bytes: Array("a,b\n1,2\n1,2,3\n".utf8), path: "t.csv") }
  }

  @Test("conformance: csv-spectrum and commons-csv cases give their expected rows")
  func conformance() throws {
    guard let shared = Fixtures.sharedTestData else {
      print("skipped: ../shared/testdata not found (set SPURIOUS_SHARED_TESTDATA)")
      return
    }
    let csvRoot = shared.appendingPathComponent("csv")
    let spectrum = csvRoot.appendingPathComponent("spectrum")
    var checked = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: spectrum.path).sorted()
    where name.hasSuffix(".csv") && name != "location_coordinates.csv" {
      let bytes = [UInt8](try Data(contentsOf: spectrum.appendingPathComponent(name)))
      let records = try CSVReader.records(bytes, path: name).map(\.fields)
      let json = spectrum.appendingPathComponent(
        name.replacingOccurrences(of: ".csv", with: ".json"))
      let expected =
        try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [[String: String]]
      let header = records[0]
      let got = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
      #expect(got == expected, "\(name)")
      checked += 1
    }
    // Upstream's JSON for this case is wrong (README); check the lenient reading by hand.
    let location = [UInt8](
      try Data(contentsOf: spectrum.appendingPathComponent("location_coordinates.csv")))
    let rows = try CSVReader.records(location, path: "location_coordinates.csv")
    #expect(rows.count == 2 && rows[1].fields.count == 4)
    #expect(rows[1].fields[0] == "2095257564" && rows[1].fields[1].contains("37.8\"N"))

    let commons = csvRoot.appendingPathComponent("commons-csv")
    for name in ["bom", "csv-254", "emoji", "japanese", "psql"] {
      let bytes = [UInt8](try Data(contentsOf: commons.appendingPathComponent("\(name).csv")))
      let expected =
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: commons.appendingPathComponent("\(name).expected.json")))
        as! [[String]]
      #expect(try CSVReader.records(bytes, path: name).map(\.fields) == expected, "\(name)")
      checked += 1
    }
    #expect(checked == 16)
  }
}
