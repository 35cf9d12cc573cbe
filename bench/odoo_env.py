"""Odoo as a library for the benchmarks: common arguments and a registry."""

import contextlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def add_arguments(parser):
    """The options every Odoo benchmark takes (an Odoo tree and a database)."""
    parser.add_argument("--odoo", required=True, help="Odoo 19 source tree")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons", default=str(ROOT / "addons"), help="the suite's addons")
    parser.add_argument("--db_host", default="127.0.0.1")
    parser.add_argument("--db_port", default="55432")
    parser.add_argument("--db_user", default="odoo")
    parser.add_argument("--db_password", default="odoo")


@contextlib.contextmanager
def environment(args):
    """A superuser environment on ``args.database``; the cursor commits on exit."""
    sys.path.insert(0, args.odoo)
    import odoo  # importable once the tree is on the path
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        [
            f"--addons-path={args.odoo}/addons,{args.addons}",
            "--http-interface=127.0.0.1",
            f"--db_host={args.db_host}",
            f"--db_port={args.db_port}",
            f"--db_user={args.db_user}",
            f"--db_password={args.db_password}",
            "--log-level=warn",
        ]
    )
    with Registry(args.database).cursor() as cr:
        yield api.Environment(cr, api.SUPERUSER_ID, {})
