import Foundation

/// The reference's small JSON files, written as Python's `json.dump` writes them (no
/// trailing newline, `, ` and `: ` separators, floats in `repr` form, NaN as `NaN`).
public enum ReferenceJSON {
  /// `training_loss_list.json` (and the FT script's `training_ntxent_loss_list.json`,
  /// `training_mse_loss_list.json`): the per-epoch sums of batch losses.
  public static let trainingLossFileName = "training_loss_list.json"
  /// The FT script's NT-Xent loss list.
  public static let ntxentLossFileName = "training_ntxent_loss_list.json"
  /// The FT script's cross-entropy loss list (the reference calls it "mse").
  public static let mseLossFileName = "training_mse_loss_list.json"

  /// `pruned_neuron_module_dict_epoch{e}.json`.
  public static func prunedModuleFileName(epoch: Int) -> String {
    "pruned_neuron_module_dict_epoch\(epoch).json"
  }

  /// `json.dump(list_of_floats)`.
  public static func floatList(_ values: [Double]) -> String {
    "[" + values.map(pythonJSONFloat).joined(separator: ", ") + "]"
  }

  /// `json.dump({name: round(fraction, 4), ...})` in the given (module) order.
  public static func prunedModuleDictionary(_ fractions: [(name: String, fraction: Double)])
    -> String
  {
    let members = fractions.map {
      JSONValue.quoted($0.name) + ": " + pythonJSONFloat(PythonFloat.round($0.fraction, digits: 4))
    }
    return "{" + members.joined(separator: ", ") + "}"
  }

  /// Reads a JSON array of numbers (a loss list).
  public static func parseFloatList(_ text: String, source: String) throws -> [Double] {
    guard case .array(let items) = try JSONParser.parse(pythonNonFinite(text), source: source)
    else {
      throw ExperimentsError.malformed(
        file: source, place: "top level", expected: "an array of numbers", found: "another value")
    }
    return try items.enumerated().map { try number($1, source: source, place: "item \($0)") }
  }

  /// Reads a `{name: fraction}` object in file order.
  public static func parsePrunedModuleDictionary(_ text: String, source: String) throws -> [(
    name: String, fraction: Double
  )] {
    guard case .object(let members) = try JSONParser.parse(pythonNonFinite(text), source: source)
    else {
      throw ExperimentsError.malformed(
        file: source, place: "top level", expected: "an object", found: "another value")
    }
    return try members.map { ($0.0, try number($0.1, source: source, place: "member \"\($0.0)\"")) }
  }

  /// Python's json float: `repr`, with `NaN`, `Infinity`, `-Infinity` for the
  /// non-finite values.
  static func pythonJSONFloat(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
    return PythonFloat.repr(x)
  }

  // Python writes NaN/Infinity as bare words, which strict JSON lacks; they are quoted
  // here so the strict parser accepts them, and turned back into numbers below.
  private static func pythonNonFinite(_ text: String) -> String {
    var out = ""
    var inString = false
    var escaped = false
    var index = text.startIndex
    while index < text.endIndex {
      let c = text[index]
      if inString {
        out.append(c)
        if escaped {
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          inString = false
        }
        index = text.index(after: index)
        continue
      }
      if c == "\"" { inString = true }
      var matched = false
      for word in ["-Infinity", "Infinity", "NaN"] where text[index...].hasPrefix(word) {
        out += "\"\\u0001\(word)\""
        index = text.index(index, offsetBy: word.count)
        matched = true
        break
      }
      if !matched {
        out.append(c)
        index = text.index(after: index)
      }
    }
    return out
  }

  private static func number(_ value: JSONValue, source: String, place: String) throws -> Double {
    switch value {
    case .number(let text): if let x = Double(text) { return x }
    case .string(let s) where s.hasPrefix("\u{1}"):
      switch s.dropFirst() {
      case "NaN": return .nan
      case "Infinity": return .infinity
      case "-Infinity": return -.infinity
      default: break
      }
    default: break
    }
    throw ExperimentsError.malformed(
      file: source, place: place, expected: "a number", found: value.pythonJSONText)
  }
}
