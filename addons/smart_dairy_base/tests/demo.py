from odoo import fields

from ..models.smart_dairy_demo import DEMO_DATE_PARAM


def demo_company_and_day(env):
    """The demo company and the last day of its history (the install day), or
    (None, None) on a database without the suite's demo data."""
    company = env.ref("smart_dairy_base.demo_company", raise_if_not_found=False)
    param = env["ir.config_parameter"].sudo().get_param(DEMO_DATE_PARAM)
    if not company or not param:
        return None, None
    return company, fields.Date.to_date(param)
