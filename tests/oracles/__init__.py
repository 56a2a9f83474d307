"""The real tools as judges: convert a fixed sample of agents, let Claude Code and opencode
load the outputs, and compare what each tool parsed with what agentconv meant (issue 5).

- ``sample``   which inputs, converted how, written where
- ``judges``   running the tools (the shared oracle scripts, plus two probes of our own)
- ``verdict``  comparing what a tool reports with the canonical model
"""
