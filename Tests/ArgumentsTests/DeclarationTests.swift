import Arguments
import Testing

/// Declaration mistakes are programming errors: the parser traps when it is built,
/// before any user input is read. Each case runs in a child process (an exit test).
@Suite("Declaration checks") struct DeclarationTests {
  enum Twice: Command {
    static let name = "twice"
    static let summary = "Declares --epochs twice."
    static let arguments: [ArgumentSpec] = [
      .option("epochs", .nonNegativeInteger, help: "Epochs."),
      .option("epochs", .positiveInteger, help: "Epochs again."),
    ]
  }

  enum BadDefault: Command {
    static let name = "bad-default"
    static let summary = "A default that its kind refuses."
    static let arguments: [ArgumentSpec] = [
      .option("arch", .choice(["resnet50"], noun: "architecture"), default: "vgg", help: "Net.")
    ]
  }

  enum VariadicFirst: Command {
    static let name = "variadic-first"
    static let summary = "A variadic positional before a required one."
    static let arguments: [ArgumentSpec] = [
      .positional("images", arity: .oneOrMore, help: "Images."),
      .positional("out", help: "Output."),
    ]
  }

  enum Fine: Command {
    static let name = "fine"
    static let summary = "Nothing wrong here."
    static let arguments: [ArgumentSpec] = [.flag("force", help: "Force.")]
  }

  @Test("a duplicate name, a default that does not parse, a misplaced variadic: each traps")
  func mistakesTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = CommandLineParser(root: Twice.self)
    }
    await #expect(processExitsWith: .failure) {
      _ = CommandLineParser(root: BadDefault.self)
    }
    await #expect(processExitsWith: .failure) {
      _ = CommandLineParser(root: VariadicFirst.self)
    }
  }

  @Test("a sound declaration builds, and parses")
  func soundDeclaration() throws {
    let parser = CommandLineParser(root: Fine.self)
    guard case .run(_, let parsed) = try parser.parse(["--force"]) else {
      Issue.record("--force did not run the command")
      return
    }
    #expect(parsed.flag("force"))
  }
}
