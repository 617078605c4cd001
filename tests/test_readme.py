"""The README's tour shows real output: every console block is run again and must print what it shows."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import processes
import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```console\n\$ (.*?)\n(.*?)```", README, flags=re.DOTALL)


def test_the_quick_start_has_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, flags=re.DOTALL)
    assert len(commands) == 2
    assert commands[0].endswith("cmograph ask what-worked --example")
    assert commands[1] == "./scripts/test"
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_tour_covers_every_command_and_question() -> None:
    from cmograph.cli import main
    from cmograph.query.catalogue import questions

    shown = " ".join(command for command, _ in BLOCKS)
    for question in questions():
        assert f"cmograph ask {question} " in shown, question
    for command in main.commands:
        assert f"cmograph {command}" in shown, command


@pytest.mark.slow  # a bash and a cmograph process per block
@pytest.mark.parametrize(("command", "expected"), BLOCKS, ids=[c[:60] for c, _ in BLOCKS])
def test_tour_block_prints_what_it_shows(command: str, expected: str) -> None:
    env = dict(os.environ, COLUMNS="80", PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = processes.run(["bash", "-c", command + " 2>&1"], capture_output=True, text=True, cwd=ROOT, env=env,
                         check=False, timeout=180)
    assert done.stdout.rstrip("\n") == expected.rstrip("\n")
