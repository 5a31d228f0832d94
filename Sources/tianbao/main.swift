import TianbaoCLI

TianbaoCommand.runAsProgram()
