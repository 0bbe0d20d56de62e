import Arguments
import Testing

@Suite("Parsing values") struct ParsingTests {
  let out = ["train", "--out", "runs/a"]

  @Test("defaults fill absent options; optional accessors give nil")
  func defaults() throws {
    let (command, parsed) = try parseRun(out)
    #expect(command == SampleTrain.self)
    #expect(parsed.commandPath == ["sample", "train"])
    #expect(parsed.int("epochs") == 40)
    #expect(parsed.double("lr") == 5e-6)
    #expect(parsed.string("arch") == "resnet50")
    #expect(parsed.string("out") == "runs/a")
    #expect(parsed.optionalInt("threads") == nil)
    #expect(parsed.ints("groups") == [])
    #expect(parsed.strings("image") == [])
    #expect(parsed.flag("augment") == true)
    #expect(parsed.flag("force") == false)
    #expect(!parsed.wasGiven("epochs"))
    #expect(parsed.wasGiven("out"))
  }

  @Test("values separate, after '=', and via a short alias")
  func spellings() throws {
    let (_, parsed) = try parseRun(
      ["train", "--epochs", "3", "--lr=0.25", "-o", "x", "-j", "8", "--arch=deit_tiny"])
    #expect(parsed.int("epochs") == 3)
    #expect(parsed.double("lr") == 0.25)
    #expect(parsed.string("out") == "x")
    #expect(parsed.optionalInt("threads") == 8)
    #expect(parsed.string("arch") == "deit_tiny")
    #expect(parsed.wasGiven("epochs"))
  }

  @Test("negative numbers are values, not options")
  func negativeNumbers() throws {
    let (_, parsed) = try parseRun(out + ["--shift", "-3", "--fraction", "1e-1"])
    #expect(parsed.optionalInt("shift") == -3)
    #expect(parsed.optionalDouble("fraction") == 0.1)
  }

  @Test("flag pairs: --no-x turns off a default-on flag; repeating one spelling is fine")
  func flagPairs() throws {
    let (_, off) = try parseRun(out + ["--no-augment", "--no-augment", "--force"])
    #expect(off.flag("augment") == false)
    #expect(off.flag("force") == true)
    let (_, on) = try parseRun(out + ["--augment"])
    #expect(on.flag("augment") == true)
    #expect(on.wasGiven("augment"))
  }

  @Test("comma lists and repeated options collect every value in order")
  func lists() throws {
    let (_, parsed) = try parseRun(
      out + ["--groups", "0,1,3", "--modes=rewind,zero", "--tag", "a", "--tag", "b c"])
    #expect(parsed.ints("groups") == [0, 1, 3])
    #expect(parsed.strings("modes") == ["rewind", "zero"])
    #expect(parsed.strings("tag") == ["a", "b c"])
  }

  @Test("positionals in any order with options; '--' makes the rest positional")
  func positionals() throws {
    let (_, parsed) = try parseRun(["train", "a.jpg", "--out", "o", "b.jpg", "--", "--force", "-"])
    #expect(parsed.strings("image") == ["a.jpg", "b.jpg", "--force", "-"])
    #expect(parsed.flag("force") == false)
  }

  @Test("an optional positional takes its default when absent")
  func optionalPositional() throws {
    let (command, parsed) = try parseRun(["checkpoint", "convert", "in.pth"])
    #expect(command == SampleConvert.self)
    #expect(parsed.string("in") == "in.pth")
    #expect(parsed.string("out") == "out.safetensors")
    #expect(!parsed.wasGiven("out"))
    let (_, both) = try parseRun(["checkpoint", "convert", "in.pth", "b.pth"])
    #expect(both.string("out") == "b.pth")
  }
}

@Suite("Resolving commands") struct ResolutionTests {
  func help(_ words: [String]) throws -> String? {
    if case .help(let text) = try SampleTool.parser.parse(words) { return text }
    return nil
  }

  @Test("a bare group, and --help or -h anywhere, ask for the deepest command's help")
  func helpRequests() throws {
    let root = try #require(try help([]))
    #expect(root.hasPrefix("Usage: sample <command>\n"))
    #expect(try help(["--help"]) == root)
    let group = try #require(try help(["checkpoint"]))
    #expect(group.hasPrefix("Usage: sample checkpoint <subcommand>\n"))
    let train = try #require(try help(["train", "--epochs", "oops", "-h"]))
    #expect(train.hasPrefix("Usage: sample train --out DIR [options] [IMAGE...]\n"))
    // An unknown subcommand next to --help still shows the group's help.
    #expect(try help(["checkpoint", "convrt", "--help"]) == group)
    // After '--', --help is a positional.
    #expect(try help(["train", "-o", "x", "--", "--help"]) == nil)
  }

  @Test("--version at the root prints the version line")
  func version() throws {
    guard case .version(let line) = try SampleTool.parser.parse(["--version"]) else {
      Issue.record("--version did not resolve to the version")
      return
    }
    #expect(line == "sample 1.2.3")
  }

  @Test("help for a command path, as the help command asks for it")
  func helpForPath() throws {
    let text = try SampleTool.parser.helpText(forCommandNamed: ["checkpoint", "convert"])
    #expect(text.hasPrefix("Usage: sample checkpoint convert [options] IN [OUT]\n"))
    #expect(
      helpError(["trian"]) == "sample: unknown command 'trian' (did you mean 'train'?)")
    #expect(
      helpError(["train", "x"]) == "sample train: 'sample train' has no subcommands, got 'x'")
  }

  /// "<command path>: <message>" of the error asking help for `words` throws.
  func helpError(_ words: [String]) -> String? {
    do {
      _ = try SampleTool.parser.helpText(forCommandNamed: words)
      return nil
    } catch let error as UsageError {
      return "\(error.commandPath): \(error.message)"
    } catch {
      return "\(error)"
    }
  }
}
