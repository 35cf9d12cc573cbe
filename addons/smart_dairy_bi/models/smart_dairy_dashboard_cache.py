import json

from odoo import models
from odoo.tools import SQL
from odoo.tools.lru import LRU

# Payloads of this worker process, by _payload_key. Keys carry everything a payload
# depends on, including a stamp of the last KPI run and of the definitions, so a new
# run (in any process) makes older entries unreachable: nothing to invalidate.
PAYLOADS = LRU(256)
# Tables whose changes change payloads: (max id, max write_date, count) of each.
STAMPED_TABLES = (
    "smart_dairy_kpi_run",
    "smart_dairy_kpi",
    "smart_dairy_kpi_target",
    "smart_dairy_kpi_dimension",
    "smart_dairy_dashboard",
    "smart_dairy_dashboard_widget",
)


class SmartDairyDashboard(models.Model):
    """Dashboard payloads cached per dashboard, filters, companies, language and
    last KPI run; alerts are not cached (they change when users handle them)."""

    _inherit = "smart.dairy.dashboard"

    def _cached_payload(self, filters):
        self.ensure_one()
        key = self._payload_key(filters)
        if key is None:
            return self._payload(filters)
        payload = PAYLOADS.get(key)
        if payload is None:
            payload = PAYLOADS[key] = self._payload(filters)
        return payload

    def _payload_key(self, filters):
        """The cache key of this dashboard's payload, or None when the transaction has
        written something: then it may see data that others do not, so no sharing."""
        self.ensure_one()
        stamps = SQL(", ").join(
            SQL(
                "(SELECT ARRAY[max(id)::text, max(write_date)::text, count(*)::text] FROM %s)",
                SQL.identifier(table),
            )
            for table in STAMPED_TABLES
        )
        self.env.cr.execute(SQL("SELECT txid_current_if_assigned(), %s", stamps))
        txid, *stamp = self.env.cr.fetchone()
        if txid is not None:
            return None
        return (
            self.env.cr.dbname,
            self.id,
            json.dumps(filters, sort_keys=True),
            tuple(self.env.companies.ids),
            self.env.company.id,
            self.env.lang,
            json.dumps(stamp),
        )
