/// A failure of a command (exit status 1) whose message is a complete sentence.
struct PlainFailure: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }
}
