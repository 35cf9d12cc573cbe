from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The daily cube is new: fill it over the history already materialised."""
    api.Environment(cr, SUPERUSER_ID, {})["smart.dairy.kpi.run"]._rebuild_cube()
