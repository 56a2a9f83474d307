from agentconv.launch import main

main()
