from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .smart_dairy_access_mixin import USER_GROUP

BREEDS = [
    ("holstein", "Holstein"),
    ("jersey", "Jersey"),
    ("brown_swiss", "Brown Swiss"),
    ("guernsey", "Guernsey"),
    ("ayrshire", "Ayrshire"),
    ("crossbred", "Crossbred"),
]
STATUSES = [
    ("lactating", "Lactating"),
    ("dry", "Dry"),
    ("heifer", "Heifer"),
    ("sold", "Sold"),
    ("dead", "Dead"),
]


class SmartDairyAnimal(models.Model):
    _name = "smart.dairy.animal"
    _description = "Dairy Animal"
    _inherit = ["mail.thread", "smart.dairy.access.mixin"]
    _order = "farm_id, ear_tag"
    _rec_names_search = ["ear_tag", "name"]

    ear_tag = fields.Char(required=True, tracking=True, help="Official ear tag number.")
    name = fields.Char(tracking=True)
    breed = fields.Selection(BREEDS)
    birth_date = fields.Date()
    lactation_number = fields.Integer(help="Number of lactations (calvings) so far.")
    last_calving_date = fields.Date()
    status = fields.Selection(STATUSES, required=True, default="heifer", tracking=True)
    farm_id = fields.Many2one("smart.dairy.farm", required=True, index=True, tracking=True)
    company_id = fields.Many2one(
        related="farm_id.company_id", store=True, index=True, precompute=True
    )
    milking_count = fields.Integer(compute="_compute_milking_count", string="Milking Records")
    active = fields.Boolean(default=True)

    _ear_tag_company_unique = models.Constraint(
        "UNIQUE(company_id, ear_tag)",
        "Another animal of this company already has this ear tag.",
    )

    @api.depends("ear_tag", "name")
    def _compute_display_name(self):
        for animal in self:
            if animal.name:
                animal.display_name = f"{animal.ear_tag} {animal.name}"
            else:
                animal.display_name = animal.ear_tag or ""

    def _compute_milking_count(self):
        counts = dict(
            self.env["smart.dairy.milking"]._read_group(
                [("animal_id", "in", self.ids)], ["animal_id"], ["__count"]
            )
        )
        for animal in self:
            animal.milking_count = counts.get(animal, 0)

    @api.constrains("lactation_number")
    def _check_lactation_number(self):
        if any(animal.lactation_number < 0 for animal in self):
            raise ValidationError(self.env._("The lactation number cannot be negative."))

    @api.constrains("birth_date", "last_calving_date")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for animal in self:
            if animal.birth_date and animal.birth_date > today:
                raise ValidationError(
                    self.env._("The birth date of %s is in the future.", animal.display_name)
                )
            if (
                animal.birth_date
                and animal.last_calving_date
                and animal.last_calving_date < animal.birth_date
            ):
                raise ValidationError(
                    self.env._("%s cannot have calved before being born.", animal.display_name)
                )

    def action_open_milkings(self):
        """Open the milking records of this animal."""
        self.ensure_one()
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_base.action_smart_dairy_milking"
        )
        action["domain"] = [("animal_id", "=", self.id)]
        action["context"] = {"default_animal_id": self.id}
        return action
