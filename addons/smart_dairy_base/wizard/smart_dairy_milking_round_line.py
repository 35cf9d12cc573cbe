from odoo import fields, models


class SmartDairyMilkingRoundLine(models.TransientModel):
    _name = "smart.dairy.milking.round.line"
    _description = "Record Milking Round Line"
    _order = "id"

    round_id = fields.Many2one("smart.dairy.milking.round", required=True, ondelete="cascade")
    farm_id = fields.Many2one(related="round_id.farm_id")
    animal_id = fields.Many2one(
        "smart.dairy.animal",
        required=True,
        domain="[('farm_id', '=', farm_id), ('status', 'not in', ('sold', 'dead'))]",
    )
    volume = fields.Float(string="Volume (L)", digits=(10, 2))
    fat_pct = fields.Float(string="Fat (%)", digits=(4, 2))
    protein_pct = fields.Float(string="Protein (%)", digits=(4, 2))
    scc = fields.Integer(string="SCC", help="Somatic cell count, in cells per mL.")
