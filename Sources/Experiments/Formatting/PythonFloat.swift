import Foundation

/// Python's text forms of a float, reproduced exactly, because the reference's file names
/// (`random_init_std0.02_...`, `zero_1e-05_...`) and its neuron value lines are built
/// with them.
public enum PythonFloat {
  /// `repr(x)` (also `str(x)` and f-string `{x}`) for a Python float: the shortest digit
  /// string that round-trips, in positional form when the decimal exponent `e` of the
  /// leading digit satisfies -4 <= e < 16, else in exponent form with at least two
  /// exponent digits (`1e-05`, `1.5e+16`). Integral positional values end in `.0`.
  public static func repr(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    let sign = x.sign == .minus ? "-" : ""
    if x == 0 { return sign + "0.0" }
    let (digits, pointPosition) = shortestDigits(abs(x))
    // `pointPosition` is Python's `decpt`: value = 0.d1d2... * 10^pointPosition.
    if pointPosition > -4 && pointPosition <= 16 {
      return sign + positional(digits, pointPosition)
    }
    var mantissa = String(digits.first!)
    if digits.count > 1 { mantissa += "." + digits.dropFirst() }
    let exponent = pointPosition - 1
    let magnitude = String(abs(exponent))
    let padded = magnitude.count < 2 ? "0" + magnitude : magnitude
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + padded
  }

  /// `f'{x:.{digits}f}'`: fixed point, correctly rounded from the exact binary value
  /// (ties to even, like CPython and glibc), `nan`/`inf` spelled as Python does.
  public static func fixed(_ x: Double, digits: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return String(format: "%.\(digits)f", x)
  }

  /// Python's `round(x, digits)` for a float: the double nearest to the decimal rounding
  /// of the exact value of `x`.
  public static func round(_ x: Double, digits: Int) -> Double {
    guard x.isFinite else { return x }
    return Double(String(format: "%.\(digits)f", x)) ?? x
  }

  /// The shortest round-trip decimal digits of a finite positive `x` (no leading or
  /// trailing zeros) and the position of the decimal point relative to the first digit.
  /// Swift's `description` already produces the shortest round-trip digits; only its
  /// layout rules differ from Python's, so the digits are taken from it and re-laid out.
  static func shortestDigits(_ x: Double) -> (digits: String, pointPosition: Int) {
    let text = x.description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let integerPart: Substring
    let fractionPart: Substring
    if let dot = mantissa.firstIndex(of: ".") {
      integerPart = mantissa[..<dot]
      fractionPart = mantissa[mantissa.index(after: dot)...]
    } else {
      integerPart = mantissa
      fractionPart = ""
    }
    var all = Array(integerPart + fractionPart)
    var point = integerPart.count + exponent
    while let first = all.first, first == "0" {
      all.removeFirst()
      point -= 1
    }
    while let last = all.last, last == "0" { all.removeLast() }
    return (String(all), point)
  }

  private static func positional(_ digits: String, _ point: Int) -> String {
    if point <= 0 { return "0." + String(repeating: "0", count: -point) + digits }
    if point >= digits.count {
      return digits + String(repeating: "0", count: point - digits.count) + ".0"
    }
    let split = digits.index(digits.startIndex, offsetBy: point)
    return digits[..<split] + "." + digits[split...]
  }
}
