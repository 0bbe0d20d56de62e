import Testing

@testable import Experiments

@Suite("PythonFloat")
struct PythonFloatTests {
  // Expected strings are CPython 3.11's repr() of the same doubles.
  @Test(
    "repr matches CPython, including its exponent rules",
    arguments: [
      (0.02, "0.02"), (1e-05, "1e-05"), (0.0001, "0.0001"), (5e-06, "5e-06"), (2e-05, "2e-05"),
      (3e-05, "3e-05"), (0.005, "0.005"), (0.15, "0.15"), (0.075, "0.075"), (1.0, "1.0"),
      (0.0, "0.0"), (-0.0, "-0.0"), (4.643474578857422, "4.643474578857422"),
      (1e16, "1e+16"), (1e15, "1000000000000000.0"), (9.5e15, "9500000000000000.0"),
      (123456789012345678.0, "1.2345678901234568e+17"), (0.1 + 0.2, "0.30000000000000004"),
      (1e22, "1e+22"), (1e-300, "1e-300"), (100.0, "100.0"), (1e100, "1e+100"),
      (-2.5e-7, "-2.5e-07"), (12345.678, "12345.678"), (0.00012, "0.00012"),
      (Double.infinity, "inf"), (-Double.infinity, "-inf"),
    ])
  func repr(value: Double, expected: String) {
    #expect(PythonFloat.repr(value) == expected)
  }

  @Test("repr of NaN is nan") func reprNaN() {
    #expect(PythonFloat.repr(.nan) == "nan")
  }

  // Expected strings are CPython 3.11's f'{x:.Nf}'.
  @Test(
    "fixed-point matches f'{x:.Nf}' (correct rounding of the binary value)",
    arguments: [
      (0.98913043478, 4, "0.9891"), (0.00005, 4, "0.0001"), (0.125, 2, "0.12"),
      (0.375, 2, "0.38"), (1.0, 8, "1.00000000"), (182.0 / 184.0, 8, "0.98913043"),
      (Double.nan, 4, "nan"), (2.675, 2, "2.67"), (-0.00001, 4, "-0.0000"),
    ])
  func fixed(value: Double, digits: Int, expected: String) {
    #expect(PythonFloat.fixed(value, digits: digits) == expected)
  }

  // Expected values are CPython 3.11's round(x, 4).
  @Test(
    "round(x, 4) matches Python's round",
    arguments: [(0.012345, 0.0123), (2.67505, 2.6751), (0.99995, 1.0), (1.0 / 3.0, 0.3333)])
  func round(value: Double, expected: Double) {
    #expect(PythonFloat.round(value, digits: 4) == expected)
  }
}
