import TianbaoCLI
import XLSX

Allocator.keepFreedMemoryForReuse()
TianbaoCommand.runAsProgram()
