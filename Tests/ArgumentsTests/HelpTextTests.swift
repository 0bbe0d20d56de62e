import Arguments
import Testing

/// Help pages compared whole, as a user sees them: layout changes must be deliberate.
@Suite("Help text") struct HelpTextTests {
  @Test("a leaf command: usage with required option, discussion, grouped options, defaults")
  func leafCommand() throws {
    let expected = """
      Usage: sample train --out DIR [options] [IMAGE...]

      Train a model.

      Trains for the given number of epochs and writes one checkpoint per epoch into
      the output folder, which must not exist yet.

        Example: sample train --epochs 3 a.jpg

      Arguments:
        [IMAGE...]                Extra images.

      Options:
            --epochs N            Passes over the training set. (default: 40)
            --lr X                Learning rate. (default: 5e-6)
            --shift N             Any integer, negative too.
            --fraction X          A fraction.
        -j, --threads N           Worker threads.
            --arch NAME           The network. One of: resnet50, deit_tiny. (default:
                                  resnet50)
            --groups N,...        Groups to report.
            --modes NAME,...      Modes to try. One of: zero, rewind.
            --tag TEXT            Labels for the run. (repeatable)
        -h, --help                Show this help.

      Output options:
        -o, --out DIR             Run folder. (required)
            --augment, --no-augment
                                  Augment training images. (default: --augment)
            --force               Overwrite the run folder.

      """
    #expect(try SampleTool.parser.helpText(forCommandNamed: ["train"]) == expected)
  }

  @Test("the root: commands listed with summaries, --version among the options")
  func root() throws {
    let expected = """
      Usage: sample <command>

      A tool for testing the parser.

      Commands:
        train          Train a model.
        checkpoint     Work with checkpoint files.

      Options:
        -h, --help     Show this help.
            --version  Print the version (sample 1.2.3).

      Run 'sample help <command>' for the options of a command.

      """
    #expect(try SampleTool.parser.helpText(forCommandNamed: []) == expected)
  }

  @Test("every line fits in 80 columns, even with long labels and texts")
  func width() throws {
    for path in [[], ["train"], ["checkpoint"], ["checkpoint", "convert"]] {
      let text = try SampleTool.parser.helpText(forCommandNamed: path)
      for line in text.split(separator: "\n") {
        #expect(line.count <= 80, "\(path): \(line)")
      }
    }
  }
}
