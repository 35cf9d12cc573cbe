"""Benchmark of a Smart Dairy dashboard in headless Chromium: the time from navigation
to the last chart drawn (goal: under 1.5 s for the Executive dashboard on the scale DB).

Needs a running Odoo server on a database where the KPI values are materialised.
Each run navigates to the dashboard and reads the `smart_dairy_dashboard_drawn`
performance mark that the client action sets when its last chart is drawn; the time
is counted from the start of the navigation (web client boot, assets from the
browser cache after the warm-up run, the one data call, Chart.js, drawing).
Prints each run and the median. Assertions: none; the figures are the result.

    .venv/bin/python bench/bench_dashboard_browser.py --url http://127.0.0.1:18471 \
        --db h_scale_bench --login admin --password admin [--path /odoo/smart-dairy-executive]
"""

import argparse
import json
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from screenshot import Browser, login

DRAWN = """(() => {
    const mark = performance.getEntriesByName("smart_dairy_dashboard_drawn")[0];
    const error = document.querySelector(".o_sd_error, .o_error_dialog");
    return JSON.stringify({
        drawn: mark ? mark.startTime : null,
        error: error ? error.innerText : null,
        charts: document.querySelectorAll(".o_sd_dashboard canvas").length,
        widgets: document.querySelectorAll(".o_sd_widget").length,
    });
})()"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--path", default="/odoo/smart-dairy-executive")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60)
    return parser.parse_args()


def measure(browser, url, timeout):
    """Milliseconds from navigation to the last chart drawn, and what was drawn."""
    browser.call("Page.navigate", url=url)
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = browser.call("Runtime.evaluate", expression=DRAWN)["result"].get("value")
        state = json.loads(result) if result else {}
        if state.get("error"):
            raise SystemExit(f"the dashboard failed: {state['error']}")
        if state.get("drawn") is not None:
            return state
        time.sleep(0.02)
    raise SystemExit(f"the dashboard was not drawn within {timeout} s")


def main():
    args = parse_args()
    session_id = login(args.url, args.db, args.login, args.password)
    width, height = map(int, args.size.split("x"))
    browser = Browser(width, height, port=9377)
    try:
        browser.use_session(args.url, session_id)
        url = args.url + args.path
        warm = measure(browser, url, args.timeout)
        print(
            f"warm-up (cold asset cache): {warm['drawn']:.0f} ms, "
            f"{warm['widgets']} widgets, {warm['charts']} charts"
        )
        times = []
        for run in range(1, args.repeat + 1):
            state = measure(browser, url, args.timeout)
            times.append(state["drawn"])
            print(f"run {run}: {state['drawn']:.0f} ms")
        median = statistics.median(times)
        print(
            f"navigation -> last chart drawn, {args.path} at {args.size}: "
            f"median {median:.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms "
            f"(goal < 1500 ms: {'met' if median < 1500 else 'NOT met'})"
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
