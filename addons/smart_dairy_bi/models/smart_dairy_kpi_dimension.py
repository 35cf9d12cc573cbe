from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SmartDairyKpiDimension(models.Model):
    """A column KPIs can be broken down by, shared by the facts that have it."""

    _name = "smart.dairy.kpi.dimension"
    _description = "KPI Dimension"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    field_name = fields.Char(
        "Column",
        required=True,
        help="Column of the fact views holding this dimension, e.g. region_id.",
    )
    comodel = fields.Char("Model", help="Model whose records the dimension values are ids of.")
    sequence = fields.Integer(default=10)

    _field_name_unique = models.Constraint(
        "UNIQUE(field_name)", "A dimension exists for that column."
    )

    @api.constrains("field_name")
    def _check_column(self):
        facts = self.env["smart.dairy.fact"]._fact_models()
        for dimension in self:
            if not any(dimension.field_name in model._fact_dimensions for model in facts):
                raise ValidationError(
                    self.env._(
                        "No fact view has a column %(column)s to break KPIs down by.",
                        column=dimension.field_name,
                    )
                )

    def _selection_labels(self):
        """{key: label} of the fact column when it is a selection, else empty."""
        for model in self.env["smart.dairy.fact"]._fact_models():
            field = model._fields.get(self.field_name)
            if self.field_name in model._fact_dimensions and field and field.type == "selection":
                return dict(field._description_selection(self.env))
        return {}

    def _value_labels(self, values):
        """Display names of dimension values (ids as text, or plain keys)."""
        self.ensure_one()
        if not self.comodel:
            return {value: self._selection_labels().get(value, value) for value in values}
        ids = [int(value) for value in values if value and value.isdigit()]
        records = self.env[self.comodel].browse(ids).exists()
        labels = {str(record.id): record.display_name for record in records}
        return {value: labels.get(value, value) for value in values}
