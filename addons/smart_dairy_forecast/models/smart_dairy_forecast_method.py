from odoo import fields, models


class SmartDairyForecastMethod(models.Model):
    """A forecasting model of the engine a configuration may try (seasonal naive is
    always tried: it is the fallback)."""

    _name = "smart.dairy.forecast.method"
    _description = "Forecast Method"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, readonly=True, help="The engine's name of the model.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)

    _code_unique = models.Constraint("UNIQUE(code)", "A forecast method exists once.")
