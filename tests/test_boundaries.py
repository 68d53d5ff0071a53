"""The arrows of the house hold: the core imports no face, and the faces never import each other.

Three proofs, each against the real tree:

- every module of the core and of each face imports with what it must not need made
  unimportable (and never even tries to import it);
- the commands that need no face RUN with the faces and the SDK unimportable:
  ``vstape --help``, ``vstape validate`` and ``vstape lint`` on a shipped cassette;
- ruff's bans fire on forbidden imports planted in a copy of the tree, and the untouched
  copy is clean (so the bans in pyproject.toml and the ruff.toml files are live).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.without import BLOCKER, run_without
from tests.procs import ROOT

FACES_AND_SDK = ("mitmproxy", "vstape_mitmproxy", "vstape_pytest", "openai")
TEST_TOOLS = ("pytest", "_pytest", "vcr", "pytest_recording")

# package -> (modules not imported, what must stay unimportable for all the others)
IMPORTS = {
    "vstape": (("vstape.cli",), (*FACES_AND_SDK, "vstape.cli", *TEST_TOOLS)),
    "vstape.cli": (("vstape.cli.sdk.script",), (*FACES_AND_SDK, *TEST_TOOLS)),
    "vstape.cli.sdk": ((), ("mitmproxy", "vstape_mitmproxy", "vstape_pytest", *TEST_TOOLS)),
    "vstape_pytest": ((), ("mitmproxy", "vstape_mitmproxy", "vstape.cli", "openai")),
    "vstape_mitmproxy": ((), ("vstape_pytest", "vstape.cli", "openai", *TEST_TOOLS)),
}

IMPORT_ALL = """
import importlib, sys
from pathlib import Path

name, skip = sys.argv[1], tuple(sys.argv[2].split(",")) if sys.argv[2] else ()
package = importlib.import_module(name)
root = Path(package.__file__).parent
imported = 0
for file in sorted(root.rglob("*.py")):
    parts = file.relative_to(root).with_suffix("").parts
    module = ".".join((name, *parts[: -1 if parts[-1] == "__init__" else None]))
    if not any(module == s or module.startswith(s + ".") for s in skip):
        importlib.import_module(module)
        imported += 1
print(imported)
"""


@pytest.mark.parametrize("package", sorted(IMPORTS))
def test_every_module_imports_without_what_it_must_not_use(tmp_path: Path, package: str) -> None:
    """Each module of the package imports with the forbidden packages blocked; none is tried."""
    skip, blocked = IMPORTS[package]
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    log = tmp_path / "blocked.log"
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, package, ",".join(skip)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{tmp_path}:{ROOT}",
            "VSTAPE_TEST_BLOCK": ",".join(blocked),
            "VSTAPE_TEST_BLOCK_LOG": str(log),
        },
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1
    assert not log.exists() or log.read_text() == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", str(ROOT / "cassettes" / "get_vector_store" / "ok.yaml")],
        ["lint", str(ROOT / "cassettes" / "get_vector_store" / "ok.yaml")],
    ],
    ids=lambda a: a[0],
)
def test_commands_without_a_face_run_with_the_faces_and_the_sdk_blocked(
    tmp_path: Path, args: list[str]
) -> None:
    """Exit 0 with mitmproxy, both faces and openai unimportable, and no attempt to import them."""
    done = run_without(FACES_AND_SDK, tmp_path, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.tried == []
    if args[0] == "--help":
        assert "validate" in done.stdout and "record" in done.stdout
    else:
        assert f"vstape {args[0]}: 1 cassettes, 0 " in done.stdout


# -- ruff's bans ------------------------------------------------------------------------------

# file planted in the copy -> (its source, the rule that must fire, a word of its message)
PLANTED = {
    "vstape/planted_face.py": ("import vstape_mitmproxy\n", "TID251", "vstape_mitmproxy"),
    "vstape/api/planted_sdk.py": ("from openai import OpenAI\n", "TID251", "openai"),
    "vstape/planted_plugin.py": ("import vstape_pytest.plugin\n", "TID251", "vstape_pytest"),
    "vstape/planted_cli.py": ("from vstape.cli import main\n", "TID251", "vstape.cli"),
    "proxy_addons/vstape_mitmproxy/planted.py": (
        "from vstape_pytest import plugin\n",
        "TID251",
        "vstape_pytest",
    ),
    "pytest_plugin/vstape_pytest/planted.py": (
        "import vstape_mitmproxy.serve\n",
        "TID251",
        "vstape_mitmproxy",
    ),
    "vstape/cli/planted.py": ("import openai\n", "TID253", "openai"),
}
ALLOWED = {  # what the same faces may do: import lazily, or use the core
    "vstape/cli/planted_lazily.py": "def f() -> None:\n    import openai  # noqa: F401\n",
    "pytest_plugin/vstape_pytest/planted_core.py": "from vstape.http import header  # noqa: F401\n",
}


def _ruff(tree: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--select",
            "TID",
            "--output-format",
            "json",
            ".",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tree,
    )
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyproject.toml, the ruff.toml files and the sources of the core and the faces."""
    tree = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", tree)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("vstape", "proxy_addons", "pytest_plugin"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=ignore)
    assert {p.relative_to(tree).as_posix() for p in tree.rglob("ruff.toml")} >= {
        "vstape/cli/ruff.toml",
        "proxy_addons/ruff.toml",
        "pytest_plugin/ruff.toml",
    }
    return tree


def test_the_untouched_copy_is_clean(tree_copy: Path) -> None:
    """No ban fires on the tree as it is."""
    assert _ruff(tree_copy) == []


def test_each_ban_fires_on_a_planted_import(tree_copy: Path) -> None:
    """The core importing a face or the SDK, a face importing the other, the CLI importing openai
    at module level: each is reported, by the rule that bans it; lazy imports and the core are not."""
    for name, (source, _, _) in PLANTED.items():
        (tree_copy / name).write_text(source)
    for name, source in ALLOWED.items():
        (tree_copy / name).write_text(source)
    try:
        found = _ruff(tree_copy)
    finally:
        for name in (*PLANTED, *ALLOWED):
            (tree_copy / name).unlink()
    fired = {
        Path(str(f["filename"])).relative_to(tree_copy).as_posix(): (f["code"], f["message"])
        for f in found
    }
    assert set(fired) == set(PLANTED), fired
    for name, (_, rule, word) in PLANTED.items():
        code, message = fired[name]
        assert code == rule and word in str(message), (name, code, message)
