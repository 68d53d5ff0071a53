"""The options the proxy commands share: each mitmproxy option named by the flag that sets it."""

from __future__ import annotations

import pytest

from tests.cli.test_help import SUBCOMMANDS
from vstape.cli import _proxy_command as proxy
from vstape.cli.record import upstream_problem


def _flags(command: str) -> set[str]:
    return {flag for action in SUBCOMMANDS[command]._actions for flag in action.option_strings}


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        ("record", {**proxy.RECORDER_FLAGS, **proxy.FAULT_FLAGS, **proxy.EMULATOR_FLAGS}),
        ("replay", proxy.FAULT_FLAGS),
    ],
)
def test_every_option_is_read_from_a_flag_the_command_has(
    command: str, flags: dict[str, str]
) -> None:
    """The flags behind the options a command sets are its own; their values read back."""
    assert set(flags.values()) <= _flags(command)
    positional = ["x.yaml"] if command == "replay" else []
    args = SUBCOMMANDS[command].parse_args(
        [*positional, "--fault", "*:rate_limited", "--stall-ms", "5"]
    )
    values = proxy.options_of(args, proxy.FAULT_FLAGS)
    assert values == {
        "vstape_faults": ["*:rate_limited"],
        "vstape_fault_seed": -1,
        "vstape_fault_stall_ms": 5,
        "vstape_fault_latency_ms": 2000,
    }


@pytest.mark.parametrize(
    ("command", "argv", "problems"),
    [
        ("emulate", ["--processing-ms", "-5"], ["--processing-ms -5: must be >= 0"]),
        ("emulate", ["--poll-after-ms", "-1"], ["--poll-after-ms -1: must be >= 0"]),
        (
            "record",
            ["--polls", "-2", "--stall-ms", "-1"],
            ["--stall-ms -1: must be >= 0", "--polls -2: must be >= 0"],
        ),
        ("replay", ["x.yaml", "--latency-ms", "-3"], ["--latency-ms -3: must be >= 0"]),
        ("replay", ["x.yaml"], []),
    ],
)
def test_a_negative_count_is_named_by_its_flag(
    command: str, argv: list[str], problems: list[str]
) -> None:
    """Every count flag of every proxy command is checked before anything starts."""
    assert proxy.negative_counts(SUBCOMMANDS[command].parse_args(argv)) == problems


def test_upstream_is_checked_against_the_mode() -> None:
    """An upstream is the emulator or an http(s) URL, and a URL only in reverse mode."""
    assert upstream_problem(None, forward=True) is None
    assert upstream_problem("emulator", forward=True) is None
    assert upstream_problem("https://api.openai.com", forward=False) is None
    assert "expected 'emulator' or an http(s):// URL" in (
        upstream_problem("ftp://x", forward=False) or ""
    )
    assert "forward mode sends each request to its own host" in (
        upstream_problem("https://api.openai.com", forward=True) or ""
    )
