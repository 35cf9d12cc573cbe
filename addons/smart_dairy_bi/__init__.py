from . import controllers
from . import models
from . import wizard

from odoo.tools import SQL

from .models.smart_dairy_fact import change_index_name


def uninstall_hook(env):
    """Drop the indexes the fact views added to other modules' tables."""
    for model in env["smart.dairy.fact"]._fact_models():
        for table in model._fact_change_tables:
            env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(change_index_name(table))))
