// Placeholder entry point until the command-line layer lands.
import Foundation

FileHandle.standardError.write(Data("spurious: no commands are built yet\n".utf8))
exit(2)
