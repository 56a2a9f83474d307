"""The canonical model: what an agent means, independent of any dialect. No I/O here.

Two agents that mean the same compare equal; how a file spelled them (quoting, key order,
comma string or list) lives on the Document, never in these fields.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from .record import Field, Record, field_validator, model_validator

Action = Literal["allow", "ask", "deny"]
Mode = Literal["primary", "subagent", "all"]
Role = Literal["context", "user", "assistant", "commentary", "text"]
SectionField = Literal["when_to_use", "scenarios", "deliverables", "not_for", "triggers"]

ALL_TOOLS = "*"


class _Model(Record):
    pass


class ToolRule(_Model, frozen=True):
    """One access rule. Rules are ordered; for a given call the last matching rule wins.

    ``tool`` is a canonical tool id (``read``, ``bash``, ``mcp:github/get_issue``, ``*``) or,
    for a tool no mapping knows, the dialect's own spelling. ``pattern`` narrows the rule to
    matching arguments (a glob over the command or path, e.g. ``git diff*``).
    """

    tool: str
    pattern: str | None = None
    action: Action = "allow"

    @property
    def is_wildcard(self) -> bool:
        return "*" in self.tool


class ExampleTurn(_Model):
    role: Role
    text: str
    label: str | None = Field(None, description="The turn's label as the author wrote it ('User', 'Human') "
                                                "where it differs from the standard one ('Context', 'user', "
                                                "'assistant').")

    @model_validator(mode="after")
    def _label_as_written(self) -> ExampleTurn:
        if self.label is not None:
            from .briefs import own_label  # the label grammar lives with the brief parser
            self.label = own_label(self.role, self.label)
        return self


class Example(_Model):
    """A usage example (Claude's ``<example>`` block): Context, user, assistant, commentary."""

    turns: list[ExampleTurn] = Field(default_factory=list)
    after: str | None = Field(None, description="Text that follows the example in the description.")
    inline: bool = Field(False, description="Written in the line of the text around it "
                                            "('… Examples: <example>Context: … user: …</example>'), "
                                            "as the author did; otherwise one turn per line.")

    @field_validator("after")
    @classmethod
    def _blank_is_none(cls, after: str | None) -> str | None:
        return after if after and after.strip() else None      # both render as nothing

    @model_validator(mode="after")
    def _inline_only_when_one_line(self) -> Example:
        # a turn of several lines cannot be written inline: the example is a block then
        if self.inline and any("\n" in t.text or "\r" in t.text for t in self.turns):
            self.inline = False
        return self

    def _first(self, role: str) -> str | None:
        return next((t.text for t in self.turns if t.role == role), None)

    @property
    def context(self) -> str | None:
        return self._first("context")

    @property
    def user(self) -> str | None:
        return self._first("user")

    @property
    def assistant(self) -> str | None:
        return self._first("assistant")

    @property
    def commentary(self) -> str | None:
        return self._first("commentary")


class NativeField(_Model):
    """A key of one dialect with no canonical home, kept verbatim and in source order."""

    dialect: str
    key: str
    value: Any = None


def normalise_rules(rules: list[ToolRule]) -> list[ToolRule]:
    """Order rules canonically without changing what they mean.

    Rules for different tools never match the same call, so between two wildcard rules the
    order only matters among rules for the same tool: a stable sort by tool keeps that.
    """
    out: list[ToolRule] = []
    segment: list[ToolRule] = []
    for rule in rules:
        if rule.is_wildcard:
            out.extend(sorted(segment, key=lambda r: r.tool))
            segment = []
            out.append(rule)
        else:
            segment.append(rule)
    out.extend(sorted(segment, key=lambda r: r.tool))
    return _without_redundant_denies(out)


def _without_redundant_denies(rules: list[ToolRule]) -> list[ToolRule]:
    """In an allow-list (a leading deny-all), denying a tool nothing allows again says
    nothing: dropped, so two spellings of one allow-list compare equal."""
    if not rules or rules[0].tool != ALL_TOOLS or rules[0].action != "deny" or rules[0].pattern is not None:
        return rules
    if any(r.is_wildcard for r in rules[1:]):
        return rules
    granted = {r.tool for r in rules if r.action != "deny"}
    return [r for i, r in enumerate(rules) if i == 0 or r.action != "deny" or r.tool in granted]


class Agent(_Model):
    """One agent definition, as every dialect means it."""

    name: str | None = Field(None, description="Identity used to call the agent.")
    display_name: str | None = Field(None, description="Human-facing title, when it differs from the name.")
    description: str | None = Field(None, description="When to use the agent (without examples or sections).")
    examples: list[Example] = Field(default_factory=list, description="Structured usage examples.")
    when_to_use: list[str] = Field(default_factory=list)
    scenarios: list[str] = Field(default_factory=list)
    deliverables: list[str] = Field(default_factory=list)
    not_for: list[str] = Field(default_factory=list)
    triggers: list[str] = Field(default_factory=list)
    section_headings: dict[SectionField, str] = Field(
        default_factory=dict,
        description="A section's heading as the author wrote it where it differs from the standard "
                    "one, e.g. {'deliverables': 'DELIVERABLES THIS AGENT CREATES'}: the author's "
                    "words, kept in every target.")
    section_order: list[SectionField] = Field(
        default_factory=list,
        description="The order the author wrote the sections in, where it is not the standard "
                    "one (when_to_use, scenarios, deliverables, not_for, triggers).")
    prompt: str | None = Field(None, description="The system prompt.")
    model: str | None = Field(None, description="Model as the source names it; None = inherit.")
    model_fallbacks: list[str] = Field(
        default_factory=list,
        description="Models to run, in order, when ``model`` is not available (canonical ids; "
                    "GitHub Copilot's model list). Empty: none.")
    reasoning_effort: str | int | None = None
    temperature: float | None = None
    top_p: float | None = None
    tools: list[ToolRule] = Field(
        default_factory=list,
        description="Ordered access rules; empty = every tool the host allows. A leading "
                    "{tool: '*', action: deny} turns the rest into an allow-list.")
    permission_mode: str | None = None
    max_turns: int | None = None
    color: str | None = None
    mode: Mode | None = Field(
        None, description="Who starts the agent: 'subagent' — the model delegates to it (a user may "
                          "mention it); 'primary' — a user chooses it as the session's agent; 'all' — "
                          "both. None: the host's default.")
    hidden: bool | None = Field(None, description="Not offered to the user (no mention, not in a picker): "
                                                  "only the model calls it.")
    disabled: bool | None = None
    mcp_servers: list[str | dict[str, Any]] | None = None
    skills: list[str] | None = None
    hooks: dict[str, Any] | None = None
    native: list[NativeField] = Field(
        default_factory=list, description="Dialect keys with no canonical home, in source order.")

    @field_validator("description")
    @classmethod
    def _empty_description_is_none(cls, value: str | None) -> str | None:
        return value or None            # '' and unset mean the same to every tool

    @model_validator(mode="after")
    def _headings_and_order_of_written_sections(self) -> Agent:
        if self.section_headings or self.section_order:
            from .briefs import own_headings, own_order  # the grammar lives with the brief parser
            self.section_headings = own_headings(self.section_headings, self)
            self.section_order = own_order(self.section_order, self)
        return self

    @field_validator("temperature", "top_p")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")        # no tool accepts NaN or infinity
        return value

    @field_validator("tools")
    @classmethod
    def _normalise_tools(cls, rules: list[ToolRule]) -> list[ToolRule]:
        return normalise_rules(rules)

    def native_value(self, key: str, dialect: str | None = None, default: Any = None) -> Any:
        for field in self.native:
            if field.key == key and (dialect is None or field.dialect == dialect):
                return field.value
        return default

    @property
    def is_allow_list(self) -> bool:
        return bool(self.tools) and self.tools[0].tool == ALL_TOOLS and self.tools[0].action == "deny"


CANONICAL_FIELDS: tuple[str, ...] = tuple(f for f in Agent.model_fields if f != "native")
