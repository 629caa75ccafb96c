"""Regenerate the excerpts of docs/digest.md from a crawl of the demo's days:

    hfpapers-demo --out /tmp/demo-data && python -m tests.tools.digest_excerpts /tmp/demo-data

Each ```markdown block under an `<!-- excerpt of: COMMAND -->` line is replaced by the start of what
COMMAND prints (as many lines as the block had); tests/test_digest.py checks they stay real."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "digest.md"
DIGEST = Path(sys.executable).parent / "hfpapers-digest"
EXCERPT = re.compile(r"(<!-- excerpt of: (.*?) -->\n```markdown\n)(.*?)(```)", re.S)


def main(data: str) -> None:
    def fresh(match: re.Match) -> str:
        command = match.group(2).split()
        out = subprocess.run(
            [str(DIGEST), *command[1:], "--data", data], capture_output=True, text=True, check=True
        ).stdout
        lines = match.group(3).count("\n")
        return match.group(1) + "".join(out.splitlines(keepends=True)[:lines]) + match.group(4)

    DOC.write_text(EXCERPT.sub(fresh, DOC.read_text()))


if __name__ == "__main__":
    main(sys.argv[1])
