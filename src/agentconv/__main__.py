from agentconv.cli import main

main()
