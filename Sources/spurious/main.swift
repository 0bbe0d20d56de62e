// The `spurious` executable: parse the command line, run the command, exit with one
// of the statuses documented in Frame/ExitStatus.swift.
import Foundation

exit(Launcher.run(Array(CommandLine.arguments.dropFirst())))
