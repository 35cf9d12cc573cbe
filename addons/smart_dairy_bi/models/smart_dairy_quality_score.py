from smart_dairy import dataquality

from odoo import api, fields, models

from .smart_dairy_quality_check import AREAS


class SmartDairyQualityScore(models.Model):
    """The day's data quality score (0 to 100) of a company per area and overall,
    weighted by the severity of the checks: the history of the score."""

    _name = "smart.dairy.quality.score"
    _description = "Data Quality Score"
    _order = "date desc, company_id, area"

    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    area = fields.Selection(
        [*AREAS, (dataquality.OVERALL, "Overall")], required=True, readonly=True
    )
    score = fields.Float(readonly=True, aggregator="avg", digits=(5, 1))
    check_count = fields.Integer("Checks", readonly=True)
    failed_count = fields.Integer("Failed or Errored", readonly=True)

    _day_unique = models.UniqueIndex("(date, company_id, area)")

    @api.model
    def _latest_results(self):
        """The latest result of each active check and company, skipped ones left out."""
        Result = self.env["smart.dairy.quality.result"].sudo()
        self.env.cr.execute(
            """SELECT DISTINCT ON (r.check_id, r.company_id) r.id
                 FROM smart_dairy_quality_result r
                 JOIN smart_dairy_quality_check c ON c.id = r.check_id AND c.active
                ORDER BY r.check_id, r.company_id, r.run_at DESC, r.id DESC"""
        )
        results = Result.browse(row[0] for row in self.env.cr.fetchall())
        return results.filtered(lambda r: r.state != "skipped")

    @api.model
    def _record_scores(self, now):
        """Write the scores of ``now``'s day for every company with results; results
        of sources without a company count for every company."""
        results = self._latest_results()
        shared = results.filtered(lambda r: not r.company_id)
        companies = results.company_id or self.env.company
        day = now.date()
        self.sudo().search([("date", "=", day), ("company_id", "in", companies.ids)]).unlink()
        values = []
        for company in companies:
            mine = results.filtered(lambda r, c=company: r.company_id == c) | shared
            items = [(r.area, r.severity, r.state == "passed") for r in mine]
            for area, score in dataquality.score(items).items():
                in_area = (
                    mine
                    if area == dataquality.OVERALL
                    else mine.filtered(lambda r, a=area: r.area == a)
                )
                values.append(
                    {
                        "date": day,
                        "company_id": company.id,
                        "area": area,
                        "score": score,
                        "check_count": len(in_area),
                        "failed_count": len(in_area.filtered(lambda r: r.state != "passed")),
                    }
                )
        return self.sudo().create(values)
