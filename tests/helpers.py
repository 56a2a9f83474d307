"""One-line assertions in the style of sqlglot's validate_identity / validate_all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import agentconv
from agentconv import Document, LossError
from agentconv.access import same_power

Expected = "str | type[LossError]"


def assert_identity(text: str | bytes, dialect: str | None = None, *, path: str | None = None) -> Document:
    """Reading ``text`` and writing it back in its own dialect gives the same characters
    (bytes, when given bytes); returns the document for further checks."""
    doc = agentconv.loads(text, dialect, path=path)
    written = agentconv.dumps(doc, on_loss="raise")
    if isinstance(text, bytes):
        written = written.encode(doc.encoding)
    assert written == text, "identity changed the text"
    return doc


def assert_converts(text: str, read: str | None = None, *, write: Mapping[str, str | type[LossError]],
                    path: str | None = None, losses: Mapping[str, Iterable[tuple[str, str]]] | None = None,
                    carry: bool = True) -> None:
    """Convert ``text`` to each target of ``write`` and compare with the exact expected text;
    ``LossError`` as the expectation means a strict conversion must refuse. ``losses`` names
    the (field, kind) pairs each target must report, no more and no fewer."""
    for target, expected in write.items():
        if isinstance(expected, type) and issubclass(expected, LossError):
            with pytest.raises(LossError) as info:
                agentconv.convert(text, to=target, read=read, path=path, on_loss="raise", carry=carry)
            assert info.value.losses, "a LossError must carry the losses"
            continue
        doc = agentconv.loads(text, read, path=path)
        out = agentconv.dumps(doc, target, on_loss="ignore", carry=carry)
        assert out == expected, f"{doc.dialect} → {target}"
        if losses is not None and target in losses:
            assert loss_pairs(doc.losses) == set(losses[target]), f"losses of {doc.dialect} → {target}"


def loss_pairs(losses) -> set[tuple[str, str]]:
    return {(loss.field, loss.kind) for loss in losses}


def loss_heads(losses) -> set[str]:
    """The canonical fields losses concern (tools.read concerns tools)."""
    return {loss.field.partition(".")[0] if not loss.field.startswith("native.") else loss.field
            for loss in losses}


def refuses(doc: Document, target: str) -> bool:
    """The target grants a tool that an agent of ``doc`` withholds and cannot withhold it
    (every tool, for Deep Agents; reading, for Cursor; Skill, for Factory), or an agent's prompt
    is in a file that could not be read: the conversion is refused (WideningError,
    MissingReferenceError), which each such dialect's own tests check."""
    from agentconv.access import OTHER_ARG, power_action, restricts
    from agentconv.model import ALL_TOOLS, ToolRule
    dst = agentconv.get_dialect(target)
    every = (ToolRule(tool=ALL_TOOLS),)
    src = agentconv.get_dialect(doc.dialect) if doc.dialect else None
    if src is not None and target != doc.dialect and any(src.unresolved(agent) for agent in doc.agents):
        return True             # its prompt is in a file that is not there (MissingReferenceError)
    return any((dst.grants_every_tool and restricts(every, tuple(agent.tools)))
               or (agent.tools and any(power_action(agent.tools, t, OTHER_ARG) != "allow" for t in dst.always_grants))
               or _denies_ungoverned(agent.tools, getattr(dst, "governed", None))
               for agent in doc.agents)


def _denies_ungoverned(rules, governed) -> bool:
    """A target that can deny only the tools it ``governed`` (Kilo Code's modes) refuses an agent
    denied any other tool, or every tool it does not name."""
    from agentconv.access import OTHER_TOOL, evaluator
    if governed is None or not rules:
        return False
    allowed = evaluator(tuple(rules))
    return any(allowed.action(t) != "allow" for t in {OTHER_TOOL, *(r.tool for r in rules)} - set(governed))


def round_trip(doc: Document, via: str, *, carry: bool | str = True, trust: bool = True) -> tuple[Document, list]:
    """doc → ``via`` → doc's dialect, each file read where the tool would read it, as the
    user who wrote them (``trust``: the carry is theirs); returns the document read back and
    the first step's losses."""
    middle_path = str(agentconv.get_dialect(via).output_path(doc.agent))
    middle_text, losses = agentconv.to_dialect(doc, via, carry=carry, path=middle_path)
    middle = agentconv.loads(middle_text, via, path=middle_path, trust_carry=trust)
    back_text, _ = agentconv.to_dialect(middle, doc.dialect, carry=carry, path=doc.path)
    return agentconv.loads(back_text, doc.dialect, path=doc.path, trust_carry=trust), losses


def canonical_diff(a, b, ignore: Iterable[str] = ()) -> dict:
    """Fields (``native.KEY`` for native ones) in which two agents differ, minus ``ignore``."""
    skip = set(ignore)
    left, right = a.model_dump(mode="json"), b.model_dump(mode="json")
    diff = {k: (left[k], right[k]) for k in left if k != "native" and left[k] != right[k] and k not in skip}
    if "tools" in diff and same_power(a.tools, b.tools):
        del diff["tools"]        # the same grants, spelled another way (Write, MultiEdit ↔ Edit, Write)
    natives_a = {n["key"]: n for n in left["native"]}
    natives_b = {n["key"]: n for n in right["native"]}
    for key in natives_a.keys() | natives_b.keys():
        if natives_a.get(key) != natives_b.get(key) and f"native.{key}" not in skip:
            diff[f"native.{key}"] = (natives_a.get(key), natives_b.get(key))
    return diff


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes, kept exactly) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def run_in(cwd: Path, args: list[str]) -> tuple[int, str, str]:
    """The CLI run from folder ``cwd`` (where configuration is looked for): exit code, stdout, stderr."""
    import os

    from click.testing import CliRunner

    from agentconv.cli import cli
    here = os.getcwd()
    os.chdir(cwd)
    try:
        done = CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(here)
    return done.exit_code, done.stdout, done.stderr
