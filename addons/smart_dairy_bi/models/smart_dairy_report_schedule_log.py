from odoo import fields, models


class SmartDairyReportScheduleLog(models.Model):
    """One sending of a report schedule: when, to whom, the file, or why it failed."""

    _name = "smart.dairy.report.schedule.log"
    _description = "Report Schedule Sending"
    _order = "sent_at desc, id desc"
    _rec_name = "schedule_id"

    schedule_id = fields.Many2one(
        "smart.dairy.report.schedule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="schedule_id.company_id", store=True, index=True)
    sent_at = fields.Datetime(required=True, default=fields.Datetime.now)
    state = fields.Selection([("sent", "Sent"), ("failed", "Failed")], required=True)
    partner_ids = fields.Many2many("res.partner", string="Recipients")
    attachment_id = fields.Many2one("ir.attachment", "File", ondelete="set null")
    mail_id = fields.Many2one("mail.mail", "Email", ondelete="set null")
    error = fields.Text()
