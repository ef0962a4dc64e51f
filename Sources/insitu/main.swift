import InsituCLI

InsituCommand.runMain()
