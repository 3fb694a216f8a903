"""Copy the seed documents the package ships into ``bot/data``.

Run after the seeds change: ``python scripts/bundle_data.py ../shared/seeds``.
The files are copied byte for byte; the package reads them as they are.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

BUNDLE = {"004_d127366013943a34.txt": "wtsa20-action-plan.txt"}


def main(argv: list[str]) -> int:
    seeds = Path(argv[1] if len(argv) > 1 else Path(__file__).parents[2] / "shared" / "seeds")
    target = Path(__file__).parents[1] / "bot" / "data"
    for source, name in BUNDLE.items():
        shutil.copyfile(seeds / source, target / name)
        print(f"{seeds / source} -> {target / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
