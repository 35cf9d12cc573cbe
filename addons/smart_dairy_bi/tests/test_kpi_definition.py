from smart_dairy.export import format_value

from odoo.tests import Form, tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestKpiDefinition(KpiCase):
    def _aggregate(self, **values):
        return self.Kpi.create(
            {
                "code": "TEST_KPI",
                "name": "Test",
                "kind": "aggregate",
                "fact_model": "smart.dairy.fact.milk",
                "measure": "volume",
                "aggregation": "sum",
                **values,
            }
        )

    def test_catalogue_is_shipped_and_valid(self):
        codes = set(self.Kpi.search([]).mapped("code"))
        expected = {"REVENUE", "NET_REVENUE", "ORDERS", "AOV", "GROSS_MARGIN", "CCC", "DSO"}
        expected |= {"FEED_CONVERSION", "LITRES_PER_COW", "QUALITY_PREMIUM_RATE", "RETENTION"}
        expected |= {"CAPACITY_UTILISATION", "AVG_SCC", "OTIF"}
        self.assertLessEqual(expected, codes)

    def test_kpis_of_an_addon_not_loaded_yet_wait_for_it(self):
        # As during an upgrade of this addon, before a later addon's facts are loaded:
        # a KPI over such a fact, and a formula on it, do not block other definitions.
        later = self._aggregate(code="LATER_KPI")
        on_later = self.Kpi.create(
            {"code": "ON_LATER", "name": "On later", "kind": "formula", "formula": "LATER_KPI * 2"}
        )
        self.env.cr.execute(
            "UPDATE smart_dairy_kpi SET fact_model = 'smart.dairy.fact.not.loaded' WHERE id = %s",
            [later.id],
        )
        self.Kpi.invalidate_model(["fact_model"])
        self.assertFalse(later._facts_loaded())
        self.assertTrue(on_later._facts_loaded())
        self._aggregate(code="OTHER_KPI", name="Other")  # checked against the rest
        with self.assertRefused("needs a fact"):
            later.write({"measure": "volume"})  # itself, it is still refused

    def test_unknown_measure_is_refused_in_plain_words(self):
        with self.assertRefused("volum"):
            self._aggregate(measure="volum")

    def test_invalid_domain_is_refused(self):
        with self.assertRefused("not a valid domain"):
            self._aggregate(domain="[('farm_id', '=', ")
        with self.assertRefused("regoin"):
            self._aggregate(domain="[('regoin_id', '=', 1)]")

    def test_injection_in_code_or_filter_is_refused(self):
        with self.assertRefused("code"):
            self._aggregate(code="X; DROP TABLE smart_dairy_milking")
        with self.assertRefused("column"):
            self._aggregate(domain="[('volume) OR 1=1 --', '=', 1)]")

    def test_formula_cycle_is_refused(self):
        first = self.Kpi.create(
            {"code": "LOOP_A", "name": "A", "kind": "formula", "formula": "NET_REVENUE * 2"}
        )
        self.Kpi.create({"code": "LOOP_B", "name": "B", "kind": "formula", "formula": "LOOP_A + 1"})
        with self.assertRefused("cycle: LOOP_A -> LOOP_B -> LOOP_A"):
            first.formula = "LOOP_B - 1"

    def test_formula_with_unknown_code_or_python_is_refused(self):
        with self.assertRefused("unknown KPI 'NOPE'"):
            self.Kpi.create(
                {"code": "BAD_F", "name": "B", "kind": "formula", "formula": "NOPE + 1"}
            )
        with self.assertRefused("not allowed"):
            self.Kpi.create(
                {"code": "BAD_G", "name": "B", "kind": "formula", "formula": "__import__('os')"}
            )

    def test_unit_must_fit_the_format(self):
        with self.assertRefused("does not fit"):
            self._aggregate(display_format="percentage", unit="L")
        self.assertEqual(self._aggregate(display_format="volume", unit="L").unit, "L")

    def test_the_form_offers_the_facts_columns_as_measures(self):
        kpi = self._aggregate()
        milk = self.env["smart.dairy.fact.milk"]
        self.assertEqual(kpi.measure_field_id.name, "volume")
        self.assertEqual(sorted(kpi.measure_choices), sorted(milk._fact_measures))
        with Form(kpi) as form:
            form.aggregation = "count_distinct"
            self.assertIn("animal_id", form.measure_choices)
            form.measure_field_id = self.env["ir.model.fields"]._get(milk._name, "animal_id")
        self.assertEqual((kpi.measure, kpi.aggregation), ("animal_id", "count_distinct"))
        with Form(kpi) as form:
            form.aggregation = "count"
            form.measure_field_id = self.env["ir.model.fields"]
        self.assertFalse(kpi.measure)  # count rows

    def test_a_grain_is_required(self):
        with self.assertRefused("at least one grain"):
            self._aggregate(grain_day=False, grain_month=False)

    def test_preview_computes_live_without_storing(self):
        kpi = self._aggregate(grain_day=True, display_format="volume", unit="L")
        action = kpi.action_preview()
        preview = self.env["smart.dairy.kpi.preview"].browse(action["res_id"])
        preview.write({"grain": "day", "period_count": 3, "company_id": self.company_a.id})
        preview.action_refresh()
        today = preview.line_ids.filtered(lambda line: line.period_start == self.today)
        litres = sum(self.milkings_a.mapped("volume"))
        self.assertAlmostEqual(today.value, litres)
        # shown as every other screen shows it, with its unit
        self.assertEqual(today.value_text, format_value(litres, "volume", "L"))
        self.assertTrue(today.value_text.endswith(" L"))
        self.assertEqual(preview._fields["kpi_id"].string, "KPI")
        self.assertFalse(self.env["smart.dairy.kpi.value"].search([("kpi_id", "=", kpi.id)]))
