"""Hand-written inputs for the questions the sample might not ask: how each tool takes the
edge of what agentconv writes (no tools at all, tool names the other tool does not know,
pattern rules, colours, models, the carry comment). (name, dialect, path, text)."""

PROBES: list[tuple[str, str, str, str]] = [
    # → claude `tools: ''`: Claude must resolve it to no tools at all (omitted would be all).
    ("no-tools", "opencode", ".opencode/agent/no-tools.md", """\
---
description: Answers from its own knowledge only; may not touch the machine
mode: subagent
permission:
  "*": deny
---
Answer from what you know. Never call a tool.
"""),
    # → claude disallowedTools with names only opencode knows.
    ("opencode-only-tools", "opencode", ".opencode/agent/opencode-only-tools.md", """\
---
description: Stays inside the project and never loops
mode: subagent
permission:
  external_directory: deny
  doom_loop: deny
  webfetch: deny
---
Work inside the project folder only.
"""),
    # → claude: a hex colour Claude cannot show (carried), a theme colour (approximated).
    ("hex-colour", "opencode", ".opencode/agent/hex-colour.md", """\
---
description: Has a colour Claude Code does not know
mode: subagent
color: "#123ABC"
model: anthropic/claude-haiku-4-5
---
Be brief.
"""),
    ("theme-colour", "opencode", ".opencode/agent/theme-colour.md", """\
---
description: Uses an opencode theme colour
mode: primary
color: warning
---
Warn early.
"""),
    # → claude: bash limited to some commands, everything else denied.
    ("bash-patterns", "opencode", ".opencode/agent/bash-patterns.md", """\
---
description: Reads the git history and nothing else
mode: subagent
permission:
  "*": deny
  read: allow
  bash:
    "*": deny
    "git log*": allow
    "git status*": allow
---
Summarise recent history.
"""),
    # → opencode: Claude colour names become hex; `"*": deny` must come first.
    ("claude-read-only", "claude", ".claude/agents/claude-read-only.md", """\
---
name: claude-read-only
description: Explores the code base without changing it
tools: Read, Grep, Glob
model: haiku
color: cyan
---
Look, never touch.
"""),
    # → opencode: a Claude deny-list with a pattern deny; Claude drops the whole tool.
    ("claude-deny-pattern", "claude", ".claude/agents/claude-deny-pattern.md", """\
---
name: claude-deny-pattern
description: Everything but deleting files and writing new ones
disallowedTools: [Write, "Bash(rm:*)"]
model: claude-sonnet-4-5-20250929
---
Never delete anything.
"""),
    # → opencode: tools Claude knows and opencode does not (NotebookEdit, MCP tools).
    ("claude-foreign-tools", "claude", ".claude/agents/claude-foreign-tools.md", """\
---
name: claude-foreign-tools
description: "Edits notebooks; use when: a .ipynb needs changes"
tools: Read, NotebookEdit, mcp__jupyter__run_cell
permissionMode: acceptEdits
effort: high
---
Edit the notebook cell by cell.
"""),
    # → claude `tools: '*, Agent(general)'`: every tool, sub-agents limited to one type (issue 9).
    ("task-types", "opencode", ".opencode/agent/task-types.md", """\
---
description: Delegates only to the general agent
mode: subagent
permission:
  task:
    "*": deny
    general: allow
  skill:
    caveman: allow
---
Delegate research to the general agent.
"""),
    # → opencode `edit: allow`: Write and MultiEdit have the power of opencode's one edit key.
    ("write-multiedit", "claude", ".claude/agents/write-multiedit.md", """\
---
name: write-multiedit
description: Writes files but has no Edit tool of its own
tools: Write, Read, MultiEdit, Bash, Grep, Glob
---
Write the files the task needs.
"""),
    # → claude: read asks for .env files (Claude cannot ask: Read denied, reported).
    ("read-asks-env", "opencode", ".opencode/agent/read-asks-env.md", """\
---
description: Reads the code but asks before secrets
mode: subagent
permission:
  "*": deny
  grep: allow
  glob: allow
  read:
    "*": allow
    "*.env": ask
---
Read the code; ask before opening any .env file.
"""),
    # → both: a brief with sections and nothing else.
    ("prose-brief", "prose", "agents/prose-brief.txt", """\
Reviews pull requests for missing tests.

WHEN TO USE:
- A pull request changes code without touching tests

DELIVERABLES:
- A list of untested changes

INSTRUCTIONS:
Read the diff. Name each changed function that no test calls.
"""),
]
