"""Roo Code custom modes: ``.roomodes`` (YAML or JSON) and the global ``custom_modes.yaml``, a
``customModes:`` list of modes. Tables in ``dialects/roo/mapping.toml``, facts (Roo Code 3.54.0,
its final release) in its REFERENCE.md.

How a mode differs from a markdown agent: the ``slug`` names it, ``name`` is the name shown,
the system prompt is ``roleDefinition`` (at its start) and ``customInstructions`` (appended),
``whenToUse`` is what the model reads to pick a mode, and access is coarse: tool ``groups``,
where ``edit`` may be limited to files matching a ``fileRegex`` no other dialect can say. Roo
strips keys it does not know, and loads no mode of a file whose one mode is invalid.

Kilo Code, Zoo Code and IBM Bob read the same shape: their dialects are subclasses stating
only what differs (``kilo.py``)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from .. import access
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from .base import MISSING, NativeItems
from .fields import Code, Description, Entry, FieldTable
from .listcontainer import ListContainerDialect
from .toolgroups import DENY_ALL, ToolGroups

_TABLE = mapping("roo")
_SLUG = re.compile(r"^[a-zA-Z0-9-]+$")
_EXPECTED = "a list of tool groups"


class ModeFields(FieldTable):
    """A Roo-format mode's keys ↔ canonical fields; a successor states its own ``groups`` table
    and how a mode's groups become access (``group_rules``)."""

    groups: ClassVar[ToolGroups] = ToolGroups.from_table(_TABLE["groups"])
    #: tools every mode has whatever its groups say
    always: ClassVar[tuple[str, ...]] = tuple(_TABLE["access"]["always"])
    string_keys: ClassVar[frozenset[str]] = frozenset(_TABLE["keys"]["strings"])

    fields: ClassVar[tuple[Entry, ...]] = (
        Code("slug", "name", read="read_identity", write="write_identity"),
        Code("roleDefinition", read="read_prompt", write="write_prompt"),
        Description(key="whenToUse"),
        Code("customInstructions"),
        Code("groups", read="read_groups", write="write_groups"),
    )

    def name_from_path(self, path: str | None) -> str | None:
        return None

    def holds_tool(self, canon: str) -> bool:
        return self.groups.holds(canon) or canon in self.always

    def tool_name(self, canon: str) -> str:
        return next((n for n, g in self.groups.grants.items() if canon in g), canon)

    def name_problem(self, name: str) -> str | None:
        if not _SLUG.match(name):
            return f"{self.title} takes a slug of letters, digits and dashes only, not {name!r}"
        return super().name_problem(name)

    # -- identity: the slug names the mode, `name` is shown ----------------------------------
    def read_identity(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        slug, shown = values.get("slug"), values.get("name")
        for key in ("slug", "name"):
            if not isinstance(values.get(key), str) or not values[key]:
                warn.append(Diagnostic(message=f"no {key!r}: {self.title} loads no mode of this file",
                                       hint=f"give every mode a {key}"))
        if isinstance(slug, str):
            fields["name"] = slug
            if not _SLUG.match(slug):
                warn.append(Diagnostic(message=f"slug {slug!r} is not letters, digits and dashes: "
                                               f"{self.title} loads no mode of this file"))
        if isinstance(shown, str) and shown and shown != slug:
            fields["display_name"] = shown
        for key in ("slug", "name"):
            if key in values and not isinstance(values[key], str):
                fields["native"].append(_native(self, key, values[key]))

    def write_identity(self, agent: Agent, out: NativeItems) -> None:
        # a name Roo does not take as a slug ('code_review', 'sub/agent') would fail the whole
        # file: it is written as one (reported), and shown as the name it was
        slug = agent.name if agent.name is None or _SLUG.match(agent.name) else as_slug(agent.name)
        out.put("slug", agent.name, lambda v: v, slug)
        out.put("name", agent.display_name, lambda v: None if v == agent.name else v,
                agent.display_name or agent.name or slug)

    # -- the prompt: roleDefinition, then customInstructions -----------------------------------
    def read_prompt(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        parts = []
        for key in ("roleDefinition", "customInstructions"):
            value = values.get(key)
            if isinstance(value, str):
                if value.strip():
                    parts.append(value.strip())
            elif key in values:
                fields["native"].append(_native(self, key, value))
        if not (isinstance(values.get("roleDefinition"), str) and values["roleDefinition"]):
            warn.append(Diagnostic(message=f"no 'roleDefinition': {self.title} loads no mode of this file",
                                   hint="give every mode a roleDefinition"))
        for key in self.string_keys - {"slug", "name", "roleDefinition", "customInstructions"}:
            if key in values and not isinstance(values[key], str):
                warn.append(Diagnostic(message=f"{key} must be text: {self.title} loads no mode of this file"))
        prompt = "\n\n".join(parts).replace("\r\n", "\n")
        fields["prompt"] = prompt or None

    def write_prompt(self, agent: Agent, out: NativeItems) -> None:
        role, more = out.old.get("roleDefinition"), out.old.get("customInstructions")
        prompt = agent.prompt
        if not prompt or not prompt.strip():
            return                  # read back as no prompt: Roo needs one (reported required)
        if _prompt_of(role, more) == prompt:
            out.add("roleDefinition", role)
            if more is not None:
                out.add("customInstructions", more)
            return
        head = role.strip().replace("\r\n", "\n") if isinstance(role, str) else ""
        if head and prompt.startswith(head + "\n\n"):
            out.add("roleDefinition", role)
            out.add("customInstructions", prompt[len(head) + 2:])
            return
        out.add("roleDefinition", prompt)     # all of it at the start of the system prompt

    # -- access: tool groups --------------------------------------------------------------------
    def read_groups(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        value = values.get("groups", MISSING)
        if value is MISSING:
            warn.append(Diagnostic(message=f"no 'groups': {self.title} loads no mode of this file",
                                   hint="list the mode's tool groups (groups: [] for none)"))
            value = []
        if not isinstance(value, list):
            fields["tools"] = access.unreadable(self, "groups", value, _EXPECTED, values, warn)
            return
        granted, seen = [], set()
        for entry in value:
            name, options = _group_entry(entry)
            if name is None or name not in self.groups.grants:
                warn.append(Diagnostic(message=f"groups: {entry!r} is not one of {self.title}'s tool groups "
                                               f"({', '.join(self.groups.grants)}): it loads no mode of this file"))
                continue
            if name in seen:
                warn.append(Diagnostic(message=f"groups: {name!r} twice: {self.title} loads no mode of this file"))
            seen.add(name)
            regex = options.get("fileRegex") if isinstance(options, dict) else None
            if isinstance(regex, str) and regex:
                warn.append(Diagnostic(
                    message=f"groups: {name!r} only for files matching {regex!r}: no other dialect can say a "
                            f"regular expression, so the agent is read without {name!r}",
                    field=f"tools.{name}"))
                continue
            granted.append(name)
        fields["tools"] = self.scoped(values, self.group_rules(tuple(granted)), warn)

    def scoped(self, values: dict[str, Any], rules: list[ToolRule], warn: list[Diagnostic]) -> list[ToolRule]:
        """The rules as a mode's own keys narrow its groups further (Zoo's allowedMcpServers)."""
        return rules

    def group_rules(self, granted: tuple[str, ...]) -> list[ToolRule]:
        """The access of a mode listing ``granted``: only their tools, and the tools every mode has."""
        allows = {ToolRule(tool=t) for g in granted for t in self.groups.tools_of(g)}
        allows |= {ToolRule(tool=t) for t in self.always}
        return normalise_rules([DENY_ALL, *sorted(allows, key=lambda r: (r.is_wildcard, r.tool))])

    #: keys read with `groups` (a successor's narrowing of them), written after them
    access_keys: ClassVar[tuple[str, ...]] = ()

    def parse_groups(self, values: dict[str, Any]) -> list[ToolRule] | None:
        fields: dict[str, Any] = {"native": []}
        self.read_groups(values, fields, [])
        return fields.get("tools")

    def write_groups(self, agent: Agent, out: NativeItems) -> None:
        old = {k: out.old[k] for k in ("groups", *self.access_keys) if k in out.old}
        if "groups" not in old and out.old and agent.tools == self.group_rules(()):
            return                  # a file without groups stays without (Roo loads none of it)
        if "groups" in old:
            try:
                if self.parse_groups(old) == agent.tools:
                    for key, value in old.items():
                        out.add(key, value)
                    return
            except Exception:       # an unreadable old value is written afresh
                pass
        for key, value in self.access_items(agent.tools):
            out.add(key, value)

    def access_items(self, rules: list[ToolRule]) -> list[tuple[str, Any]]:
        return [("groups", self.groups_for(rules))]

    def groups_for(self, rules: list[ToolRule]) -> list[str]:
        """The groups whose every tool the agent may use (a group the tool always grants, and
        a group that grants nothing of its own, are not written)."""
        rules = rules or [ToolRule(tool=ALL_TOOLS)]
        always = set(self.always)
        return [n for n in self.groups.allowed_names(rules)
                if not (self.groups.grants[n] and set(self.groups.grants[n]) <= always)]


def as_slug(name: str) -> str:
    """``name`` as letters, digits and dashes (every other run of characters one dash)."""
    return re.sub(r"[^a-zA-Z0-9-]+", "-", name).strip("-") or "mode"


def _group_entry(entry: Any) -> tuple[str | None, dict[str, Any] | None]:
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], dict):
        return entry[0], entry[1]
    return None, None


def _prompt_of(role: Any, more: Any) -> str | None:
    parts = [p.strip() for p in (role, more) if isinstance(p, str) and p.strip()]
    return "\n\n".join(parts).replace("\r\n", "\n") or None


def _native(dialect: Any, key: str, value: Any) -> NativeField:
    from ..model import NativeField
    return NativeField(dialect=dialect.name, key=key, value=value)


class Roo(ModeFields, ListContainerDialect):
    name = "roo"
    title = "Roo Code"
    file_name = _TABLE["container"]["file_name"]
    list_key = _TABLE["container"]["list_key"]
    name_key = _TABLE["container"]["name_key"]
    layout = ""
    path_hints: ClassVar[tuple[str, ...]] = ("*.roomodes", "rooveterinaryinc.roo-cline/settings/")
    agent_globs = (".roomodes",)
    accepted_keys = frozenset(_TABLE["keys"]["accepted"])
    required = ("name", "prompt")
    reserved_names = frozenset(_TABLE["access"]["builtin"])
    many_per_file = True
    carries = False
    # a user picks a mode, and any mode can start another (new_task): every mode is both
    field_defaults = {"mode": "all"}
    always_grants = frozenset(_TABLE["access"]["always"])
    modes_offered = {"subagent": "all", "primary": "all"}

    def item_shape(self, values: dict[str, Any]) -> bool:
        return "slug" in values and bool({"roleDefinition", "groups", "customInstructions"} & set(values))
