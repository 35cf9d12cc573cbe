"""Regrade the milkings graded under the old rule (a blank lab value counted as
zero): those without a cell count become Ungraded, those without fat or protein
can no longer be Premium."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    cr.execute(
        """SELECT id FROM smart_dairy_milking
            WHERE COALESCE(scc, 0) <= 0 OR COALESCE(fat_pct, 0) <= 0
               OR COALESCE(protein_pct, 0) <= 0"""
    )
    ids = [row[0] for row in cr.fetchall()]
    if not ids:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    milkings = env["smart.dairy.milking"].browse(ids)
    env.add_to_compute(milkings._fields["quality_grade"], milkings)
    milkings.flush_recordset(["quality_grade"])
