import json

from odoo.tools import SQL
from odoo.tools.lru import LRU

# Payloads of this worker process, by payload_key. Keys carry everything a payload
# depends on, including a stamp of the last KPI run and of the definitions, so a new
# run (in any process) makes older entries unreachable: nothing to invalidate.
PAYLOADS = LRU(256)
# Tables whose changes change payloads: (max id, max write_date, count) of each
# (the dashboard's _payload_stamp_tables, which other addons extend).
STAMPED_TABLES = (
    "smart_dairy_kpi_run",
    "smart_dairy_kpi",
    "smart_dairy_kpi_target",
    "smart_dairy_kpi_dimension",
    "smart_dairy_dashboard",
    "smart_dairy_dashboard_widget",
    "smart_dairy_farm",  # names and positions on farm maps
    "smart_dairy_quality_check",  # data quality warnings: names, severities, archived
    "smart_dairy_quality_result",  # data quality warnings: each new run of a check
    "smart_dairy_job_log",  # pipeline health: runs of the jobs without a log of their own
    "smart_dairy_report_schedule_log",  # pipeline health: report sendings
    "ir_cron",  # pipeline health: jobs failing in a row, last runs
)


def cached_payload(dashboard, filters):
    """(``dashboard._payload(filters)``, ids of the KPIs its widgets show), from this
    process's cache when an equal key was computed before (per dashboard, filters,
    companies, language, last KPI run and last data quality result). Alerts are not
    in payloads: they change when users handle them."""
    key = payload_key(dashboard, filters)
    entry = PAYLOADS.get(key) if key is not None else None
    if entry is None:
        entry = (dashboard._payload(filters), tuple(dashboard.widget_ids.kpi_ids.ids))
        if key is not None:
            PAYLOADS[key] = entry
    return entry


def payload_key(dashboard, filters):
    """The cache key of a dashboard's payload, or None when the transaction has
    written something: then it may see data that others do not, so no sharing."""
    dashboard.ensure_one()
    env = dashboard.env
    stamps = SQL(", ").join(
        SQL(
            "(SELECT ARRAY[max(id)::text, max(write_date)::text, count(*)::text] FROM %s)",
            SQL.identifier(table),
        )
        for table in dashboard._payload_stamp_tables()
    )
    env.cr.execute(SQL("SELECT txid_current_if_assigned(), %s", stamps))
    txid, *stamp = env.cr.fetchone()
    if txid is not None:
        return None
    return (
        env.cr.dbname,
        dashboard.id,
        json.dumps(filters, sort_keys=True),
        tuple(env.companies.ids),
        env.company.id,
        env.lang,
        json.dumps(stamp),
    )
