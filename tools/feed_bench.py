"""How much a calendar app's poll of the feed costs against a bare route, on a real ``streamlit run app.py``.

    python -m tools.feed_bench            # the example plan
    python -m tools.feed_bench --class    # the class-scale plan (tools/class_plan.py)

Prints one JSON document: the median time of /_stcore/health (a bare route), of a poll of an unchanged plan's feed,
and of the first fetch after a change (which builds the file), in milliseconds, and their ratios. Both are measured
in the same run, because this machine is shared and only ratios hold. Never asserted in a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from lor.example import load_example
from lor.store import Store
from tools.browser import TODAY, Server
from tools.class_plan import class_scale_document

REPEATS = 15


def _ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as reply:
        reply.read()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="class_scale", action="store_true", help="the class-scale plan")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), shared=False)
        try:
            store = Store(server.db)
            ws = store.default_workspace()
            today = date.fromisoformat(TODAY)
            if args.class_scale:
                store.import_json(ws, class_scale_document(today))
            else:
                load_example(ws, today)
            url = f"{server.url}/calendar/{store.new_feed_link(ws)}.ics"
            _ms(url)
            bare = statistics.median(_ms(f"{server.url}/_stcore/health") for _ in range(REPEATS))
            poll = statistics.median(_ms(url) for _ in range(REPEATS))
            built = []
            for i in range(5):
                app = ws.applications()[0]
                shift = timedelta(days=1 if i % 2 else -1)
                ws.save_application(app.model_copy(update={"deadline": app.deadline + shift}))
                built.append(_ms(url))
            first = statistics.median(built)
            print(
                json.dumps(
                    {
                        "plan": "class" if args.class_scale else "example",
                        "bare_route_ms": round(bare, 2),
                        "feed_poll_ms": round(poll, 2),
                        "feed_after_change_ms": round(first, 2),
                        "poll_ratio": round(poll / bare, 2),
                        "after_change_ratio": round(first / bare, 2),
                    },
                    indent=2,
                )
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
