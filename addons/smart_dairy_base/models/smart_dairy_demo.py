import logging
import time

from smart_dairy import db
from smart_dairy.demo import generate_farm_demo, load_settings
from smart_dairy.quality import grade

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# The last day of the demo history (the day it was generated).
DEMO_DATE_PARAM = "smart_dairy_base.demo_date"
STAMP_COLUMNS = ("create_uid", "write_uid", "create_date", "write_date")
MILKING_COLUMNS = (
    "animal_id", "farm_id", "company_id", "date", "session", "volume", "fat_pct",
    "protein_pct", "scc", "quality_grade", *STAMP_COLUMNS,
)  # fmt: skip
FEED_COLUMNS = ("farm_id", "company_id", "date", "product_id", "quantity", "cost", *STAMP_COLUMNS)
# Context that keeps mail.thread from logging and tracking bulk demo records.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class SmartDairyDemo(models.AbstractModel):
    _name = "smart.dairy.demo"
    _description = "Smart Dairy demo data generator"

    @api.model
    @api.private
    def generate_farm_demo(self, seed=None):
        """Create the demo farms, herd, two years of milkings and feed records in
        the demo company.

        Rows come from the seeded engine generator; farms, animals and feed
        products go through the ORM, the bulk milking and feed rows are streamed
        in with COPY. The day the history ends is kept in the ``DEMO_DATE_PARAM``
        parameter. Does nothing when the demo farms already exist.
        """
        started = time.perf_counter()
        settings = load_settings()
        company = self.env.ref("smart_dairy_base.demo_company")
        self = self.with_company(company)
        today = fields.Date.context_today(self)
        demo = generate_farm_demo(today, seed, settings)
        Farm = self.env["smart.dairy.farm"].with_context(**QUIET)
        if Farm.with_context(active_test=False).search_count(
            [("company_id", "=", company.id), ("code", "in", [f.code for f in demo.farms])]
        ):
            _logger.info("Smart Dairy farm demo data already present: nothing generated")
            return False
        self.env["ir.config_parameter"].sudo().set_param(DEMO_DATE_PARAM, today.isoformat())
        manager = self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        regions = {code: self.env.ref(spec["xmlid"]) for code, spec in settings["regions"].items()}
        farms = Farm.create(
            [
                {
                    "name": farm.name,
                    "code": farm.code,
                    "company_id": company.id,
                    "region_id": regions[farm.region].id,
                    "location": farm.location,
                    "latitude": farm.latitude,
                    "longitude": farm.longitude,
                    "daily_capacity": farm.daily_capacity,
                    "manager_id": manager.id,
                }
                for farm in demo.farms
            ]
        )
        farm_ids = {farm.code: farm.id for farm in farms}
        animals = (
            self.env["smart.dairy.animal"]
            .with_context(**QUIET)
            .create(
                [
                    {
                        "ear_tag": animal.ear_tag,
                        "name": animal.name,
                        "farm_id": farm_ids[animal.farm_code],
                        "breed": animal.breed,
                        "birth_date": animal.birth_date,
                        "lactation_number": animal.lactation_number,
                        "last_calving_date": animal.last_calving_date,
                        "status": animal.status,
                    }
                    for animal in demo.animals
                ]
            )
        )
        animal_ids = dict(zip(animals.mapped("ear_tag"), animals.ids, strict=True))
        products = self._create_feed_products(demo)
        self.env.flush_all()

        thresholds = company._get_dairy_grade_thresholds()
        stamp = (self.env.uid, self.env.uid, fields.Datetime.now(), fields.Datetime.now())
        with db.foreign_keys_checked_after(self.env.cr, "smart_dairy_milking"):
            db.copy_rows(
                self.env.cr,
                "smart_dairy_milking",
                MILKING_COLUMNS,
                (
                    (
                        animal_ids[row.ear_tag],
                        farm_ids[row.farm_code],
                        company.id,
                        row.date,
                        row.session,
                        row.volume,
                        row.fat_pct,
                        row.protein_pct,
                        row.scc,
                        grade(row.scc, row.fat_pct, row.protein_pct, thresholds),
                        *stamp,
                    )
                    for row in demo.milkings
                ),
            )
        db.copy_rows(
            self.env.cr,
            "smart_dairy_feed",
            FEED_COLUMNS,
            (
                (
                    farm_ids[row.farm_code],
                    company.id,
                    row.date,
                    products[row.product_code].id,
                    row.quantity,
                    row.cost,
                    *stamp,
                )
                for row in demo.feeds
            ),
        )
        self.env.invalidate_all()
        farms._compute_herd_size()
        self.env.flush_all()
        _logger.info(
            "Generated Smart Dairy farm demo: %d farms, %d animals, %d milkings, "
            "%d feed records (%s to %s) in %.1f s",
            len(farms),
            len(animals),
            len(demo.milkings),
            len(demo.feeds),
            demo.start,
            demo.end,
            time.perf_counter() - started,
        )
        return True

    def _create_feed_products(self, demo):
        """Feed products by code, under an "Animal Feed" category tree."""
        Category = self.env["product.category"]
        parent = Category.search([("name", "=", demo.feed_category), ("parent_id", "=", False)])
        parent = parent[:1] or Category.create({"name": demo.feed_category})
        categories = {}
        for name in dict.fromkeys(p.category for p in demo.feed_products):
            categories[name] = Category.search(
                [("name", "=", name), ("parent_id", "=", parent.id)], limit=1
            ) or Category.create({"name": name, "parent_id": parent.id})
        Product = self.env["product.product"]
        company = self.env.company
        existing = Product.with_context(active_test=False).search(
            [
                ("default_code", "in", [p.code for p in demo.feed_products]),
                ("company_id", "in", [company.id, False]),
            ]
        )
        products = {p.default_code: p for p in existing}
        kilogram = self.env.ref("uom.product_uom_kgm")
        missing = [p for p in demo.feed_products if p.code not in products]
        created = Product.create(
            [
                {
                    "name": feed.name,
                    "default_code": feed.code,
                    "company_id": company.id,
                    "type": "consu",
                    "categ_id": categories[feed.category].id,
                    "uom_id": kilogram.id,
                    "standard_price": feed.cost_per_kg,
                    "list_price": feed.cost_per_kg,
                    "sale_ok": False,
                    "purchase_ok": True,
                }
                for feed in missing
            ]
        )
        products.update({p.default_code: p for p in created})
        return products
