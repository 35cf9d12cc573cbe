"""``smart-dairy-mqtt``: the MQTT subscriber, configured by odoo.conf.

    smart-dairy-mqtt -c /etc/odoo/odoo.conf [--group ingest] [--client-id ingest-1]

Run several with the same ``--group`` (an MQTT 5 shared subscription) and
distinct client ids to spread the load. Stops cleanly on SIGTERM or SIGINT.
"""

import argparse
import logging
import signal
import sys

import psycopg2
from smart_dairy import db

from . import config, storage
from .subscriber import Subscriber


def parser():
    p = argparse.ArgumentParser(prog="smart-dairy-mqtt", description=__doc__.split("\n")[0])
    p.add_argument("-c", "--config", required=True, help="odoo.conf with the smart_dairy_* keys")
    p.add_argument("--group", help="MQTT 5 shared subscription group")
    p.add_argument("--client-id", help="MQTT client id (keep it stable: persistent session)")
    p.add_argument("--batch-rows", type=int, help="rows per database transaction")
    p.add_argument("--batch-delay", type=float, help="seconds to wait for a batch to fill")
    p.add_argument("--log-level", default="INFO")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = config.from_odoo_conf(
            args.config,
            group=args.group,
            client_id=args.client_id,
            batch_rows=args.batch_rows,
            batch_delay=args.batch_delay,
        )
        conn = db.connect(settings.dsn)
        try:
            storage.ensure_storage(conn, settings=None)
            conn.commit()
        finally:
            conn.close()
    except (ValueError, psycopg2.Error) as exc:
        print(f"smart-dairy-mqtt: {exc}", file=sys.stderr)
        return 2
    subscriber = Subscriber(settings)
    signal.signal(signal.SIGTERM, lambda *_: subscriber.stop())
    signal.signal(signal.SIGINT, lambda *_: subscriber.stop())
    subscriber.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
