"""docs/newcomer.md shows real output: each ``$ pvkg …`` of its console blocks is run again here.

The commands run in order on one fresh store (``PVKG_STORE`` in a temporary directory), through
the real entry point as processes, with stderr shown after stdout as a terminal shows it.
``<timestamp>`` and ``<version>`` in the document stand for what differs between runs.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "newcomer.md"
PLACEHOLDERS = {
    "<timestamp>": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
    "<version>": r"[0-9a-f]+",
}


def transcript(text: str) -> list[tuple[str, str]]:
    """The ``(command, expected output)`` pairs of the ``console`` blocks, in order."""
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"^```console\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append((command, output.rstrip("\n")))
    return steps


def pattern(expected: str) -> re.Pattern[str]:
    """``expected`` as a regular expression: literal, except for the placeholders."""
    parts = re.split("(" + "|".join(map(re.escape, PLACEHOLDERS)) + ")", expected)
    return re.compile("".join(PLACEHOLDERS.get(p, re.escape(p)) for p in parts))


def run(command: str, env: dict[str, str]) -> str:
    args = shlex.split(command)
    assert args[0] == "pvkg", f"the transcript runs pvkg only, not {command!r}"
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert (done.returncode == 0) == (done.stderr == ""), "an error exits non-zero, and only one"
    return (done.stdout + done.stderr).rstrip("\n")


def test_transcript_has_the_newcomer_commands() -> None:
    commands = [command.split(" -")[0] for command, _ in transcript(DOC.read_text("utf-8"))]
    for expected in ("pvkg build", "pvkg stats", "pvkg queries", "pvkg query"):
        assert expected in commands


def test_pattern_keeps_text_literal_and_fills_placeholders() -> None:
    assert pattern("a.b <version>").fullmatch("a.b 3f0a")
    assert not pattern("a.b <version>").fullmatch("axb 3f0a")
    assert not pattern("at <timestamp>").fullmatch("at yesterday")


@pytest.mark.slow
def test_every_command_prints_what_the_document_shows(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PVKG_QUERIES",)}
    env["PVKG_STORE"] = str(tmp_path / "store")
    for command, expected in transcript(DOC.read_text("utf-8")):
        shown = run(command, env)
        assert pattern(expected).fullmatch(shown), (
            f"$ {command}\n{shown}\n--- doc says ---\n{expected}"
        )
