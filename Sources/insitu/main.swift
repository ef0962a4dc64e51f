import InsituCLI

InsituCommand.main()
