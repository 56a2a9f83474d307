"""Generated docs (issue 14): docs/dialects/<name>.md and docs/capabilities.md are what
`python -m agentconv.docs` writes from dialects/, the dialect modules and the fixtures, and the
generator says what it reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentconv import docs
from agentconv.docs import matrix, pages, reference
from agentconv.docs.__main__ import main
from agentconv.docs.fieldmap import fields_by_key
from agentconv.docs.outcomes import Pair, measure
from agentconv.docs.samples import fixture_samples, probe_groups, probe_samples
from agentconv.docs.schemas import domain
from agentconv.expressible import PROBES
from agentconv.registry import dialect_names

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return docs.generate(REPO / "fixtures")


def test_committed_docs_are_current(generated: dict[str, str]) -> None:
    stale = docs.stale(REPO, generated)
    assert not stale, (f"out of date: {', '.join(stale)}; regenerate with `{docs.COMMAND}` "
                       f"and commit docs/")


def test_a_page_per_dialect_and_the_matrix(generated: dict[str, str]) -> None:
    assert set(generated) == {f"docs/dialects/{n}.md" for n in dialect_names()} | {"docs/capabilities.md"}
    for name in dialect_names():
        assert f"## Into {name}\n" in generated["docs/capabilities.md"]
        assert f"(`{name}`)" in generated[f"docs/dialects/{name}.md"]


def test_stale_names_a_changed_missing_or_orphaned_page(tmp_path: Path) -> None:
    pages_ = {"docs/dialects/a.md": "A\n", "docs/capabilities.md": "M\n"}
    assert docs.stale(tmp_path, pages_) == ["docs/dialects/a.md", "docs/capabilities.md"]
    docs.write(tmp_path, pages_)
    assert docs.stale(tmp_path, pages_) == []
    (tmp_path / "docs/dialects/gone.md").write_text("old\n")
    (tmp_path / "docs/capabilities.md").write_text("edited by hand\n")
    assert docs.stale(tmp_path, pages_) == ["docs/capabilities.md", "docs/dialects/gone.md"]
    docs.write(tmp_path, pages_)
    assert not (tmp_path / "docs/dialects/gone.md").exists() and docs.stale(tmp_path, pages_) == []


def test_check_exits_1_naming_the_page_and_writes_nothing(tmp_path: Path, generated: dict[str, str],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    monkeypatch.setattr("agentconv.docs.__main__.generate", lambda fixtures: generated)
    assert main(["--root", str(tmp_path), "--check"]) == 1
    assert "out of date: docs/capabilities.md" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--root", str(tmp_path), "--check"]) == 0
    assert main(["--root", str(tmp_path / "nowhere")]) == 2


# -- the pages say what the data says ----------------------------------------------------------

@pytest.mark.parametrize("name", ["claude", "copilot", "roo", "vibe", "prose"])
def test_page_states_cannot_express_as_the_dialects_command(name: str, generated: dict[str, str]) -> None:
    from agentconv.expressible import cannot_express
    page = generated[f"docs/dialects/{name}.md"]
    assert ", ".join(cannot_express(name)) in page


@pytest.mark.parametrize(("name", "key", "fields"), [
    ("claude", "effort", ("reasoning_effort",)),          # a Key row
    ("claude", "disallowedTools", ("tools",)),            # a Code row: found by writing
    ("roo", "slug", ("name",)),                           # a container's key
    ("roo", "groups", ("tools",)),                        # written, though never exactly
    ("copilot", "name", ("display_name",)),
    ("vibe", "instructions", ("prompt",)),
])
def test_keys_are_mapped_to_fields_by_writing_probes(name: str, key: str, fields: tuple[str, ...]) -> None:
    assert fields_by_key(name)[key] == fields


def test_a_field_a_dialect_writes_only_approximately_is_not_claimed_for_a_key() -> None:
    # Cline has one model, no fallbacks: the fallback probe's second field is not modelId's
    assert fields_by_key("cline")["modelId"] == ("model",)


@pytest.mark.parametrize(("node", "words"), [
    ({"type": "integer", "minimum": 1}, "integer ≥ 1"),
    ({"enum": [True, False, "true", "false"]}, 'one of `true`, `false`, `"true"`, `"false"`'),
    ({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, "text or list of texts"),
    ({"$ref": "#/$defs/n"}, "text not empty"),
])
def test_schema_values_in_words(node: dict[str, object], words: str) -> None:
    assert domain(node, {"$defs": {"n": {"type": "string", "minLength": 1}}}) == words


def test_sources_and_client_come_from_the_reference() -> None:
    assert "https://docs.github.com/copilot/reference/custom-agents-configuration" in reference.web_sources("copilot")
    assert reference.research_notes("copilot") == ["dialects.md §4", "refresh-2026-12.md §3.3"]
    assert reference.named_clients("roo") == ["Roo Code 3.54.0"]
    text = pages.page("roo")
    assert "Roo Code 3.54.0" in text and "### Layout" in text         # REFERENCE headings one level down


def test_reading_model_facts_in_words() -> None:
    text = pages.page("opencode")
    assert "sent to the model provider as a request option" in text
    assert "the whole file, `---` lines included, as the prompt" in text


# -- the matrix is measured --------------------------------------------------------------------

def test_probe_groups_hold_every_probe_once() -> None:
    groups = probe_groups()
    assert len(groups) < len(PROBES)
    for _, fields in PROBES:
        assert any(all(g.get(k) == v for k, v in fields.items()) for g in groups)


def _fates(source: str, target: str, origin: str) -> dict[str, set[str]]:
    pair = Pair()
    for sample in fixture_samples(REPO / "fixtures", source):
        if sample.origin == origin:
            measure(sample, target, pair)
    return pair.fates


@pytest.mark.parametrize(("target", "row", "fate"), [
    ("opencode", "permission_mode", {"c"}),      # carried in the comment
    ("claude-json", "color", {"x"}),             # JSON has no comment: dropped
    ("codex", "tools", {"n", "c"}),              # Bash patterns narrowed, an MCP tool carried
    ("opencode", "model", {"="}),
    ("copilot", "mode", {"d"}),                  # Copilot's wider default, no loss
    ("deepagents", "tools", {"r"}),              # every agent gets every tool: refused
])
def test_fates_of_the_maximal_claude_fixture(target: str, row: str, fate: set[str]) -> None:
    assert _fates("claude", target, "fixtures/claude/maximal.md")[row] == fate


def test_a_name_the_target_tool_skips_is_its_own_fate() -> None:
    # opencode names the agent by its path (review/security): Gemini CLI does not load that name
    assert _fates("opencode", "gemini", "fixtures/opencode/agent/review/security.md")["name"] == {"s"}


@pytest.mark.parametrize("target", ["qwen", "cline", "roo"])
def test_probe_agents_are_agents_every_tool_runs(target: str) -> None:
    # a probe's plain fields must cost nothing anywhere (Qwen Code skips a prompt under 10 characters)
    pair = Pair()
    for sample in probe_samples("claude"):
        measure(sample, target, pair)
    assert {row: fates for row, fates in pair.fates.items() if row in ("name", "description", "prompt")} == \
        {"name": {"="}, "description": {"="}, "prompt": {"="}}


def test_a_field_that_changes_unreported_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    import agentconv.api as api
    sample = next(s for s in fixture_samples(REPO / "fixtures", "claude") if s.origin.endswith("maximal.md"))
    real = api.to_dialect

    def forgetful(doc, dialect=None, **kw):     # an engine that changes the model and says nothing
        agent = doc.agent.model_copy(update={"model": "openai/gpt-5"})
        text, losses = real(doc.model_copy(update={"agents": [agent]}), dialect, **kw)
        return text, [l for l in losses if l.field != "model"]
    monkeypatch.setattr(api, "to_dialect", forgetful)
    pair = Pair()
    measure(sample, "opencode", pair)
    assert pair.fates["model"] == {"!"}


def test_matrix_cells_and_the_unheld_mark() -> None:
    sample = next(s for s in fixture_samples(REPO / "fixtures", "claude") if s.origin.endswith("maximal.md"))
    pair = Pair()
    measure(sample, "opencode", pair)
    text = matrix.render({("claude", "opencode"): pair, ("opencode", "claude"): Pair()}, {"claude": 1, "opencode": 0},
                         ["claude", "opencode"])
    assert "| `permission_mode` | `c` |" in text and "| `temperature` |" not in text
    assert "| `name` | `=` |" in text and "## Into opencode" in text


# -- README --------------------------------------------------------------------------------------

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("heading", ["## Install", "## Quick start (fresh machine)", "## Library",
                                     "## Migrating a repository", "## CI and pre-commit", "## Configuration",
                                     "## Reference pages (generated)"])
def test_readme_has_the_section(heading: str) -> None:
    assert f"\n{heading}\n" in README


def test_readme_links_the_matrix_every_dialect_page_and_the_configuration() -> None:
    assert "](docs/capabilities.md)" in README and "](#configuration)" in README
    missing = [n for n in dialect_names() if f"](docs/dialects/{n}.md)" not in README]
    assert not missing, f"README links no page of {missing}"


@pytest.mark.parametrize("command", [
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && agentconv convert fixtures/claude "
    "--to opencode -o out",
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest",
])
def test_readme_keeps_the_commands_ci_runs(command: str) -> None:
    assert f"\n{command}\n" in README
