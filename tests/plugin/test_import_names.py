"""A user project with its own ``pytest_plugin/`` and ``proxy_addons/`` packages: vstape still loads.

vstape's faces live in folders of those names in this repository, but install as
``vstape_pytest`` and ``vstape_mitmproxy``: no user package can shadow them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

USER_TEST = """
    import proxy_addons
    import pytest_plugin


    def test_the_project_keeps_its_own_packages():
        assert pytest_plugin.OWNER == proxy_addons.OWNER == "the user's project"


    def test_vstape_fixtures_are_there(get_vector_store_response, vector_store_emulator):
        assert get_vector_store_response.id.startswith("vs_")
        assert vector_store_emulator.url.startswith("http://127.0.0.1:")


    def test_the_addons_import_beside_the_projects_proxy_addons():
        from vstape_mitmproxy import chains

        assert callable(chains.record)
"""


def test_pytest_starts_in_a_project_with_its_own_pytest_plugin_package(tmp_path: Path) -> None:
    """`pytest` in that project (its folder first on sys.path) loads vstape and its fixtures."""
    for name in ("pytest_plugin", "proxy_addons"):
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text('OWNER = "the user\'s project"\n')
        (package / "plugin.py").write_text("raise ImportError('the user\\'s own module')\n")
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TEST))
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    assert "Error while loading plugin" not in done.stdout + done.stderr


def test_the_entry_point_names_vstapes_own_module() -> None:
    """pytest11 loads ``vstape_pytest.plugin``: no top-level name a user project may also have."""
    from importlib.metadata import entry_points

    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["vstape"] == "vstape_pytest.plugin"
