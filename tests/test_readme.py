"""The README stays true: two Quickstart commands, and its Python example runs."""

from __future__ import annotations

import re
from pathlib import Path

import revhub
from revhub.demo.generator import GenerationReport

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), re.S)


def test_quickstart_is_exactly_the_two_make_commands() -> None:
    quickstart = README.read_text().split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = [
        line.split("#")[0].strip()
        for block in re.findall(r"```sh\n(.*?)```", quickstart, re.S)
        for line in block.splitlines()
        if line.strip()
    ]
    assert commands == ["make demo", "make test"]


def test_python_example_runs_on_a_demo_workspace(
    demo_data: GenerationReport, tmp_path: Path
) -> None:
    with revhub.init(tmp_path / "ws") as ws:
        ws.load(demo_data.out)
    (example,) = _blocks("python")
    code = example.replace('"revhub-demo"', repr(str(tmp_path / "ws")))
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert float(str(namespace["won"])) > 0
