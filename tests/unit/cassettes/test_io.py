"""The cassette model: round trips, vcrpy compatibility, safe loading, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from vstape.cassettes.io import dump, load
from vstape.cassettes.model import (
    Cassette,
    CassetteError,
    Interaction,
    InteractionMeta,
    Request,
    Response,
    ResponseBody,
    Status,
)


def _sample() -> Cassette:
    body = json.dumps({"id": "vs_1", "object": "vector_store"}, indent=2)
    return Cassette(
        [
            Interaction(
                Request(
                    "GET",
                    "https://api.openai.com/v1/vector_stores/vs_1",
                    None,
                    {"accept": ["application/json"]},
                ),
                Response(
                    Status(200, "OK"), {"content-type": ["application/json"]}, ResponseBody(body)
                ),
                InteractionMeta(route="get_vector_store", verdict="ok"),
            ),
            Interaction(
                Request("GET", "https://api.openai.com/v1/bin", None, {}),
                Response(Status(200, "OK"), {}, ResponseBody(b"\xff\x00binary")),
            ),
        ]
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_keeps_every_field(tmp_path: Path, suffix: str) -> None:
    """A dumped cassette loads back equal, binary bodies included, in both formats."""
    path = tmp_path / f"c{suffix}"
    dump(_sample(), path)
    loaded = load(path)
    assert loaded.interactions[0] == _sample().interactions[0]
    assert loaded.interactions[1].response.body.bytes == b"\xff\x00binary"


def test_yaml_is_readable_and_stock_vcrpy_loads_it(tmp_path: Path) -> None:
    """JSON bodies are literal blocks, and vcrpy's own persister reads the file."""
    path = tmp_path / "c.yaml"
    dump(_sample(), path)
    text = path.read_text()
    assert "string: |-\n" in text
    requests, responses = FilesystemPersister.load_cassette(str(path), yamlserializer)
    assert requests[0].uri == "https://api.openai.com/v1/vector_stores/vs_1"
    assert responses[0]["status"]["code"] == 200


def test_python_tags_are_refused_without_running(tmp_path: Path) -> None:
    """A python object tag is refused with file:line, and its payload never runs."""
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"interactions:\n- !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(CassetteError, match=r"evil\.yaml:2: .*python object tags are never loaded"):
        load(path)
    assert not marker.exists()


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    """A document with a flood of YAML aliases is refused before it is expanded."""
    lines = ['a: &a ["x", "x"]']
    prev = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
        prev = name
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CassetteError, match="alias bomb"):
        load(path)


def test_wrong_shape_names_the_json_path(tmp_path: Path) -> None:
    """A missing field is reported with its path inside the cassette."""
    path = tmp_path / "c.yaml"
    path.write_text("interactions:\n- request: {method: GET}\n")
    with pytest.raises(
        CassetteError, match=r"missing required field `uri` - at `\$\.interactions\[0\]\.request`"
    ):
        load(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    """Loading a cassette that does not exist says so."""
    with pytest.raises(CassetteError, match="no such cassette"):
        load(tmp_path / "nope.yaml")


def test_atomic_dump_leaves_no_temp_files(tmp_path: Path) -> None:
    """Dumping twice leaves exactly the cassette in the folder."""
    dump(_sample(), tmp_path / "c.yaml")
    dump(_sample(), tmp_path / "c.yaml")
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]


def test_atomic_writes_keep_a_readable_mode(tmp_path: Path) -> None:
    """A new cassette is 0644 (not mkstemp's 0600); a rewritten one keeps its mode."""
    import stat

    from vstape.cassettes.io import write_atomic

    target = tmp_path / "c.yaml"
    write_atomic(target, b"interactions: []\nversion: 1\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o640)
    write_atomic(target, b"interactions: []\nversion: 1\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
