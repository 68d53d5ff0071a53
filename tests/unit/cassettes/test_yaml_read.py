"""vstape.cassettes.yaml_read reads exactly what PyYAML's safe loader reads, or declines.

Three sources of items: every shipped interaction; generated interactions with odd
scalars anywhere (written by PyYAML's safe dumper, as vstape writes them); and those texts mutated
at random with the characters YAML gives meaning to. Whenever the fast reader answers,
PyYAML must load the very same value from the same text; when PyYAML refuses a text,
the fast reader must decline it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vstape.cassettes.io import _Dumper, load
from vstape.cassettes.io import dump_item as cassette_item
from vstape.cassettes.shipped import shipped_dir
from vstape.cassettes.yaml_read import load_item

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "yes",
        "No",
        "null",
        "~",
        "1",
        "-1",
        "0.5",
        "1e3",
        "2026-12-01",
        "2026-12-01T10:00:00+00:00",
        "a: b",
        "a #b",
        "#x",
        "-x",
        "- x",
        "-",
        "?",
        ":x",
        "x:",
        "...",
        "---",
        "'q'",
        '"d"',
        "%p",
        "@a",
        "a'b",
        "tab\there",
        "é",
        "日本",
        "line\nline",
        "end\n",
        "two\n\n",
        " lead",
        "trail ",
        "a \nb",
        '{\n  "k": 1\n}',
        "\n",
        "=",
        "<<",
        "!x",
        "&a",
        "*a",
        ",",
        "[x]",
        "a\r\nb",
        "\x85",
        "\ufeff",
    ]
)
PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
ANYTHING = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
TEXT = PRINTABLE | SPECIAL | ANYTHING | st.lists(PRINTABLE | SPECIAL, max_size=4).map("\n".join)
SCALAR = (
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | TEXT
)
HEADERS = st.dictionaries(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789", min_size=1, max_size=12),
    st.lists(PRINTABLE, max_size=3),
    max_size=4,
)


def _pyyaml(item: dict[str, Any]) -> bytes:
    return yaml.dump(
        [item], Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    ).encode()


def _agrees(text: str) -> bool:
    """The fast reader's answer (if any) is PyYAML's; returns whether it answered."""
    fast = load_item(text)
    if fast is None:
        return False
    assert yaml.load(text, Loader=LOADER) == fast, text
    return True


def test_every_shipped_interaction_reads_as_pyyaml_reads_it() -> None:
    """All shipped items: the same value where the fast reader answers; it answers for most."""
    items = [
        cassette_item(i).decode()
        for path in sorted(Path(shipped_dir()).glob("*/*.yaml"))
        for i in load(path).interactions
    ]
    answered = [_agrees(text) for text in items]
    assert len(items) > 300
    assert sum(answered) > 0.85 * len(items)


def _item(
    headers: dict[str, list[str]], body: Any, text: Any, meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "request": {"body": body, "headers": headers, "method": "POST", "uri": "https://x/v1/x"},
        "response": {
            "body": {"string": text},
            "headers": {"x-odd": [text] if isinstance(text, str) else []},
            "status": {"code": 200, "message": "OK"},
        },
        "vstape": meta,
    }


ANSWERED: list[bool] = []


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    headers=HEADERS,
    body=TEXT | SCALAR,
    text=TEXT,
    meta=st.dictionaries(st.sampled_from(["route", "fault", "duration_ms", "x"]), SCALAR),
)
def test_generated_items_read_as_pyyaml_reads_them(
    headers: dict[str, list[str]], body: Any, text: str, meta: dict[str, Any]
) -> None:
    """Odd strings, keys, numbers, blocks, written by PyYAML or vstape: never a different value."""
    item = _item(headers, body, text, meta)
    for written in (_pyyaml(item),):
        if written is not None:
            ANSWERED.append(_agrees(written.decode()))


MEANINGFUL = list(" \n:#'\"-|>!&*{}[],%@`?~\t\r\\x0é\u2028")


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    source=st.sampled_from(
        [
            cassette_item(i).decode()
            for path in sorted(Path(shipped_dir()).glob("*/*.yaml"))[:40]
            for i in load(path).interactions
        ]
    ),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from(MEANINGFUL),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_items_are_read_as_pyyaml_reads_them_or_declined(
    source: str, edits: list[tuple[float, str, str]]
) -> None:
    """Random damage to real items: the fast reader never accepts what PyYAML reads otherwise."""
    text = source
    for where, how, char in edits:
        at = int(where * (len(text) - 1))
        if how == "insert":
            text = text[:at] + char + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    fast = load_item(text)
    if fast is None:
        return
    try:
        expected = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as err:
        raise AssertionError(
            f"the fast reader accepted what PyYAML refuses ({err}):\n{text}"
        ) from None
    assert fast == expected, text


def test_the_property_tests_really_compare() -> None:
    """The generated cases take the fast path often enough to mean something."""
    if not ANSWERED:
        test_generated_items_read_as_pyyaml_reads_them()
    assert sum(ANSWERED) > 0.2 * len(ANSWERED)


def test_typed_and_quoted_forms() -> None:
    """The few typed plain scalars it reads itself; anything typed otherwise is declined."""
    base = "- request:\n    method: {}\n"
    assert load_item(base.format("GET")) == [{"request": {"method": "GET"}}]
    assert load_item(base.format("12")) == [{"request": {"method": 12}}]
    assert load_item(base.format("-0.5")) == [{"request": {"method": -0.5}}]
    assert load_item(base.format("null")) == [{"request": {"method": None}}]
    assert load_item(base.format("'it''s'")) == [{"request": {"method": "it's"}}]
    for declined in (
        "yes",
        "~",
        "0x1F",
        "1.0e+3",
        "2026-12-01",
        '"dq"',
        "!!binary aGk=",
        "a #c",
        "*x",
    ):
        assert load_item(base.format(declined)) is None, declined
    assert msgspec.json.encode(load_item("- a: |-\n    x\n\n    y\n  b: []\n")) == (
        b'[{"a":"x\\n\\ny","b":[]}]'
    )
