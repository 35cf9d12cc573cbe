from odoo import fields, models


class SmartDairyKpiPreviewLine(models.TransientModel):
    _name = "smart.dairy.kpi.preview.line"
    _description = "KPI Preview Period"
    _order = "period_start desc"

    preview_id = fields.Many2one("smart.dairy.kpi.preview", required=True, ondelete="cascade")
    period_start = fields.Date()
    label = fields.Char("Period")
    value = fields.Float("Raw Value", digits=(16, 4))
    value_text = fields.Char("Value", help="As dashboards show it: unit, currency, digits.")
    has_value = fields.Boolean()
    note = fields.Char(help="Why the period has no value: undefined or no data.")
    numerator = fields.Float(digits=(16, 4))
    denominator = fields.Float(digits=(16, 4))
