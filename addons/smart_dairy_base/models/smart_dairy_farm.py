from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .smart_dairy_access_mixin import FARM_MANAGER_GROUP, USER_GROUP

HERD_STATUSES = ("lactating", "dry", "heifer")


class SmartDairyFarm(models.Model):
    _name = "smart.dairy.farm"
    _description = "Dairy Farm"
    _inherit = ["mail.thread", "smart.dairy.access.mixin"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(tracking=True, help="Short code of the farm, unique within the company.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    region_id = fields.Many2one("smart.dairy.region", tracking=True)
    location = fields.Char()
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    daily_capacity = fields.Float(
        string="Daily Capacity (L)", help="Litres of milk the farm can hold per day."
    )
    records_lab_values = fields.Boolean(
        "Lab Values in Milking Rounds",
        default=True,
        help="The milking round asks for fat, protein and cell count beside the volume.",
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Farm Manager",
        check_company=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    animal_ids = fields.One2many("smart.dairy.animal", "farm_id", string="Animals")
    herd_size = fields.Integer(
        compute="_compute_herd_size",
        store=True,
        help="Animals on the farm that are lactating, dry or heifers.",
    )
    milking_count = fields.Integer(compute="_compute_milking_count", string="Milking Records")
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _code_company_unique = models.Constraint(
        "UNIQUE(company_id, code)",
        "Another farm of this company already uses this code.",
    )

    @api.depends("animal_ids.status", "animal_ids.active")
    def _compute_herd_size(self):
        for farm in self:
            farm.herd_size = len(farm.animal_ids.filtered(lambda a: a.status in HERD_STATUSES))

    def _compute_milking_count(self):
        counts = dict(
            self.env["smart.dairy.milking"]._read_group(
                [("farm_id", "in", self.ids)], ["farm_id"], ["__count"]
            )
        )
        for farm in self:
            farm.milking_count = counts.get(farm, 0)

    @api.constrains("daily_capacity")
    def _check_daily_capacity(self):
        if any(farm.daily_capacity < 0 for farm in self):
            raise ValidationError(self.env._("The daily capacity of a farm cannot be negative."))

    @api.constrains("latitude", "longitude")
    def _check_coordinates(self):
        for farm in self:
            if not -90 <= farm.latitude <= 90 or not -180 <= farm.longitude <= 180:
                raise ValidationError(
                    self.env._(
                        "The position of farm %s is not valid: latitude must be between -90 "
                        "and 90 and longitude between -180 and 180.",
                        farm.display_name,
                    )
                )

    def action_open_animals(self):
        """Open the animals of this farm."""
        self.ensure_one()
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_base.action_smart_dairy_animal"
        )
        action["domain"] = [("farm_id", "=", self.id)]
        action["context"] = {"default_farm_id": self.id}
        return action

    def action_open_milkings(self):
        """Open the milking records of this farm."""
        self.ensure_one()
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_base.action_smart_dairy_milking"
        )
        action["domain"] = [("farm_id", "=", self.id)]
        action["context"] = {"default_farm_id": self.id}
        return action

    def action_record_milking_round(self):
        """Open the milking round wizard for this farm."""
        self.ensure_one()
        self._check_caller(FARM_MANAGER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_base.action_smart_dairy_milking_round"
        )
        action["context"] = {"default_farm_id": self.id}
        return action
