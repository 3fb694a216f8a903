"""Write the reviewed expectations for the WTSA-20 seed: ``tests/data/wtsa20-items.json``.

The file is the record the tests hold the importers to.  Regenerate it only after
checking, item by item, that a change of the interpreter is right (``git diff``
shows what moved): ``python scripts/make_golden.py ../shared/seeds/004_*.txt``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:  # run as a script, the repository is not on the path
    sys.path.insert(0, ROOT)

from bot.documents.text_export import read_text_export  # noqa: E402
from bot.plan.interpret import ParsedItem, interpret  # noqa: E402


def record(item: ParsedItem) -> dict[str, Any]:
    """An item as the golden file holds it: no position, ``unread`` only when not empty."""
    data = asdict(item)
    del data["position"]
    if not data["unread"]:
        del data["unread"]
    return data


def main(argv: list[str]) -> int:
    plan = interpret(read_text_export(Path(argv[1]).read_text(encoding="utf-8")))
    items = [record(item) for item in plan.items]
    out = Path(__file__).parents[1] / "tests" / "data" / "wtsa20-items.json"
    out.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(items)} items -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
