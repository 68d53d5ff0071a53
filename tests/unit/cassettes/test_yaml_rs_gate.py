"""vstape.cassettes.yaml_rs_gate: yaml-rs's cassette is PyYAML's cassette, or PyYAML decides.

The property checked everywhere: whenever the fast path gives a Cassette
(``io._fast_yaml``), PyYAML's path (``io._yaml_document`` then the same conversion) gives
the very same Cassette from the same bytes, and never refuses them. Sources: every
shipped cassette; generated cassettes with odd scalars and number fields anywhere,
written by vstape's dumper, by vcrpy's serializer and in flow, quoted and folded styles;
and real cassettes damaged at random with the characters and tokens YAML 1.1 and 1.2
read differently.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vstape.cassettes import io, yaml_rs_gate
from vstape.cassettes.model import Cassette, CassetteError
from vstape.cassettes.shipped import shipped_dir

pytestmark = pytest.mark.skipif(not yaml_rs_gate.available, reason="yaml-rs is not installed")

SHIPPED = sorted(Path(shipped_dir()).glob("*/*.yaml"))


def _pyyaml(data: bytes) -> Cassette | str:
    """PyYAML's path: the Cassette, or the error it words."""
    try:
        return io._to_cassette(io._yaml_document(data, "x"))
    except CassetteError as err:
        return f"CassetteError: {err}"
    except (msgspec.ValidationError, RecursionError) as err:
        return f"{type(err).__name__}: {err}"


ANSWERED: dict[str, list[bool]] = {}


def _agrees(data: bytes, source: str = "") -> bool:
    """The fast path's Cassette (if any) is PyYAML's; returns whether it answered.

    ``source``: count the answer under this name for test_the_property_tests_really_compare.
    """
    fast = io._fast_yaml(data)
    if source:
        ANSWERED.setdefault(source, []).append(fast is not None)
    if fast is None:
        return False
    assert _pyyaml(data) == fast, data.decode("utf-8", "replace")[:2000]
    return True


def test_every_shipped_cassette_loads_as_pyyaml_loads_it() -> None:
    """All shipped cassettes: the same Cassette, and the fast path answers for each."""
    answered = [_agrees(path.read_bytes()) for path in SHIPPED]
    assert len(SHIPPED) > 300
    assert all(answered), [p.name for p, a in zip(SHIPPED, answered, strict=True) if not a]


SPECIAL = st.sampled_from(
    [
        *("", " ", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", "true", "False"),
        *("1", "-1", "+1", "017", "08", "0o17", "0x1F", "0b101", "1_000", "0_200", "1:20"),
        *("0.5", ".5", "-.5", "1.", "1e3", "1.0e3", "1.0e+3", ".inf", "-.inf", ".NaN"),
        *("2026-12-01", "2026-12-01T10:00:00+00:00", "2001-12-14 21:59:43.10 -5"),
        *("a: b", "a #b", "#x", "-x", "- x", "-", "?", "? x", ":x", "x:", "...", "---"),
        *("'q'", '"d"', "%p", "@a", "a'b", "tab\there", "é", "日本", "line\nline", "end\n"),
        *("two\n\n", " lead", "trail ", "a \nb", '{\n  "k": 1\n}', "\n", "=", "<<", "!x"),
        *("&a", "*a", ",", "[x]", "{a: 1}", "a\r\nb", "\x85", "\ufeff", "\u2028", "\\x63"),
        *("\x07", "\x7f", "\x9f", "\U0001f600", "!!binary aGk=", "\\", "code: 017"),
    ]
)
PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
ANYTHING = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
TEXT = PRINTABLE | SPECIAL | ANYTHING | st.lists(PRINTABLE | SPECIAL, max_size=4).map("\n".join)
SCALAR = (
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | TEXT
)
KEY = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789", min_size=1, max_size=12) | SPECIAL
# Mostly what cassettes hold (so that the fast path answers), odd values now and then.
ORDINARY = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_./:,;=+()é",
    max_size=30,
)
USUAL = st.one_of(*[ORDINARY] * 12, PRINTABLE, TEXT, SCALAR)
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789", min_size=1, max_size=12)
HEADERS = st.dictionaries(st.one_of(*[NAME] * 9, SPECIAL), st.lists(USUAL, max_size=3), max_size=4)
CODE = st.one_of(*[st.integers(100, 599)] * 8, st.integers(0, 999), SCALAR)


def _item(draw: Any, odd: bool) -> dict[str, Any]:
    """One interaction: ordinary values only, or (``odd``) odd ones now and then."""
    usual = USUAL if odd else ORDINARY
    headers = HEADERS if odd else st.dictionaries(NAME, st.lists(ORDINARY, max_size=3), max_size=4)
    code = CODE if odd else st.integers(100, 599)
    item: dict[str, Any] = {
        "request": {
            "body": draw(st.none() | usual),
            "headers": draw(headers),
            "method": draw(st.sampled_from(["GET", "POST"]) | usual),
            "uri": "https://api.openai.com/v1/vector_stores",
        },
        "response": {
            "body": {"string": draw(usual)},
            "headers": draw(headers),
            "status": {"code": draw(code), "message": draw(usual)},
        },
    }
    meta = draw(
        st.dictionaries(
            st.sampled_from(["route", "fault", "duration_ms", "recorded_at", "verdict", "x"]),
            st.one_of(*[st.floats(0, 1e6).map(lambda ms: round(ms, 1))] * 4, usual),
        )
        if odd
        else st.fixed_dictionaries(
            {},
            optional={
                "duration_ms": st.floats(0, 1e6).map(lambda ms: round(ms, 1)),
                "route": ORDINARY,
            },
        )
    )
    if meta:
        item["vstape"] = meta
    if draw(st.booleans()):
        item[draw(st.one_of(*[NAME] * 4, KEY))] = draw(usual)  # an unknown key: dropped by both
    return item


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    """A cassette-shaped document: ordinary, or with odd texts, numbers and keys anywhere."""
    odd = draw(st.booleans())
    count = draw(st.integers(1, 3))
    document: dict[str, Any] = {"interactions": [_item(draw, odd) for _ in range(count)]}
    document["version"] = draw(st.sampled_from([1, 1, 1, 1, 2, "1", 1.0]) if odd else st.just(1))
    return document


DUMPERS = {
    "vstape": lambda d: yaml.dump(
        d, Dumper=io._Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    ),
    "vcrpy": lambda d: yaml.dump(d, Dumper=getattr(yaml, "CDumper", yaml.Dumper)),
    "flow": lambda d: yaml.safe_dump(d, default_flow_style=True, allow_unicode=True),
    "double-quoted": lambda d: yaml.safe_dump(d, default_style='"'),
    "single-quoted": lambda d: yaml.safe_dump(d, default_style="'", allow_unicode=True),
    "folded": lambda d: yaml.safe_dump(d, width=12, allow_unicode=True),
}


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(document=documents(), style=st.sampled_from(sorted(DUMPERS)))
def test_generated_cassettes_load_as_pyyaml_loads_them(
    document: dict[str, Any], style: str
) -> None:
    """Odd strings, keys and numbers in every style PyYAML writes: never a different Cassette."""
    try:
        text = DUMPERS[style](document)
    except yaml.YAMLError:
        return  # vcrpy's dumper refuses some objects; nothing to compare
    _agrees(text.encode("utf-8", "surrogatepass"), "generated")


TOKENS = [
    *" \n:#'\"-|>!&*{}[],%@`?~\t\r\\0é\u2028\x85\ufeff",
    *("017", "0o17", "0_2", "1e3", "-.5", "yes", "on", "1:20", "2001-12-14", "<<", "=", "? "),
    *("- - - ", "\n---\n", "\n...\n", "!!binary ", "&a ", "*a", "\\x63", "\\\n", "code: 0"),
]


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    source=st.sampled_from([p.read_text(encoding="utf-8") for p in SHIPPED[::8]]),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from(TOKENS),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_cassettes_load_as_pyyaml_loads_them_or_go_to_pyyaml(
    source: str, edits: list[tuple[float, str, str]]
) -> None:
    """Random damage to real cassettes: the fast path never gives what PyYAML would not."""
    text = source
    for where, how, token in edits:
        at = int(where * (len(text) - 1))
        if how == "insert":
            text = text[:at] + token + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + len(token) :]
        else:
            text = text[:at] + token + text[at + len(token) :]
    _agrees(text.encode("utf-8"), "damaged")


PLAIN = [
    *("017", "0o17", "0_310", "08", "2e2", "2.0e2", "-.5", "+.5", "1e3", "0x1F", "1_000", "15"),
    *("yes", "No", "on", "Off", "y", "~", "null", "NULL", "true", "1:20", "190:20:30.15"),
    *("2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "=", "<<"),
    *(".inf", "-.Inf", ".nan", "'017'", '"yes"', "[017]", "{a: 017}", "!!str 017", "*a", "&a 1"),
]
_VALUE_LINE = re.compile(r"(?m)^( *(?:- |[A-Za-z_-]+: ))(?![|>])\S.*$")


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    source=st.sampled_from([p.read_text(encoding="utf-8") for p in SHIPPED[::8]]),
    edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(PLAIN)), min_size=1, max_size=3),
)
def test_plain_values_swapped_in_load_as_pyyaml_loads_them_or_go_to_pyyaml(
    source: str, edits: list[tuple[float, str]]
) -> None:
    """Values of real cassettes (codes, header values, ...) replaced by plain scalars that
    YAML 1.1 and 1.2 type differently: never a Cassette PyYAML would not give."""
    text = source
    for where, token in edits:
        lines = list(_VALUE_LINE.finditer(text))
        line = lines[int(where * (len(lines) - 1))]
        text = text[: line.end(1)] + token + text[line.end() :]
    _agrees(text.encode("utf-8"), "swapped")


def test_the_property_tests_really_compare() -> None:
    """Each property test takes the fast path often enough to mean something, not always."""
    if not ANSWERED:  # run alone: run one property test first
        test_damaged_cassettes_load_as_pyyaml_loads_them_or_go_to_pyyaml()
    # "swapped" mostly makes values PyYAML types (declined): ~1-2% of its 1,500 examples take
    # the fast path (18 in one run), so the floor is 5 - still real comparisons every run
    for source, answers in ANSWERED.items():
        assert 5 <= sum(answers) < len(answers), (source, sum(answers), len(answers))


OK = (
    "version: 1\ninteractions:\n- request:\n    method: GET\n    uri: https://api.openai.com/v1/x\n"
    "    body: null\n    headers: {{}}\n  response:\n    status:\n      code: {code}\n"
    "      message: OK\n    headers:\n      x-a:\n      - {value}\n    body:\n      string: ''\n"
)


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("017", "a"),  # PyYAML: 15, yaml-rs: 17
        ("0o310", "a"),  # PyYAML: text (refused), yaml-rs: 200
        ("0_310", "a"),  # PyYAML: octal 200, yaml-rs: 310
        ("2e2", "a"),
        ("200", "yes"),  # PyYAML: True (refused), yaml-rs: 'yes'
        ("200", "1:20"),  # PyYAML: 80 (refused), yaml-rs: '1:20'
        ("200", "2001-12-14"),
        ("200", "!!binary aGk="),  # PyYAML: bytes, yaml-rs: the base64 text
        ("200", "*a"),
        ("200", "'a'\n  response: {}"),  # a duplicate key: PyYAML's last wins, yaml-rs refuses
        ("200", "a\tb"),
        ("200", "a\u2028b"),
        ("200", "<<"),
        ("&c 200", "a"),
        ('200\n    "\\x63ode": 017', "a"),
    ],
)
def test_forms_read_differently_go_to_pyyaml(code: str, value: str) -> None:
    """Each known difference of YAML 1.1 and 1.2 (or of the two libraries) is left to PyYAML."""
    data = OK.format(code=code, value=value).encode()
    assert io._fast_yaml(data) is None
    assert io._fast_yaml(OK.format(code="200", value="a").encode()) is not None


def test_deep_nesting_goes_to_pyyaml_instead_of_crashing_yaml_rs() -> None:
    """yaml-rs overflows its stack at some 10,000 block levels: such text never reaches it."""
    for text in (
        "- " * 50_000 + "x\n",
        "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(50_000)),
    ):
        assert yaml_rs_gate.load(text.encode()) == (False, None)


def test_without_yaml_rs_every_cassette_loads_with_pyyaml(tmp_path: Path) -> None:
    """yaml-rs is a speed-up only: with it unimportable, loading gives the same Cassettes."""
    paths = [str(p) for p in SHIPPED[::25]]
    code = (
        "import sys, json; sys.modules['yaml_rs'] = None\n"
        "from vstape.cassettes import io, yaml_rs_gate\n"
        "from vstape.cassettes.io import load\n"
        "import msgspec\n"
        "assert not yaml_rs_gate.available\n"
        "print(json.dumps([msgspec.to_builtins(load(p), builtin_types=(bytes,)) for p in sys.argv[1:]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *paths], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    here = [msgspec.to_builtins(io.load(p), builtin_types=(bytes,)) for p in paths]
    assert msgspec.json.decode(done.stdout) == msgspec.json.decode(msgspec.json.encode(here))


def _streamed(path: Path) -> list[tuple[int, Any]] | str:
    from vstape.cassettes.stream import iter_interactions

    try:
        return list(iter_interactions(path))
    except CassetteError as err:
        return f"CassetteError: {err}"


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "      code: 017\n",  # unsure: read by yaml_read or PyYAML
        "      x-odd:\n      - 0o17\n",  # yaml-rs: a number, does not convert; PyYAML: text
        "      x-odd:\n      - [1]\n",  # does not convert either way: PyYAML's message
    ],
)
def test_streamed_items_are_read_as_without_yaml_rs(
    tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vstape validate`'s reader: the same (line, interaction) pairs, or the same error."""
    from vstape.cassettes.writer import APPENDABLE_HEAD

    items = [io.dump_item(i) for p in SHIPPED[::10] for i in io.load(p).interactions]
    if damage:
        marker = b"    headers:\n"
        middle = items[len(items) // 2]
        at = middle.rindex(marker) + len(marker)
        if damage.startswith("      code"):
            middle = re.sub(rb"      code: [0-9]+\n", damage.encode(), middle, count=1)
        else:
            middle = middle[:at] + damage.encode() + middle[at:]
        assert damage.encode() in middle
        items[len(items) // 2] = middle
    path = tmp_path / "big.yaml"
    path.write_bytes(APPENDABLE_HEAD + b"".join(items))
    with_rs = _streamed(path)
    monkeypatch.setattr(yaml_rs_gate, "available", False)
    assert with_rs == _streamed(path)
