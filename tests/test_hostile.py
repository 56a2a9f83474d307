"""Hostile inputs: each ends in a clean conversion or a clear AgentconvError — never another
exception, a traceback on the command line, a hang, unbounded memory, or a write outside the
output root. SECURITY.md points here for each guarantee."""

from __future__ import annotations

import codecs
import errno
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from agentconv.api import dump, load, loads, to_dialect
from agentconv.cli import cli
from agentconv.errors import AgentconvError, DetectionError, OutputExistsError, ParseError
from agentconv.model import Agent
from agentconv.registry import dialect_names, get_dialect

DIALECTS = dialect_names()
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
MEMORY_LIMIT = 512 * 2**20
CLAUDE = "---\nname: {name}\ndescription: Reviews diffs.\n---\nYou review diffs.\n"


@contextmanager
def within(seconds: float):
    """Fail instead of hanging (SIGALRM: main thread, Unix)."""
    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(data: bytes | str, dialect: str | None = None, path: str | None = None):
    """'ok' once the text is read and written in every dialect, else the AgentconvError.
    Any other exception propagates and fails the test."""
    with within(30):
        try:
            doc = loads(data, dialect, path=path)
            for target in DIALECTS:
                to_dialect(doc, target)
        except AgentconvError as exc:
            assert exc.message and "Traceback" not in str(exc)
            return exc
    return "ok"


def run_cli(*args: str):
    result = CliRunner().invoke(cli, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    assert result.exit_code in (0, 1, 2), output
    return result


def limited_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(*args: str, timeout: float = 60, preexec=limited_memory) -> subprocess.CompletedProcess:
    """The CLI in a subprocess with bounded memory and time."""
    done = subprocess.run([sys.executable, "-m", "agentconv", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=preexec)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]
    return done


# ------------------------------------------------------------------------------ hostile texts

def alias_bomb(key: str) -> str:
    levels = ['  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"  {cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return f"---\nname: bomb\ndescription: d\n{key}:\n" + "\n".join(levels) + "\n---\nHi\n"


def nested(depth: int) -> str:
    return "---\nname: deep\ndescription: d\nx-deep: " + "[" * depth + "]" * depth + "\n---\nHi\n"


def block_nested(depth: int) -> str:
    lines = "".join("  " * (i + 1) + "k:\n" for i in range(depth))
    return "---\nname: deep\ndescription: d\nx-deep:\n" + lines + "  " * (depth + 1) + "v\n---\nHi\n"


OK, EITHER = "ok", None
HOSTILE = [
    # (id, data, dialect, path, expected: "ok" | None (either) | error class)
    ("alias-bomb-claude", alias_bomb("memory"), None, ".claude/agents/bomb.md", EITHER),
    ("alias-bomb-unknown-key", alias_bomb("x-bomb"), "claude", None, EITHER),
    ("alias-bomb-opencode", alias_bomb("options").replace("name: bomb\n", ""), "opencode", None, EITHER),
    ("anchor-and-alias", "---\nname: a\ndescription: &d text\nx-copy: *d\n---\nHi\n", "claude", None, EITHER),
    ("one-mb-line-prose", "x" * 2**20 + "\n", "prose", None, OK),
    ("one-mb-description", "---\nname: a\ndescription: " + "word " * 200_000 + "\n---\nHi\n", "claude", None, OK),
    ("one-mb-colons-needs-repair", "---\nname: a\ndescription: " + "a: b " * 200_000 + "\n---\nHi\n",
     "claude", None, EITHER),
    ("nested-10k-flow", nested(10_000), "claude", None, EITHER),
    ("nested-10k-flow-opencode", nested(10_000).replace("name: deep\n", "mode: subagent\n"), "opencode", None, EITHER),
    ("nested-100-block", block_nested(100), "claude", None, EITHER),
    ("nested-1k-carry-json", "---\nname: a\ndescription: d\n# agentconv-carry: " + '{"a":' * 1000 + "1"
     + "}" * 1000 + "\n---\nHi\n", "claude", None, OK),
    ("nested-300-prose-carry", "Hi\n<!-- agentconv-carry: " + '{"a":' * 300 + "1" + "}" * 300 + " -->\n",
     "prose", None, OK),
    ("invalid-utf8", b"---\nname: a\ndescription: caf\xe9\n---\nHi\n", None, None, ParseError),
    ("truncated-utf16", codecs.BOM_UTF16_LE + "---\nname: a\n".encode("utf-16-le")[:-1], None, None, ParseError),
    ("utf16-le-bom", codecs.BOM_UTF16_LE + CLAUDE.format(name="a").encode("utf-16-le"), None, None, OK),
    ("utf16-be-bom", codecs.BOM_UTF16_BE + CLAUDE.format(name="a").encode("utf-16-be"), None, None, OK),
    ("utf8-bom", codecs.BOM_UTF8 + CLAUDE.format(name="a").encode(), None, None, OK),
    ("nul-bytes", b"---\nname: a\x00\ndescription: d\n---\nHi\n", None, None, DetectionError),
    ("nul-bytes-as-claude", b"---\nname: a\x00b\ndescription: d\n---\nHi\x00\n", "claude", None, EITHER),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, None, None, AgentconvError),
    ("empty", b"", None, None, DetectionError),
    ("whitespace-only", b" \n\t\r\n  \n", None, None, DetectionError),
    ("empty-as-claude", b"", "claude", None, ParseError),
    ("never-closed", "---\nname: a\ndescription: d\nYou review diffs.\n", "claude", None, ParseError),
    ("only-opening", "---\n", None, None, AgentconvError),
    ("duplicate-keys", "---\nname: a\ndescription: d\nname: b\n---\nHi\n", "claude", None, ParseError),
    ("python-object-tag", "---\nname: a\ndescription: d\nx-run: !!python/object/apply:os.system "
     "['touch {marker}']\n---\nHi\n", "claude", None, EITHER),
    ("python-name-tag", "---\nname: a\ndescription: !!python/name:os.system\n---\nHi\n", "claude", None, EITHER),
    ("python-tag-opencode", "---\ndescription: !!python/object/apply:os.system ['touch {marker}']\n"
     "mode: subagent\n---\nHi\n", "opencode", None, EITHER),
    ("custom-tag", "---\nname: a\ndescription: d\nx-tag: !secret value\n---\nHi\n", "claude", None, EITHER),
    ("binary-tag", "---\nname: a\ndescription: d\nmemory: !!binary aGVsbG8=\n---\nHi\n", "claude", None, OK),
    ("timestamp-tag", "---\nname: a\ndescription: d\nmemory: !!timestamp 2001-12-14\n---\nHi\n", "claude", None, OK),
    ("set-tag", "---\nname: a\ndescription: d\nmemory: !!set {a, b}\n---\nHi\n", "claude", None, OK),
    ("number-key", "---\nname: a\ndescription: d\n1: x\n---\nHi\n", "claude", None, ParseError),
    ("null-and-bool-keys", "---\nname: a\ndescription: d\n~: x\ntrue: y\n---\nHi\n", "claude", None, ParseError),
    ("complex-key", "---\nname: a\ndescription: d\n? [a, b]\n: x\n---\nHi\n", "claude", None, EITHER),
    ("front-matter-is-a-list", "---\n- a\n- b\n---\nHi\n", "claude", None, EITHER),
    ("unclosed-examples", "---\nname: a\ndescription: \"" + "<example>" * 50_000 + "\"\n---\nHi\n", "claude", None, OK),
    ("unclosed-commentary", "---\nname: a\ndescription: \"<example>" + "<commentary>" * 50_000
     + "</example>\"\n---\nHi\n", "claude", None, OK),
    ("prose-carry-openers", "<!-- agentconv-carry: {" * 50_000 + "\n", "prose", None, OK),
    ("thousands-of-keys", "---\nname: a\ndescription: d\n" + "".join(f"k{i}: v\n" for i in range(5000))
     + "---\nHi\n", "claude", None, OK),
    ("lone-cr-and-line-separators", "---\r\nname: a\rb\ndescription: x\u2028y\u0085z\n---\nHi\r", "claude", None,
     EITHER),
]


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "executed"


def materialise(data: bytes | str, marker: Path) -> bytes:
    text = data.replace("{marker}", str(marker)) if isinstance(data, str) else data
    return text.encode("utf-8") if isinstance(text, str) else text


@pytest.mark.parametrize("data,dialect,path,expected", [pytest.param(*case[1:], id=case[0]) for case in HOSTILE])
def test_hostile_text_is_converted_or_refused_clearly(data, dialect, path, expected, marker: Path):
    result = outcome(materialise(data, marker), dialect, path)
    assert not marker.exists(), "a YAML tag ran code"
    if expected == OK:
        assert result == "ok", result
    elif expected is not None:
        assert isinstance(result, expected), result


@pytest.mark.parametrize("data,dialect,path,expected", [pytest.param(*case[1:], id=case[0]) for case in HOSTILE])
def test_hostile_file_through_the_cli_never_shows_a_traceback(data, dialect, path, expected, tmp_path: Path,
                                                               marker: Path):
    source = tmp_path / "in" / (path or "agent.md")
    source.parent.mkdir(parents=True)
    source.write_bytes(materialise(data, marker))
    with within(60):
        result = run_cli("convert", str(source), "--to", "opencode", *(["--from", dialect] if dialect else []))
    assert not marker.exists()
    if expected not in (OK, None):
        assert result.exit_code == 1


def test_an_alias_bomb_never_expands():
    for case in ("alias-bomb-claude", "alias-bomb-unknown-key"):
        data, dialect, path, _ = next(c[1:] for c in HOSTILE if c[0] == case)
        result = outcome(data, dialect, path)
        if result == "ok":          # read leniently, as the text it is
            doc = loads(data, dialect, path=path)
            assert len(repr(doc.agent)) < 10 * len(data)


def test_a_lenient_read_never_turns_a_tag_into_an_object():
    doc = loads("---\nname: a\ndescription: !!python/name:os.system\n---\nHi\n", "claude")
    assert isinstance(doc.agent.description, str) and "os.system" in doc.agent.description


def test_deep_nesting_in_strict_yaml_is_a_located_parse_error():
    from agentconv.formats import yamlsrc
    front_matter = block_nested(100).split("---\n")[1]
    with pytest.raises(ParseError, match="nests more than") as info:
        yamlsrc.load_yaml(front_matter, path="deep.md")
    assert info.value.path == "deep.md" and 3 < info.value.line < 104


def test_invalid_utf8_is_located():
    with pytest.raises(ParseError) as info:
        loads(b"---\nname: a\ndescription: caf\xe9\n---\n", path="x.md")
    assert (info.value.path, info.value.line, info.value.column) == ("x.md", 3, 17)


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
                                       (codecs.BOM_UTF8, "utf-8")], ids=["utf16le", "utf16be", "utf8"])
def test_a_file_with_a_bom_writes_back_byte_for_byte(bom: bytes, codec: str):
    data = bom + CLAUDE.format(name="a").encode(codec)
    doc = loads(data)
    assert to_dialect(doc)[0].encode(doc.encoding) == data


def test_a_carry_comment_cannot_widen_access():
    text = ('---\nname: a\ndescription: d\ntools: Read\n'
            '# agentconv-carry: {"tools":[{"tool":"*","pattern":null,"action":"allow"}]}\n---\nHi\n')
    agent = loads(text, "claude").agent
    assert agent.is_allow_list and {r.tool for r in agent.tools} == {"*", "read"}
    text = to_dialect(loads(text, "claude"), "opencode")[0]
    permission = get_dialect("opencode").read(text, None, apply_carry=False).agent.tools
    assert permission[0].tool == "*" and permission[0].action == "deny"


# ------------------------------------------------------------------------------ size limits

@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.md"
    with path.open("wb") as handle:
        handle.write(CLAUDE.format(name="big").encode())
        line = b"x" * 1023 + b"\n"
        handle.write(line * (50 * 1024))
    return path


def test_load_refuses_a_50_mb_file_without_reading_it(fifty_mb: Path, monkeypatch):
    monkeypatch.setattr("builtins.open", lambda *a, **k: pytest.fail("load() read the file"))
    with within(2), pytest.raises(ParseError, match="at most"):
        load(fifty_mb)


def test_loads_refuses_50_mb_of_text(fifty_mb: Path):
    with within(5), pytest.raises(ParseError, match="at most"):
        loads(fifty_mb.read_bytes())


def test_the_cli_refuses_a_50_mb_file_in_bounded_memory(fifty_mb: Path, tmp_path: Path):
    one = run_bounded("convert", str(fifty_mb), "--to", "opencode")
    assert one.returncode == 1 and "at most" in one.stderr
    tree = tmp_path / "tree"
    tree.mkdir()
    os.link(fifty_mb, tree / "big.md")
    (tree / "ok.md").write_text(CLAUDE.format(name="ok"))
    batch = run_bounded("convert", str(tree), "--to", "opencode", "-o", str(tmp_path / "out"), "-v")
    assert batch.returncode in (0, 1) and "larger than" in batch.stderr     # skipped, named, not read
    assert (tmp_path / "out" / ".opencode" / "agent" / "ok.md").is_file()


def test_an_alias_bomb_through_the_cli_stays_in_bounded_memory(tmp_path: Path):
    source = tmp_path / "bomb.md"
    source.write_text(alias_bomb("x-bomb"))
    done = run_bounded("convert", str(source), "--from", "claude", "--to", "opencode", timeout=30)
    assert done.returncode in (0, 1)


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_load_refuses_what_is_not_a_regular_file(special: str, tmp_path: Path):
    if special == "fifo":
        special = str(tmp_path / "pipe.md")
        os.mkfifo(special)
    with within(5), pytest.raises(AgentconvError, match="not a regular file"):
        load(special)


@pytest.mark.parametrize("special", ["fifo-in-tree", "fifo", "/dev/zero"])
def test_the_cli_refuses_what_is_not_a_regular_file(special: str, tmp_path: Path):
    args = ["convert", "/dev/zero", "--to", "opencode"]
    if special.startswith("fifo"):
        os.mkfifo(tmp_path / "pipe.md")
        args = ["convert", str(tmp_path if special == "fifo-in-tree" else tmp_path / "pipe.md"),
                "--to", "opencode", "-o", str(tmp_path / "out")]
    done = run_bounded(*args, timeout=3)
    assert done.returncode == 1 and "Traceback" not in done.stderr


# ------------------------------------------------------------------------------ names and paths

HOSTILE_NAMES = ["../../etc/x", "/abs", "/etc/passwd", "CON", "con.txt", "NUL", "a/b", "", "   ", "..", ".",
                 "a/../../b", "\\\\server\\share", "C:\\x", "x\x00y", "...", "~", "-rf", "日" * 200,
                 "a" * 1000, "a/" * 200, "\n", ".hidden", "name with spaces", "$HOME", "a:b*c?"]


def _inside(root: Path, relative: PurePosixPath) -> bool:
    target = os.path.normpath(os.path.join(root, *relative.parts))
    return os.path.commonpath([os.path.normpath(root), target]) == os.path.normpath(root)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_an_output_path_stays_relative_short_and_inside_the_root(dialect: str, name: str, tmp_path: Path):
    relative = PurePosixPath(get_dialect(dialect).output_path(Agent(name=name)).as_posix())
    assert not relative.is_absolute() and ".." not in relative.parts
    assert all(part.strip() and "\x00" not in part and len(part.encode()) <= 255 for part in relative.parts)
    # Windows takes what comes before the first dot: 'con.txt.md' and 'CON.txt_.md' are the device CON
    assert not [p for p in relative.parts if p.split(".")[0].rstrip(" ").lower() in ("con", "nul")]
    assert _inside(tmp_path, relative)


@pytest.mark.parametrize("name", ["../../etc/x", "/abs", "a/b", "CON", "   ", "", "日" * 200], ids=repr)
def test_cli_dash_o_dir_writes_a_hostile_name_inside_the_folder(name: str, tmp_path: Path):
    source = tmp_path / "src.md"
    source.write_text(CLAUDE.format(name=repr(name).replace("'", '"')) if name else
                      "---\nname: ''\ndescription: d\n---\nHi\n")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("convert", str(source), "--to", "opencode", "-o", str(out))
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != source]
    assert all(out in p.parents for p in written), written
    assert result.exit_code == 1 or written


def test_a_batch_with_hostile_names_writes_nothing_outside_the_output_root(tmp_path: Path):
    from agentconv.batch import convert_tree
    tree = tmp_path / "tree"
    tree.mkdir()
    for i, name in enumerate(HOSTILE_NAMES):
        quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\x00", "\\0") + '"'
        (tree / f"agent-{i}.md").write_text(f"---\nname: {quoted}\ndescription: d\n---\nHi\n")
    out = tmp_path / "out"
    with within(60):
        result = convert_tree([tree], out, to="opencode")
    assert result.files
    written = {p for p in tmp_path.rglob("*") if p.is_file()} - set(tree.iterdir())
    assert written and all(out in p.parents for p in written)


# ------------------------------------------------------------------------------ the file system

def test_an_unreadable_file_is_a_clear_error(tmp_path: Path):
    if AS_ROOT:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    source = tmp_path / "secret.md"
    source.write_text(CLAUDE.format(name="a"))
    source.chmod(0)
    with pytest.raises(AgentconvError, match="cannot read"):
        load(source)
    assert run_cli("convert", str(source), "--to", "opencode").exit_code == 1


def test_a_read_only_output_folder_is_a_clear_error(tmp_path: Path):
    if AS_ROOT:
        pytest.skip("running as root: a read-only folder does not stop root from writing")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    doc = loads(CLAUDE.format(name="a"))
    with pytest.raises(AgentconvError, match="cannot write"):
        dump(doc, out / "a.md")
    assert list(out.iterdir()) == []


def test_an_output_folder_that_is_a_file_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AgentconvError, match="cannot write"):
        dump(loads(CLAUDE.format(name="a")), blocker / "sub" / "a.md")
    source = tmp_path / "a.md"
    source.write_text(CLAUDE.format(name="a"))
    assert run_cli("convert", str(source), "--to", "opencode", "-o", str(blocker / "a.md")).exit_code == 1


def test_a_full_disk_leaves_neither_the_output_nor_a_temp_file(tmp_path: Path, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    agent = loads(CLAUDE.format(name="a"))
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(AgentconvError, match="No space left"):
        dump(agent, tmp_path / "out" / "a.md")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_file_size_limit_mid_write_is_a_clear_error_and_leaves_nothing(tmp_path: Path):
    def small_files():
        limited_memory()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    source = tmp_path / "a.md"
    source.write_text(CLAUDE.format(name="a").replace("You review diffs.", "You review diffs. " * 50))
    out = tmp_path / "out"
    out.mkdir()
    done = run_bounded("convert", str(source), "--to", "opencode", "-o", str(out), preexec=small_files)
    assert done.returncode == 1 and "cannot write" in done.stderr
    assert [p for p in out.rglob("*") if p.is_file()] == []


def test_an_existing_output_is_never_replaced_without_force(tmp_path: Path):
    target = tmp_path / "a.md"
    target.write_text("precious")
    with pytest.raises(OutputExistsError):
        dump(loads(CLAUDE.format(name="a")), target, "opencode")
    source = tmp_path / "src.md"
    source.write_text(CLAUDE.format(name="a"))
    assert run_cli("convert", str(source), "--to", "opencode", "-o", str(target)).exit_code == 1
    assert target.read_text() == "precious"


def test_an_output_symlink_pointing_outside_is_never_written_through(tmp_path: Path):
    outside = tmp_path / "outside.md"
    outside.write_text("precious")
    out = tmp_path / "out"
    (out / ".opencode" / "agent").mkdir(parents=True)
    link = out / ".opencode" / "agent" / "a.md"
    link.symlink_to(outside)
    source = tmp_path / "tree" / "a.md"
    source.parent.mkdir()
    source.write_text(CLAUDE.format(name="a"))
    run_cli("convert", str(source), "--to", "opencode", "-o", str(out))
    run_cli("convert", str(source), "--to", "opencode", "-o", str(out), "--force")
    run_cli("convert", str(source.parent), "--to", "opencode", "-o", str(out), "--force")
    dump(loads(source.read_bytes(), path=str(source)), link, "opencode", overwrite=True)
    assert outside.read_text() == "precious"


def test_an_output_folder_symlinked_outside_is_refused(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".opencode").symlink_to(elsewhere, target_is_directory=True)
    source = tmp_path / "tree" / "a.md"
    source.parent.mkdir()
    source.write_text(CLAUDE.format(name="a"))
    assert run_cli("convert", str(source), "--to", "opencode", "-o", str(out)).exit_code == 1
    assert run_cli("convert", str(source.parent), "--to", "opencode", "-o", str(out)).exit_code == 1
    assert list(elsewhere.rglob("*")) == []


# ------------------------------------------------------------------------------ trees

def test_a_symlink_out_of_the_tree_is_not_followed(tmp_path: Path):
    from agentconv.batch import convert_tree
    secret = tmp_path / "secret.md"
    secret.write_text(CLAUDE.format(name="secret"))
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "leak.md").symlink_to(secret)
    (tree / "ok.md").write_text(CLAUDE.format(name="ok"))
    result = convert_tree([tree], tmp_path / "out", to="opencode")
    leak = next(f for f in result.files if f.source.endswith("leak.md"))
    assert leak.status == "skipped" and not list((tmp_path / "out").rglob("secret*"))


def test_symlink_loops_in_a_tree_end(tmp_path: Path):
    from agentconv.batch import convert_tree
    tree = tmp_path / "tree"
    (tree / "a").mkdir(parents=True)
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "a" / "up").symlink_to(tree / "a", target_is_directory=True)
    (tree / "self.md").symlink_to(tree / "self.md")
    (tree / "a" / "ok.md").write_text(CLAUDE.format(name="ok"))
    with within(20):
        result = convert_tree([tree], tmp_path / "out", to="opencode")
    assert [f.status for f in result.files if f.source.endswith("ok.md")] == ["converted"]
    assert run_cli("convert", str(tree), "--to", "claude", "-o", str(tmp_path / "out2")).exit_code in (0, 1)


def _supports_unnamed_files(folder: Path) -> bool:
    try:
        os.close(os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600))
        return True
    except (AttributeError, OSError):
        return False


KILLED_BATCH = textwrap.dedent("""
    import os, signal, sys
    from agentconv import batch

    links = 0
    real_link = os.link

    def link_then_die(*args, **kwargs):      # die with the third file written but not named
        global links
        links += 1
        if links == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_link(*args, **kwargs)

    os.link = link_then_die
    batch.convert_tree([sys.argv[1]], sys.argv[2], to="opencode")
""")


def test_a_batch_killed_mid_write_leaves_no_half_written_or_temp_file(tmp_path: Path):
    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(6):
        (tree / f"agent-{i}.md").write_text(CLAUDE.format(name=f"agent-{i}") + "More.\n" * 500)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", KILLED_BATCH, str(tree), str(out)], timeout=60)
    assert done.returncode == -signal.SIGKILL
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len([p for p in written if not p.name.startswith(".")]) == 2
    for path in written:
        if not path.name.startswith("."):
            source = tree / path.name
            expected, _ = to_dialect(load(source), "opencode", path=str(path))
            assert path.read_text() == expected, f"{path} is not the whole file"
    if _supports_unnamed_files(out):
        assert [p.name for p in written if p.name.startswith(".")] == [], "a temp file was left behind"


def test_every_test_security_md_names_exists():
    """SECURITY.md says which test (and which hostile case) holds each guarantee: renaming one
    must not leave the document pointing at nothing."""
    import re
    root = Path(__file__).resolve().parents[1]
    text = (root / "SECURITY.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/\w+\.py)::(\w+)", text)
    assert len(named) >= 20
    for module, test in named:
        assert f"def {test}(" in (root / module).read_text(encoding="utf-8"), f"{module}::{test} does not exist"
    case_ids = [case[0] for case in HOSTILE]
    cases = [c for c in re.findall(r"`([a-z0-9][a-z0-9-]*-[a-z0-9-]*\*?)`", text)]
    assert len(cases) >= 15
    for case in cases:
        assert (any(c.startswith(case[:-1]) for c in case_ids) if case.endswith("*") else case in case_ids), case


# ------------------------------------------------------------------------------ issue 10: rewriting in place

# --in-place rewrites it
UNQUOTED = (Path(__file__).resolve().parents[1] / "fixtures/claude/unquoted-colon.md").read_bytes()


def _in_place_file(tmp_path: Path) -> Path:
    path = tmp_path / ".claude/agents/sql.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(UNQUOTED)
    return path


def test_in_place_keeps_the_file_mode_and_owner(tmp_path: Path):
    from agentconv.batch import convert_tree
    path = _in_place_file(tmp_path)
    path.chmod(0o600)
    owner = (1234, 2345) if AS_ROOT else (os.getuid(), os.getgid())
    if AS_ROOT:
        os.chown(path, *owner)
    [result] = convert_tree([tmp_path], None, to="claude", in_place=True).files
    assert result.status == "converted" and path.read_bytes() != UNQUOTED
    info = path.stat()
    assert (info.st_mode & 0o777, info.st_uid, info.st_gid) == (0o600, *owner)


def test_in_place_leaves_a_read_only_file_as_it_is(tmp_path: Path):
    from agentconv.batch import convert_tree
    path = _in_place_file(tmp_path)
    path.chmod(0o444)
    [result] = convert_tree([tmp_path], None, to="claude", in_place=True).files
    assert result.status == "failed" and "read-only" in result.error.message
    assert path.read_bytes() == UNQUOTED and path.stat().st_mode & 0o777 == 0o444


def test_in_place_never_overwrites_an_edit_saved_during_the_run(tmp_path: Path, monkeypatch):
    from agentconv import batch
    path = _in_place_file(tmp_path)
    real_prepare = batch._prepare

    def prepare_then_the_user_saves(source, job):
        prepared = real_prepare(source, job)
        path.write_bytes(UNQUOTED.replace(b"a query", b"an edited query"))
        return prepared

    monkeypatch.setattr(batch, "_prepare", prepare_then_the_user_saves)
    [result] = batch.convert_tree([tmp_path], None, to="claude", in_place=True).files
    assert result.status == "failed" and "changed since it was read" in result.error.message
    assert b"an edited query" in path.read_bytes()


def test_a_rewrite_refuses_a_file_that_changed_at_the_last_moment(tmp_path: Path):
    from agentconv.fsio import ChangedSinceReadError, write_atomic
    path = tmp_path / "a.md"
    path.write_bytes(b"edited\n")
    with pytest.raises(ChangedSinceReadError):
        write_atomic(str(path), b"new\n", overwrite=True, expect=b"as read\n")
    assert path.read_bytes() == b"edited\n" and [p.name for p in tmp_path.iterdir()] == ["a.md"]


# ------------------------------------------------------------------------------ issue 10: processes and races

ORPHANS = textwrap.dedent("""
    import os, sys, time
    from agentconv import batch

    batch.PARALLEL_AT, batch.CHUNK = 8, 1

    def stall(chunk):                   # a worker that is busy when the main process dies
        print("worker", os.getpid(), flush=True)
        time.sleep(120)

    batch._prepare_chunk = stall
    batch.convert_tree([sys.argv[1]], sys.argv[2], to="opencode", jobs=2)
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_die_with_the_main_process_and_release_its_stdout(tmp_path: Path, sig: int):
    import threading
    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(12):
        (tree / f"agent-{i}.md").write_text(CLAUDE.format(name=f"agent-{i}"))
    main = subprocess.Popen([sys.executable, "-c", ORPHANS, str(tree), str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert main.stdout.readline().startswith(b"worker")
    main.send_signal(sig)
    main.wait(timeout=10)
    rest: list[bytes] = []
    reader = threading.Thread(target=lambda: rest.append(main.stdout.read()), daemon=True)
    reader.start()
    reader.join(timeout=10)            # EOF only once every worker has let go of the pipe
    assert not reader.is_alive(), "a worker outlived the main process and holds its stdout"


def test_a_symlink_planted_in_out_between_the_check_and_the_write_is_not_followed(tmp_path: Path, monkeypatch):
    from agentconv import outputs
    from agentconv.batch import convert_tree
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.md").write_text(CLAUDE.format(name="a"))
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    real_existing = outputs._existing

    def plant_then_look(target):       # the paths were checked; now, before the write, a link appears
        if not (out / ".opencode").exists():
            (out / ".opencode").symlink_to(elsewhere, target_is_directory=True)
        return real_existing(target)

    monkeypatch.setattr(outputs, "_existing", plant_then_look)
    [result] = convert_tree([tree], out, to="opencode").files
    assert result.status == "failed" and "symlink" in result.error.message
    assert list(elsewhere.rglob("*")) == []


# ------------------------------------------------------------------------------ issue 10: linear cost

def test_the_indexed_rule_evaluator_gives_what_the_rules_say():
    """Evaluator (indexed) and effective_action (the rules read one by one) agree on every
    probe, over rule lists of every shape: exact, prefix and other patterns, wildcard tools."""
    import random

    from agentconv.access import Evaluator, effective_action, probes
    from agentconv.model import ToolRule
    rng = random.Random(10)
    tools = ["bash", "read", "edit", "mcp:gh/issue", "mcp:gh/pr", "*", "mcp:gh/*", "b*"]
    patterns = [None, "*", "git", "git diff", "git*", "git diff*", "g?t*", "*diff*", "[gh]it", "git * --x", ""]
    for _ in range(400):
        rules = [ToolRule(tool=rng.choice(tools), pattern=rng.choice(patterns),
                          action=rng.choice(["allow", "ask", "deny"]))
                 for _ in range(rng.randint(0, 12))]
        index = Evaluator(rules)
        for tool, arg in probes(rules, extra_tools=["bash", "zz"]) + [("bash", "git diff --x"), ("bash", "")]:
            assert index.action(tool, arg) == effective_action(rules, tool, arg), (rules, tool, arg)


# ------------------------------------------------------------------------------ issue 10: names on the terminal

def _cli_bytes(*args: str, preexec=None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "agentconv", *args], capture_output=True, timeout=60,
                          preexec_fn=preexec)
    assert b"Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]
    return done


def _bytes_named_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for folder in (".claude/agents", ".opencode/agent"):
        (tree / folder).mkdir(parents=True)
    with open(os.path.join(os.fsencode(tree / ".claude/agents"), b"r\xff.md"), "wb") as handle:
        handle.write(CLAUDE.format(name="r").encode())
    with open(os.path.join(os.fsencode(tree / ".opencode/agent"), b"caf\xe9.md"), "wb") as handle:
        handle.write(b"---\ndescription: d\nmode: subagent\n---\nHi.\n")
    return tree


def test_a_file_name_that_is_not_utf8_is_escaped_on_the_terminal_and_valid_utf8_in_json(tmp_path: Path):
    tree = _bytes_named_tree(tmp_path)
    shown = _cli_bytes("convert", str(tree), "--to", "claude", "-o", str(tmp_path / "out"), "-v")
    assert shown.returncode == 0, shown.stderr
    stderr = shown.stderr.decode("utf-8")            # strict: nothing undecodable reaches the terminal
    assert "r\\xff.md" in stderr and "internal error" not in stderr and "not valid UTF-8" in stderr
    report = _cli_bytes("convert", str(tree), "--to", "claude", "-o", str(tmp_path / "out2"), "--report", "json")
    document = json.loads(report.stdout.decode("utf-8"))
    sources = sorted(os.fsencode(f["source"]) for f in document["files"])
    assert [s.rsplit(b"/", 1)[-1] for s in sources] == [b"r\xff.md", b"caf\xe9.md"]   # the names, exactly
    assert document["totals"]["converted"] == 2


def test_a_newline_in_a_file_name_cannot_forge_a_summary_line(tmp_path: Path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "x\nagentconv: 99 file(s): 99 converted.md").write_text("---\nname: x\nname: y\n---\n")
    done = _cli_bytes("convert", str(tree), "--to", "opencode", "-o", str(tmp_path / "out"), "-v")
    lines = done.stderr.decode().splitlines()
    assert not any(line.startswith("agentconv: 99 file(s)") for line in lines), lines
    assert any("x\\nagentconv: 99" in line for line in lines)


def test_bidi_and_zero_width_characters_in_names_are_warned_about(tmp_path: Path):
    from agentconv.batch import convert_tree
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a\u202egnp.md").write_text(CLAUDE.format(name="ok"))
    (tree / "b.md").write_text(CLAUDE.format(name="re\u200bviewer"))
    files = {Path(f.source).name: f for f in convert_tree([tree], tmp_path / "out", to="opencode").files}
    assert "U+202E" in files["a\u202egnp.md"].warnings[0].message
    assert any("U+200B" in w.message for w in files["b.md"].warnings)


def test_nfc_and_nfd_spellings_of_one_name_clash_like_case_variants(tmp_path: Path):
    from agentconv.batch import convert_tree
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.md").write_text(CLAUDE.format(name="caf\u00e9"))
    (tree / "b.md").write_text(CLAUDE.format(name="cafe\u0301"))
    result = convert_tree([tree], tmp_path / "out", to="opencode")
    assert [f.status for f in result.files] == ["converted", "conflict"]


@pytest.mark.parametrize("name, safe", [("COM¹", "COM¹_"), ("com²", "com²_"), ("LPT³", "LPT³_"), ("CONIN$", "CONIN$_"),
                                        ("conout$", "conout$_"), ("CONOUT$.txt", "CONOUT$_.txt"), ("clock$", "clock$_"),
                                        ("con .x", "con_ .x"), ("console", "console"), ("com10", "com10")])
def test_every_windows_device_name_is_made_safe(name: str, safe: str):
    """The '_' goes after the device: Windows reads 'CONOUT$.txt_' as the device all the same."""
    from agentconv.paths import safe_segment
    assert safe_segment(name) == safe


def test_convert_dash_with_a_closed_stdin_is_a_clear_error():
    done = _cli_bytes("convert", "-", "--to", "opencode", preexec=lambda: os.close(0))
    assert done.returncode == 1 and b"standard input" in done.stderr


@pytest.mark.parametrize("overwrite", [False, True])
def test_writing_without_the_at_calls_is_still_atomic_and_keeps_modes(tmp_path: Path, monkeypatch, overwrite):
    """Where a system has no openat/linkat (Windows), files are written by path, as before."""
    from agentconv import fsio
    monkeypatch.setattr(fsio, "_AT_CALLS", False)
    path = tmp_path / "sub" / "a.md"
    if overwrite:
        path.parent.mkdir()
        path.write_bytes(b"old\n")
        path.chmod(0o600)
    keep = fsio.Keep.of(str(path)) if overwrite else None
    fsio.write_atomic(str(path), b"new\n", overwrite=overwrite, keep=keep, expect=b"old\n" if overwrite else None)
    assert path.read_bytes() == b"new\n" and [p.name for p in path.parent.iterdir()] == ["a.md"]
    assert path.stat().st_mode & 0o777 == (0o600 if overwrite else 0o666 & ~_umask())
    with pytest.raises(OutputExistsError if not overwrite else fsio.ChangedSinceReadError):
        fsio.write_atomic(str(path), b"again\n", overwrite=overwrite, expect=b"stale\n" if overwrite else None)
    assert path.read_bytes() == b"new\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
