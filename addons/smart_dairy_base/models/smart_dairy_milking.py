from smart_dairy.quality import grade

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_company import GRADE_THRESHOLD_FIELDS

SESSIONS = [("morning", "Morning"), ("midday", "Midday"), ("evening", "Evening")]
GRADES = [
    ("premium", "Premium"),
    ("a", "Grade A"),
    ("b", "Grade B"),
    ("rejected", "Rejected"),
    ("ungraded", "Ungraded"),
]


def _number(value):
    """A number as people write it: 9,999 or 7.5, not 9999.0."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def default_session(record):
    """Milking session matching the user's current time of day."""
    hour = fields.Datetime.context_timestamp(record, fields.Datetime.now()).hour
    if hour < 11:
        return "morning"
    return "midday" if hour < 16 else "evening"


class SmartDairyMilking(models.Model):
    _name = "smart.dairy.milking"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "Milking Record"
    _order = "date desc, farm_id, session, animal_id"

    animal_id = fields.Many2one(
        "smart.dairy.animal",
        required=True,
        domain="[('status', 'not in', ('sold', 'dead')), ('farm_id', '=?', farm_id)]",
    )
    farm_id = fields.Many2one(
        "smart.dairy.farm",
        required=True,
        compute="_compute_farm_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one(related="farm_id.company_id", store=True, precompute=True)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    session = fields.Selection(SESSIONS, required=True, default=default_session)
    volume = fields.Float(string="Volume (L)", digits=(10, 2))
    fat_pct = fields.Float(
        string="Fat (%)", digits=(4, 2), help="Leave blank (0) when it was not measured."
    )
    protein_pct = fields.Float(
        string="Protein (%)", digits=(4, 2), help="Leave blank (0) when it was not measured."
    )
    scc = fields.Integer(
        string="SCC",
        help="Somatic cell count, in cells per mL; leave blank (0) when it was not measured.",
    )
    quality_grade = fields.Selection(
        GRADES,
        compute="_compute_quality_grade",
        store=True,
        precompute=True,
        help="Grade from the cell count, fat and protein, using the company's thresholds "
        "set in Smart Dairy settings. Without a cell count the milk is Ungraded; without "
        "fat or protein it can be A, B or Rejected by its cell count, never Premium.",
    )

    _animal_date_session_unique = models.Constraint(
        "UNIQUE(animal_id, date, session)",
        "This animal already has a milking record for this date and session.",
    )
    _farm_date_idx = models.Index("(farm_id, date)")
    _company_date_idx = models.Index("(company_id, date)")

    @api.depends("animal_id", "date", "session")
    def _compute_display_name(self):
        sessions = dict(SESSIONS)
        for milking in self:
            milking.display_name = " · ".join(
                part
                for part in (
                    milking.animal_id.display_name,
                    milking.date and fields.Date.to_string(milking.date),
                    sessions.get(milking.session),
                )
                if part
            )

    @api.depends("animal_id")
    def _compute_farm_id(self):
        for milking in self:
            if milking.animal_id:
                milking.farm_id = milking.animal_id.farm_id

    @api.depends(
        "scc",
        "fat_pct",
        "protein_pct",
        *(f"company_id.{fname}" for fname in GRADE_THRESHOLD_FIELDS),
    )
    def _compute_quality_grade(self):
        for milking in self:
            company = milking.company_id or self.env.company
            milking.quality_grade = grade(
                milking.scc,
                milking.fat_pct,
                milking.protein_pct,
                company._get_dairy_grade_thresholds(),
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_sessions_free(
            [
                (vals.get("animal_id"), vals.get("date"), vals.get("session"))
                for vals in vals_list
                if vals.get("animal_id") and vals.get("date") and vals.get("session")
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        if {"animal_id", "date", "session"} & vals.keys():
            self._check_sessions_free(
                [
                    (
                        vals.get("animal_id", milking.animal_id.id),
                        vals.get("date", milking.date),
                        vals.get("session", milking.session),
                    )
                    for milking in self
                ]
            )
        return super().write(vals)

    def _check_sessions_free(self, keys):
        """Refuse (animal, date, session) keys used twice or already recorded.

        Gives a plain message naming the animal before the database's unique
        constraint would refuse the record.
        """
        if not keys:
            return
        keys = [(animal_id, fields.Date.to_date(day), session) for animal_id, day, session in keys]
        duplicate = next((key for i, key in enumerate(keys) if key in keys[:i]), None)
        if not duplicate:
            existing = (
                self.sudo()
                .with_context(active_test=False)
                .search_fetch(
                    [
                        ("animal_id", "in", list({key[0] for key in keys})),
                        ("date", "in", list({key[1] for key in keys})),
                        ("session", "in", list({key[2] for key in keys})),
                        ("id", "not in", self.ids),
                    ],
                    ["animal_id", "date", "session"],
                )
            )
            wanted = set(keys)
            duplicate = next(
                (
                    key
                    for key in ((m.animal_id.id, m.date, m.session) for m in existing)
                    if key in wanted
                ),
                None,
            )
        if duplicate:
            animal = self.env["smart.dairy.animal"].sudo().browse(duplicate[0])
            raise ValidationError(
                self.env._(
                    "%(animal)s already has a milking record for the %(session)s session "
                    "of %(date)s. Correct that record instead of adding a second one.",
                    animal=animal.display_name,
                    session=dict(SESSIONS)[duplicate[2]].lower(),
                    date=fields.Date.to_string(duplicate[1]),
                )
            )

    @api.constrains("volume", "farm_id")
    def _check_volume(self):
        for milking in self:
            limit = milking.company_id.dairy_max_volume
            if milking.volume < 0:
                raise ValidationError(
                    self.env._(
                        "Milk volume cannot be negative (%(volume)s L for %(animal)s).",
                        volume=milking.volume,
                        animal=milking.animal_id.display_name,
                    )
                )
            if limit and milking.volume > limit:
                raise ValidationError(
                    self.env._(
                        "%(volume)s L from %(animal)s in one session is more than the "
                        "%(limit)s L per cow and session that %(company)s accepts. Check the "
                        "volume (a farm total belongs in a milking round, one line per cow).",
                        volume=_number(milking.volume),
                        animal=milking.animal_id.display_name,
                        limit=_number(limit),
                        company=milking.company_id.name,
                    )
                )

    @api.constrains("fat_pct", "protein_pct", "farm_id")
    def _check_solids(self):
        """Refuse implausible fat and protein; 0 means not measured and passes."""
        for milking in self:
            company = milking.company_id
            for label, value, low, high in (
                (
                    self.env._("Fat"),
                    milking.fat_pct,
                    company.dairy_min_fat_pct,
                    company.dairy_max_fat_pct,
                ),
                (
                    self.env._("Protein"),
                    milking.protein_pct,
                    company.dairy_min_protein_pct,
                    company.dairy_max_protein_pct,
                ),
            ):
                if value and not low <= value <= high:
                    raise ValidationError(
                        self.env._(
                            "%(what)s of %(value)s %% for %(animal)s is outside %(low)s to "
                            "%(high)s %%, the plausible range %(company)s accepts. Check the "
                            "lab result, or leave it blank if it was not measured.",
                            what=label,
                            value=_number(value),
                            animal=milking.animal_id.display_name,
                            low=_number(low),
                            high=_number(high),
                            company=company.name,
                        )
                    )

    @api.constrains("date")
    def _check_date(self):
        """Refuse milkings dated after today in the user's time zone."""
        today = fields.Date.context_today(self)
        for milking in self:
            if milking.date > today:
                raise ValidationError(
                    self.env._(
                        "The milking of %(animal)s is dated %(date)s, after today "
                        "(%(today)s): milk cannot be recorded before it is milked.",
                        animal=milking.animal_id.display_name,
                        date=fields.Date.to_string(milking.date),
                        today=fields.Date.to_string(today),
                    )
                )

    @api.constrains("scc")
    def _check_scc(self):
        for milking in self:
            if milking.scc < 0:
                raise ValidationError(
                    self.env._(
                        "The somatic cell count cannot be negative (%(animal)s).",
                        animal=milking.animal_id.display_name,
                    )
                )

    @api.constrains("animal_id", "farm_id")
    def _check_animal(self):
        for milking in self:
            animal = milking.animal_id
            if animal.status in ("sold", "dead"):
                raise ValidationError(
                    self.env._(
                        "%(animal)s is %(status)s: milking cannot be recorded for it.",
                        animal=animal.display_name,
                        status=dict(animal._fields["status"].selection)[animal.status].lower(),
                    )
                )
            if milking.farm_id != animal.farm_id:
                raise ValidationError(
                    self.env._(
                        "%(animal)s belongs to farm %(animal_farm)s, not %(farm)s. "
                        "Record its milking on its own farm.",
                        animal=animal.display_name,
                        animal_farm=animal.farm_id.display_name,
                        farm=milking.farm_id.display_name,
                    )
                )
