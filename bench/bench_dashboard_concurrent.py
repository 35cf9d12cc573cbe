"""Benchmark of dashboard loads under concurrency: p50/p95 of the one server call
(``get_dashboard_data``, as the web client calls it) for one client, then for N
clients at once (20 by default), in the same run against the same server.

Needs a running Odoo started with ``--workers=2`` on a database with demo data (or
the scale data) and materialised KPI values. Each client logs in once and keeps its
session; every client loads the dashboard in a loop. The first load of each
configuration warms the payload cache; the figures include it. Goal: p95 under
0.5 s with 20 clients on 2 workers. Assertions: none; the figures are the result.

    .venv/bin/python bench/bench_dashboard_concurrent.py --url http://127.0.0.1:8069 \
        --db smart_dairy --login admin --password admin [--clients 20] [--calls 20]
"""

import argparse
import datetime as dt
import itertools
import statistics
import threading
import time

import requests


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--dashboard", default="executive", help="xmlid suffix: executive, ...")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--calls", type=int, default=20, help="loads per client")
    parser.add_argument("--preset", default=None, help="a date preset instead of the default")
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="every load a different 30-day range (no two loads share a cached payload)",
    )
    return parser.parse_args()


class Client:
    """One browser tab: a logged-in session calling the JSON-RPC endpoint."""

    def __init__(self, args):
        self.url = args.url.rstrip("/")
        self.session = requests.Session()
        self.calls = 0
        self.rpc(
            "/web/session/authenticate",
            {"db": args.db, "login": args.login, "password": args.password},
        )

    def rpc(self, path, params):
        self.calls += 1
        response = self.session.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "id": self.calls, "params": params},
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]

    def call_kw(self, model, method, args, kwargs=None):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


def dashboard_id(client, name):
    rows = client.call_kw(
        "ir.model.data",
        "search_read",
        [[("module", "=", "smart_dairy_bi"), ("name", "=", f"dashboard_{name}")]],
        {"fields": ["res_id"]},
    )
    if not rows:
        raise SystemExit(f"no dashboard smart_dairy_bi.dashboard_{name} in this database")
    return rows[0]["res_id"]


def loads(client, dashboard, filters, count, times):
    for _n in range(count):
        start = time.perf_counter()
        client.call_kw("smart.dairy.dashboard", "get_dashboard_data", [dashboard, filters()])
        times.append(time.perf_counter() - start)


def filter_maker(args):
    """Filters of each load: the same ones, or (``--uncached``) a new range each time."""
    if not args.uncached:
        fixed = {"preset": args.preset} if args.preset else None
        return lambda: fixed
    counter = itertools.count()
    lock = threading.Lock()
    today = dt.date.today()

    def distinct():
        with lock:
            n = next(counter)
        end = today - dt.timedelta(days=n % 3000)
        start = end - dt.timedelta(days=29)
        return {"preset": "custom", "date_from": start.isoformat(), "date_to": end.isoformat()}

    return distinct


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(label, times, elapsed):
    print(
        f"{label:<22} {len(times):5d} loads  p50 {statistics.median(times) * 1000:7.1f} ms  "
        f"p95 {percentile(times, 0.95) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms  "
        f"{len(times) / elapsed:6.1f} loads/s"
    )


def main():
    args = parse_args()
    first = Client(args)
    dashboard = dashboard_id(first, args.dashboard)
    filters = filter_maker(args)
    print(
        f"dashboard {args.dashboard} (id {dashboard}) at {args.url}, database {args.db}, "
        f"{'a new range each load (uncached)' if args.uncached else 'same filters each load'}"
    )

    times = []
    start = time.perf_counter()
    loads(first, dashboard, filters, args.calls * 2, times)
    report("1 client", times, time.perf_counter() - start)

    clients = [first] + [Client(args) for _n in range(args.clients - 1)]
    times, barrier = [], threading.Barrier(len(clients) + 1)

    def run(client):
        barrier.wait()
        loads(client, dashboard, filters, args.calls, times)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    report(f"{len(clients)} clients at once", times, time.perf_counter() - start)


if __name__ == "__main__":
    main()
