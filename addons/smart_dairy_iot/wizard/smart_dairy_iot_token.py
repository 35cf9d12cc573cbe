from odoo import fields, models


class SmartDairyIotToken(models.AbstractModel):
    """Shows a new device token once: it lives in the client only, never in a table."""

    _name = "smart.dairy.iot.token"
    _description = "Show Device Token"

    # the onchange that fills the form from the context needs an id field
    id = fields.Id()
    identifier = fields.Char(readonly=True)
    token = fields.Char(readonly=True)
