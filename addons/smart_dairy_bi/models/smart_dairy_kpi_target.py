from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .smart_dairy_kpi import GRAINS


class SmartDairyKpiTarget(models.Model):
    """A KPI target for a grain: for one period, or for every period when none is given,
    optionally for one dimension value (e.g. one farm)."""

    _name = "smart.dairy.kpi.target"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "KPI Target"
    _order = "kpi_id, grain, period_start desc"

    kpi_id = fields.Many2one("smart.dairy.kpi", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty for a target that holds for every company."
    )
    grain = fields.Selection(GRAINS, required=True, default="month")
    period_start = fields.Date(help="First day of the period; empty for every period.")
    dimension_id = fields.Many2one("smart.dairy.kpi.dimension", "Breakdown")
    dimension_value = fields.Char(help="Id or key of the dimension value, e.g. a farm's id.")
    target = fields.Float(required=True)

    _target_unique = models.Constraint(
        "UNIQUE NULLS NOT DISTINCT (kpi_id, company_id, grain, period_start, dimension_id, "
        "dimension_value)",
        "This KPI already has a target for that grain, period and breakdown.",
    )

    def _expand(self, grain, periods, companies):
        """Targets of ``grain`` as the engine takes them: (kpi id, grain, period start,
        dimension value, target) per period. A target without a period holds for
        every period that has none of its own; targets of the selected companies
        add up and replace the target for all companies."""
        buckets = {}
        for target in self:
            if target.grain != grain or (target.company_id and target.company_id not in companies):
                continue
            key = (target.kpi_id.id, target.dimension_value or "", target.period_start or None)
            scope = "company" if target.company_id else "all"
            slot = buckets.setdefault(key, {})
            slot[scope] = slot.get(scope, 0.0) + target.target
        chosen = {key: slot.get("company", slot.get("all")) for key, slot in buckets.items()}
        result = []
        for (kpi_id, dimension_value, start), value in chosen.items():
            starts = (
                [start]
                if start
                else [p for p in periods if (kpi_id, dimension_value, p) not in chosen]
            )
            result.extend((kpi_id, grain, day, dimension_value, value) for day in starts)
        return result

    @api.constrains("dimension_id", "dimension_value", "kpi_id")
    def _check_dimension(self):
        for target in self:
            if bool(target.dimension_id) != bool(target.dimension_value):
                raise ValidationError(
                    self.env._("A target by breakdown needs both the breakdown and its value.")
                )
            if target.dimension_id and target.dimension_id not in target.kpi_id.dimension_ids:
                raise ValidationError(
                    self.env._(
                        "KPI %(code)s is not broken down by %(dimension)s.",
                        code=target.kpi_id.code,
                        dimension=target.dimension_id.name,
                    )
                )
