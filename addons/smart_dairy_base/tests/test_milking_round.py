import datetime

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SmartDairyCommon


@tagged("post_install", "-at_install")
class TestMilkingRound(SmartDairyCommon):
    def _round_form(self, farm, session="evening"):
        Round = self.env["smart.dairy.milking.round"].with_user(self.farm_manager)
        form = Form(Round)
        form.farm_id = farm
        form.date = "2025-05-02"
        form.session = session
        return form

    def test_farm_fills_one_line_per_lactating_animal(self):
        form = self._round_form(self.farm_a)
        animals = {form.line_ids.edit(i).animal_id for i in range(len(form.line_ids))}
        self.assertEqual(animals, {self.cow_1, self.cow_2})
        form.farm_id = self.farm_a2
        self.assertEqual(len(form.line_ids), 1)
        self.assertEqual(form.line_ids.edit(0).animal_id, self.cow_river)

    def test_record_creates_milkings_for_lines_with_volume(self):
        form = self._round_form(self.farm_a)
        for i in range(len(form.line_ids)):
            with form.line_ids.edit(i) as line:
                if line.animal_id == self.cow_1:
                    line.volume = 14.2
                    line.scc = 500000
        milking_round = form.save()
        action = milking_round.action_record()
        Milking = self.env["smart.dairy.milking"]
        milkings = Milking.search(action["domain"])
        self.assertEqual(milkings.animal_id, self.cow_1)
        self.assertEqual(milkings.volume, 14.2)
        self.assertEqual(milkings.session, "evening")
        self.assertEqual(str(milkings.date), "2025-05-02")
        self.assertEqual(milkings.quality_grade, "b")
        self.assertEqual(milkings.create_uid, self.farm_manager)
        self.assertEqual(action["res_model"], "smart.dairy.milking")

        # recording the same round again is refused in plain words
        again = self._round_form(self.farm_a)
        with again.line_ids.edit(0) as line:
            line.volume = 3
        with self.assertRaisesMessage(ValidationError, "already has a milking record"):
            again.save().action_record()

    def test_round_without_volume_refused(self):
        milking_round = self._round_form(self.farm_a).save()
        with self.assertRaisesMessage(UserError, "Enter the milk volume of at least one animal"):
            milking_round.action_record()
        self.assertFalse(self.env["smart.dairy.milking"].search([("farm_id", "=", self.farm_a.id)]))

    def test_negative_volume_refused(self):
        form = self._round_form(self.farm_a)
        with form.line_ids.edit(0) as line:
            line.volume = -4
        with self.assertRaisesMessage(ValidationError, "Milk volume cannot be negative"):
            form.save().action_record()

    def test_round_honours_the_company_limits(self):
        form = self._round_form(self.farm_a)
        for i in range(len(form.line_ids)):
            with form.line_ids.edit(i) as line:
                line.volume = 12 if line.animal_id == self.cow_1 else 9999
        with self.assertRaisesMessage(
            ValidationError, r"9,999 L from A-002 Bella .* more than the 40 L"
        ):
            form.save().action_record()
        form = self._round_form(self.farm_a)
        with form.line_ids.edit(0) as line:
            line.volume = 12
            line.fat_pct = 9
        with self.assertRaisesMessage(ValidationError, r"Fat of 9 % .* outside 2 to 7 %"):
            form.save().action_record()
        self.assertFalse(self.env["smart.dairy.milking"].search([("farm_id", "=", self.farm_a.id)]))

    def test_round_in_the_future_refused(self):
        form = self._round_form(self.farm_a)
        # "today" of the user recording the round, in their time zone (near midnight
        # UTC it is not the test runner's today)
        today = fields.Date.context_today(
            self.env["smart.dairy.milking"].with_user(self.farm_manager)
        )
        form.date = today + datetime.timedelta(days=1)
        with form.line_ids.edit(0) as line:
            line.volume = 12
        with self.assertRaisesMessage(ValidationError, "after today"):
            form.save().action_record()
        form = self._round_form(self.farm_a)
        form.date = today
        with form.line_ids.edit(0) as line:
            line.volume = 12
        form.save().action_record()
        milking = self.env["smart.dairy.milking"].search([("farm_id", "=", self.farm_a.id)])
        self.assertEqual(milking.date, today)
        self.assertEqual(milking.quality_grade, "ungraded", "a volume alone is not graded")
