import Foundation

/// Renders a command's help page: usage line, summary, discussion, then arguments and
/// options in their declared groups (or the subcommands of a group), wrapped to 80
/// columns. The output depends only on the declarations, so tests can compare it exactly.
struct HelpFormatter {
  /// The page width, in characters.
  static let width = 80
  /// Labels longer than this put their help text on the next line.
  static let maximumLabelWidth = 24

  let path: [any Command.Type]
  /// The version, when the page is the root's (adds `--version`).
  let version: String?

  private var command: any Command.Type { path.last! }
  private var commandName: String { path.map { $0.name }.joined(separator: " ") }

  func render() -> String {
    var blocks: [String] = [usage(), wrap(command.summary, indent: 0)]
    if !command.discussion.isEmpty { blocks.append(discussion()) }
    let sections = sections()
    // One text column for the whole page, so all sections line up.
    let labelWidth = min(
      sections.flatMap { $0.1 }.map { $0.0.count }.max() ?? 0, Self.maximumLabelWidth)
    blocks += sections.map { title, rows in title + ":\n" + table(rows, labelWidth: labelWidth) }
    if !command.subcommands.isEmpty {
      let placeholder = path.count == 1 ? "command" : "subcommand"
      let helpPath = (["help"] + path.dropFirst().map { $0.name }).joined(separator: " ")
      blocks.append(
        wrap(
          "Run '\(path[0].name) \(helpPath) <\(placeholder)>' for the options of a "
            + "\(placeholder).", indent: 0))
    }
    return blocks.joined(separator: "\n\n") + "\n"
  }

  // MARK: - Blocks

  private func usage() -> String {
    var words = [commandName]
    if !command.subcommands.isEmpty {
      words.append(path.count == 1 ? "<command>" : "<subcommand>")
    } else {
      for spec in command.arguments {
        if case .option(_, true, _) = spec.role {
          words.append("\(spec.displayName) \(spec.placeholder)")
        }
      }
      words.append("[options]")
      words += command.arguments.filter(\.isPositional).map(\.usageName)
    }
    return wrap("Usage: " + words.joined(separator: " "), indent: 0, hanging: 7)
  }

  private func discussion() -> String {
    // Paragraphs are re-wrapped, except indented ones (lists, examples), kept as written.
    command.discussion.components(separatedBy: "\n\n").map { paragraph in
      if paragraph.hasPrefix(" ") { return paragraph }
      return wrap(paragraph.split(separator: "\n").joined(separator: " "), indent: 0)
    }.joined(separator: "\n\n")
  }

  /// (heading, rows of label and text) in display order.
  private func sections() -> [(String, [(String, String)])] {
    if !command.subcommands.isEmpty {
      var options = [("-h, --help", "Show this help.")]
      if let version { options.append(("    --version", "Print the version (\(version)).")) }
      let title = path.count == 1 ? "Commands" : "Subcommands"
      return [(title, command.subcommands.map { ($0.name, $0.summary) }), ("Options", options)]
    }

    var sections: [(String, [(String, String)])] = []
    let positionals = command.arguments.filter(\.isPositional)
    if !positionals.isEmpty {
      sections.append(("Arguments", positionals.map { ($0.usageName, text(for: $0)) }))
    }
    for spec in command.arguments where !spec.isPositional {
      let title = spec.group ?? "Options"
      let row = (label(for: spec), text(for: spec))
      if let index = sections.firstIndex(where: { $0.0 == title }) {
        sections[index].1.append(row)
      } else {
        sections.append((title, [row]))
      }
    }
    let helpRow = ("-h, --help", "Show this help.")
    if let index = sections.firstIndex(where: { $0.0 == "Options" }) {
      sections[index].1.append(helpRow)
    } else {
      sections.append(("Options", [helpRow]))
    }
    return sections
  }

  /// Long options line up whether or not they have a short alias (`-h, --help` above
  /// `    --json`).
  private func label(for spec: ArgumentSpec) -> String {
    let prefix = spec.short.map { "-\($0), " } ?? "    "
    switch spec.role {
    case .flag(let inverse?, _): return prefix + "--\(spec.name), --\(inverse)"
    case .flag: return prefix + "--" + spec.name
    case .option: return prefix + "--\(spec.name) \(spec.placeholder)"
    case .positional: return spec.usageName
    }
  }

  /// The help sentence followed by choices, default and requirements.
  private func text(for spec: ArgumentSpec) -> String {
    var parts = [spec.help]
    if let names = spec.kind?.choiceNames {
      parts.append("One of: \(names.joined(separator: ", ")).")
    }
    switch spec.role {
    case .flag(let inverse?, let defaultValue):
      parts.append("(default: --\(defaultValue ? spec.name : inverse))")
    case .option(_, let required, let repeating):
      if required { parts.append("(required)") }
      if repeating { parts.append("(repeatable)") }
    default: break
    }
    if let shown = spec.defaultDescription ?? spec.defaultValue {
      parts.append("(default: \(shown))")
    }
    return parts.joined(separator: " ")
  }

  // MARK: - Layout

  /// Two columns: labels indented by 2, texts starting 2 columns after `labelWidth`.
  private func table(_ rows: [(String, String)], labelWidth: Int) -> String {
    let textColumn = 2 + labelWidth + 2
    return rows.map { label, text in
      let body = wrap(text, indent: textColumn)
      let lead = "  " + label
      if lead.count + 2 > textColumn {
        return lead + "\n" + body
      }
      let padding = String(repeating: " ", count: textColumn - lead.count)
      return lead + padding + body.dropFirst(textColumn)
    }.joined(separator: "\n")
  }

  /// `text` word-wrapped to the page width, every line indented by `indent` columns
  /// (continuation lines by `indent + hanging`). A word longer than a line stays whole.
  private func wrap(_ text: String, indent: Int, hanging: Int = 0) -> String {
    var lines: [String] = []
    var line = String(repeating: " ", count: indent)
    var lineHasWord = false
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if lineHasWord && line.count + 1 + word.count > Self.width {
        lines.append(line)
        line = String(repeating: " ", count: indent + hanging)
        lineHasWord = false
      }
      line += (lineHasWord ? " " : "") + word
      lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }
}
