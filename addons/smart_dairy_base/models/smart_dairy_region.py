from odoo import fields, models


class SmartDairyRegion(models.Model):
    _name = "smart.dairy.region"
    _description = "Dairy Region"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)

    _code_unique = models.Constraint(
        "UNIQUE(code)",
        "Another region already uses this code. Each region needs its own code.",
    )
