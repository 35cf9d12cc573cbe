from . import controllers
from . import models
from . import wizard

from odoo.tools import SQL

from .models.smart_dairy_fact import change_index_name
from .models.smart_dairy_kpi_run import CLAIM_TABLE, CUBE_TABLE


def uninstall_hook(env):
    """Drop the indexes the fact views added to other modules' tables, and the tables
    of KPI run lock claims and of the daily cube (no model owns them)."""
    for model in env["smart.dairy.fact"]._fact_models():
        for table in model._fact_change_tables:
            env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(change_index_name(table))))
    for table in (CLAIM_TABLE, CUBE_TABLE.name):
        env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
