/// Traps with `message` when `condition` is false, in every build configuration.
///
/// Swift's `precondition` drops its message in optimised builds, and this toolkit runs
/// optimised; engine misuse (mismatched shapes, bad axes) must still say what was
/// wrong, naming both shapes.
@inline(__always)
func tensorPrecondition(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
  file: StaticString = #fileID, line: UInt = #line
) {
  if !condition() {
    fatalError(message(), file: file, line: line)
  }
}

/// Traps with `message`, in every build configuration.
func tensorPreconditionFailure(
  _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) -> Never {
  fatalError(message(), file: file, line: line)
}
