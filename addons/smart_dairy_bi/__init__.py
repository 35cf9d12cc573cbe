from . import controllers
from . import models
from . import wizard

from odoo.tools import SQL

from .models.smart_dairy_fact import change_index_name
from .models.smart_dairy_kpi_run import CLAIM_TABLE


def uninstall_hook(env):
    """Drop the indexes the fact views added to other modules' tables, and the table
    of KPI run lock claims (no model owns it)."""
    for model in env["smart.dairy.fact"]._fact_models():
        for table in model._fact_change_tables:
            env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(change_index_name(table))))
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CLAIM_TABLE)))
