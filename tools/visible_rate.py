"""How many known-wrong answers (tests/answers/) fail a VISIBLE test, per module.

    python tools/visible_rate.py [MODULE...] [--json FILE] [--misses]

Prints one line per module (caught/total and the rate) and, with --misses, every
known-wrong answer the visible tests let through. tests/test_visible.py asserts the
rate is at least 90% for every module; the README's table comes from this script.
"""
import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from autograder.pipeline import modules, resolve_module  # noqa: E402
from harness import catch_rate, visible_catch  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--json")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    mods = [resolve_module(m) for m in args.modules] or modules()
    results = {}
    for mod in mods:
        found = visible_catch(mod)
        caught, total = catch_rate(found)
        results[mod] = found
        print(f"{mod}: {caught}/{total} = {100 * caught / total:.0f}%", flush=True)
        if args.misses:
            for ex, items in found.items():
                for desc, ok in items.items():
                    if not ok:
                        print(f"    missed {ex}: {desc}", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
