from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.smart_dairy_milking import SESSIONS, default_session


class SmartDairyMilkingRound(models.TransientModel):
    _name = "smart.dairy.milking.round"
    _description = "Record Milking Round"

    farm_id = fields.Many2one("smart.dairy.farm", required=True)
    records_lab_values = fields.Boolean(related="farm_id.records_lab_values")
    date = fields.Date(required=True, default=fields.Date.context_today)
    session = fields.Selection(SESSIONS, required=True, default=default_session)
    line_ids = fields.One2many(
        "smart.dairy.milking.round.line",
        "round_id",
        string="Animals",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("farm_id")
    def _compute_line_ids(self):
        for milking_round in self:
            animals = self.env["smart.dairy.animal"].search(
                [("farm_id", "=", milking_round.farm_id.id), ("status", "=", "lactating")]
            )
            milking_round.line_ids = [fields.Command.clear()] + [
                fields.Command.create({"animal_id": animal.id}) for animal in animals
            ]

    def action_record(self):
        """Create the milking records of every line with a volume, then show them."""
        self.ensure_one()
        lines = self.line_ids.filtered("volume")
        if not lines:
            raise UserError(
                self.env._(
                    "Enter the milk volume of at least one animal before recording the round."
                )
            )
        animals = lines.animal_id
        if len(animals) != len(lines):
            raise UserError(self.env._("Each animal can appear only once in a milking round."))
        self.env["smart.dairy.milking"].create(
            [
                {
                    "animal_id": line.animal_id.id,
                    "farm_id": self.farm_id.id,
                    "date": self.date,
                    "session": self.session,
                    "volume": line.volume,
                    "fat_pct": line.fat_pct,
                    "protein_pct": line.protein_pct,
                    "scc": line.scc,
                }
                for line in lines
            ]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_base.action_smart_dairy_milking"
        )
        action["domain"] = [
            ("farm_id", "=", self.farm_id.id),
            ("date", "=", self.date),
            ("session", "=", self.session),
        ]
        action["context"] = {}
        action["target"] = "main"
        return action
