"""Sensor intake through Odoo's HTTP controller beside the raw COPY ceiling, in one run.

Needs Odoo serving ``--database`` (with smart_dairy_iot installed) with ``--workers=2``
at ``--url``. Registers a gateway and ``--devices`` collars on the database's first
farm, then ``--clients`` processes post batches of ``--batch`` readings with the
gateway's token for ``--seconds``; then the raw COPY of ready tuples into the same
table of the same database for as long. Prints readings/s of both and their ratio.
The bench's rows are deleted at the end. Assertions: none; the figures are the result.

    .venv/bin/python bench/bench_iot_http.py --odoo ../odoo -d demo --db_port 55163 \\
        --url http://127.0.0.1:8069 [--seconds 60] [--clients 4] [--batch 5000]
"""

import argparse
import collections
import datetime as dt
import json
import multiprocessing
import time
import uuid

import odoo_env
import psycopg2
import requests
from bench_iot import raw_copy_ceiling
from smart_dairy import timeseries

UTC = dt.timezone.utc


def _setup(args, run):
    with odoo_env.environment(args) as env:
        farm = env["smart.dairy.farm"].search([], limit=1, order="id")
        Device = env["smart.dairy.iot.device"]
        gateway = Device.create(
            {"identifier": f"bench-{run}-gw", "type": "gateway", "farm_id": farm.id}
        )
        collars = Device.create(
            [
                {"identifier": f"bench-{run}-{i}", "type": "collar", "farm_id": farm.id}
                for i in range(args.devices)
            ]
        )
        token = gateway._issue_token()[gateway]
        return token, collars.mapped("identifier"), (gateway | collars).ids


def _client(job):
    """Post batches until the deadline: (accepted, {status: count})."""
    url, database, token, identifiers, batch, deadline, offset = job
    session = requests.Session()
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "X-Odoo-Database": database,
    }
    start = dt.datetime.now(UTC) - dt.timedelta(days=2) + dt.timedelta(seconds=offset)
    accepted, statuses, step = 0, collections.Counter(), 0
    while time.time() < deadline:
        rows = []
        while len(rows) < batch:
            when = (start + dt.timedelta(seconds=step)).isoformat()
            rows.extend(
                {"device": name, "metric": "activity", "value": 100.0 + step % 50, "time": when}
                for name in identifiers
            )
            step += 1
        answer = session.post(url, data=json.dumps(rows[:batch]), headers=headers, timeout=120)
        statuses[answer.status_code] += 1
        if answer.status_code == 200:
            accepted += answer.json()["accepted"]
    return accepted, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    odoo_env.add_arguments(parser)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--devices", type=int, default=200)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:6]
    token, identifiers, device_ids = _setup(args, run)
    dsn = (
        f"host={args.db_host} port={args.db_port} user={args.db_user} "
        f"password={args.db_password} dbname={args.database}"
    )
    url = f"{args.url}/smart_dairy/iot/v1/readings"
    started = time.time()
    deadline = started + args.seconds
    jobs = [
        (url, args.database, token, identifiers, args.batch, deadline, 20_000 * i)
        for i in range(args.clients)
    ]
    with multiprocessing.Pool(args.clients) as pool:
        results = pool.map(_client, jobs)
    spent = time.time() - started
    accepted = sum(r[0] for r in results)
    statuses = sum((r[1] for r in results), collections.Counter())
    http_rate = accepted / spent
    conn = psycopg2.connect(dsn)
    try:
        plain = not timeseries.is_hypertable(conn)
        ceiling = raw_copy_ceiling(conn, plain, args.seconds, dt.datetime.now(UTC))
        with conn.cursor() as cur:
            cur.execute(
                "DELETE FROM smart_dairy_ts.reading WHERE device_id = ANY(%s)"
                " OR device_id BETWEEN 100000 AND 100199",
                [device_ids],
            )
        conn.commit()
    finally:
        conn.close()
    print(
        f"HTTP intake through Odoo ({args.clients} clients, batches of {args.batch:,}, "
        f"answers {dict(statuses)}): {http_rate:,.0f} readings/s ({accepted:,} stored)"
    )
    print(f"raw COPY ceiling into the same table:          {ceiling:12,.0f} readings/s")
    print(f"ratio HTTP / ceiling:                          {http_rate / ceiling:12.2f}")


if __name__ == "__main__":
    main()
