"""opencode's ``agent`` object in ``opencode.json`` / ``opencode.jsonc``: agent names as keys,
in the project's config file beside every other setting (kept byte for byte).

How it differs from a ``.opencode/agent/*.md`` file, all as tables
(``dialects/opencode-json/``): the key names the agent; the prompt is the ``prompt`` key, or
``{file:PATH}`` (PATH relative to the config file; opencode reads it and trims it); the file
may hold ``//`` and ``/* */`` comments and trailing commas (JSONC), which stay where they are.
The field mapping is opencode's own (``OpenCodeFields``), shared with the markdown form."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ..data import mapping
from ..formats import jsonsrc
from ..losses import Diagnostic
from ..promptref import Syntax
from .container import ContainerDialect
from .opencode import OpenCodeFields

if TYPE_CHECKING:
    from pathlib import PurePath

_TABLE = mapping("opencode-json")
_KEYS = _TABLE["keys"]
_CONTAINER = _TABLE["container"]
_SUBSTITUTION = re.compile(r"\{(?:env|file):[^}\n]*\}")


class OpenCodeJson(OpenCodeFields, ContainerDialect):
    name = "opencode-json"
    title = "opencode.json"
    agents_at = tuple(_CONTAINER["agents_at"])
    file_name = _CONTAINER["file_name"]
    prompt_key = _CONTAINER["prompt_key"]
    accepted_keys = frozenset(_KEYS["accepted"])
    key_order = tuple(_KEYS["accepted"])
    key_types = dict(_KEYS["types"])
    refused_keys = dict(_KEYS.get("refused", {}))
    agent_globs = ("opencode.json", "opencode.jsonc", ".opencode/opencode.json", ".opencode/opencode.jsonc")
    reading_model = "opencode-json"
    comments = True
    reads_every_key = True
    requires_front_matter = False
    prompt_syntax = Syntax("{file:", "}")

    def read(self, text: str, path: str | None = None, **options: Any) -> Any:
        doc = super().read(text, path, **options)
        # a whole prompt {file:…} is a reference agentconv reads; any other it keeps as text
        references = sum(1 for m in doc.trivia.members if m.prompt_ref is not None)
        if len(_SUBSTITUTION.findall(jsonsrc.blanked(text, path))) > references:
            doc.warnings.append(Diagnostic(
                message="opencode replaces {env:…} and {file:…} anywhere in the file before reading it; "
                        "agentconv reads them as written except a whole prompt {file:…}",
                hint="write the value itself where a conversion should carry it"))
        return doc

    def output_path_in(self, agent: Any, out: str) -> PurePath:
        """A project with an opencode.jsonc and no opencode.json gets its agents in the jsonc."""
        from pathlib import PurePath
        jsonc = PurePath(self.file_name).with_suffix(".jsonc")
        if os.path.isfile(os.path.join(out, jsonc)) and not os.path.exists(os.path.join(out, self.file_name)):
            return jsonc
        return self.output_path(agent)

    def holds_no_agents(self, text: str) -> str | None:
        """A config file without agents is no agent file (most opencode.json files)."""
        return None if self.claim(text) else "an opencode config without agents"
