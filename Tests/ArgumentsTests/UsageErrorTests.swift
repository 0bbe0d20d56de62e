import Arguments
import Testing

/// Every message is compared whole: the wording is the interface.
@Suite("Usage errors") struct UsageErrorTests {
  let out = ["train", "-o", "runs/a"]

  @Test("unknown options suggest the nearest spelling, if any is near")
  func unknownOption() {
    #expect(
      usageError(out + ["--epoch", "3"])?.message
        == "unknown option '--epoch' (did you mean '--epochs'?)")
    #expect(
      usageError(out + ["--no-augmnt"])?.message
        == "unknown option '--no-augmnt' (did you mean '--no-augment'?)")
    #expect(usageError(out + ["--colour"])?.message == "unknown option '--colour'")
    #expect(usageError(out + ["-x"])?.message == "unknown option '-x'")
    #expect(
      usageError(["--verison"])?.message
        == "unknown option '--verison' (did you mean '--version'?)")
  }

  @Test("unknown commands and subcommands suggest near names")
  func unknownCommand() {
    let root = usageError(["trian"])
    #expect(root?.message == "unknown command 'trian' (did you mean 'train'?)")
    #expect(root?.commandPath == "sample")
    let nested = usageError(["checkpoint", "conv"])
    #expect(
      nested?.message == "'sample checkpoint' has no subcommand 'conv' (did you mean 'convert'?)")
    #expect(nested?.commandPath == "sample checkpoint")
    #expect(usageError(["zzz"])?.message == "unknown command 'zzz'")
  }

  @Test("missing values and arguments name what is missing")
  func missing() {
    #expect(usageError(["train", "--out"])?.message == "missing value for --out")
    #expect(usageError(["train", "-o", "--force"])?.message == "missing value for -o")
    #expect(usageError(["train"])?.message == "missing required option --out")
    #expect(usageError(["checkpoint", "convert"])?.message == "missing required argument IN")
  }

  @Test("extra positionals are named")
  func unexpected() {
    let error = usageError(["checkpoint", "convert", "a", "b", "c"])
    #expect(error?.message == "unexpected argument 'c'")
    #expect(error?.commandPath == "sample checkpoint convert")
    #expect(usageError(["--version", "now"])?.message == "unexpected argument 'now'")
  }

  @Test("bad integers and numbers say what was expected and what was found")
  func badNumbers() {
    #expect(
      usageError(out + ["--epochs", "-3"])?.message
        == "--epochs expects a non-negative integer, got '-3'")
    #expect(
      usageError(out + ["--epochs=forty"])?.message
        == "--epochs expects a non-negative integer, got 'forty'")
    #expect(
      usageError(out + ["-j", "65"])?.message == "-j expects an integer from 1 to 64, got '65'")
    #expect(
      usageError(out + ["--shift", "1.5"])?.message == "--shift expects an integer, got '1.5'")
    #expect(usageError(out + ["--lr", "0"])?.message == "--lr expects a positive number, got '0'")
    #expect(
      usageError(out + ["--lr", "nan"])?.message == "--lr expects a positive number, got 'nan'")
    #expect(
      usageError(out + ["--fraction", "1.5"])?.message
        == "--fraction expects a number from 0 to 1, got '1.5'")
  }

  @Test("a bad choice lists the allowed names")
  func badChoice() {
    #expect(
      usageError(out + ["--arch", "resnet51"])?.message
        == "'resnet51' is not an architecture; choose one of resnet50, deit_tiny")
    #expect(
      usageError(out + ["--modes", "zero,rewnd"])?.message
        == "'rewnd' is not a mode; choose one of zero, rewind")
  }

  @Test("a bad list element quotes the whole list")
  func badList() {
    #expect(
      usageError(out + ["--groups", "0,,1"])?.message
        == "--groups expects a comma-separated list of non-negative integers, got '0,,1'")
  }

  @Test("empty paths, repeated options, contradictory flags and flag values are refused")
  func misuse() {
    #expect(usageError(["train", "--out="])?.message == "--out expects a path, got ''")
    #expect(
      usageError(out + ["--epochs", "1", "--epochs=2"])?.message
        == "--epochs is given more than once")
    #expect(
      usageError(out + ["--augment", "--no-augment"])?.message
        == "--augment and --no-augment contradict each other")
    #expect(
      usageError(out + ["--force=yes"])?.message == "--force does not take a value, got 'yes'")
  }
}
