from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP

# Results are kept this many days, and each check's latest per company for good.
KEEP_DAYS = 90
STATES = [
    ("passed", "Passed"),
    ("failed", "Failed"),
    ("errored", "Errored"),
    ("skipped", "Skipped"),
]
# The most severe failing checks first on the Failing Checks widget.
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
# How a freshness result shows on the Source Freshness widget.
FRESHNESS_STATUS = {"passed": "ok", "failed": "danger", "errored": "danger", "skipped": "muted"}


class SmartDairyQualityResult(models.Model):
    """One run of a check for one company (none when the source has no company):
    what was examined, what failed, and up to 20 failing records to open."""

    _name = "smart.dairy.quality.result"
    _description = "Data Quality Result"
    _inherit = ["smart.dairy.access.mixin"]
    _order = "run_at desc, id desc"
    _rec_name = "check_id"

    check_id = fields.Many2one(
        "smart.dairy.quality.check", required=True, ondelete="cascade", index=True, readonly=True
    )
    check_name = fields.Char(related="check_id.name", string="Check Name")
    kind = fields.Selection(related="check_id.kind")
    area = fields.Selection(related="check_id.area", store=True)
    severity = fields.Selection(related="check_id.severity")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    run_at = fields.Datetime(required=True, readonly=True, index=True)
    state = fields.Selection(STATES, required=True, readonly=True)
    examined = fields.Integer(readonly=True)
    failing = fields.Integer(readonly=True)
    failing_pct = fields.Float("Failing (%)", compute="_compute_failing_pct", digits=(5, 2))
    measure = fields.Float(
        readonly=True,
        help="Failing share, age in hours of the stalest source (freshness), largest "
        "imbalance (balance) or z-score (row-count anomaly).",
    )
    detail = fields.Text(readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(10, 3))
    sample_model = fields.Char(readonly=True)
    sample_ids = fields.Char("Sample Ids", readonly=True)
    sample_count = fields.Integer("Samples", compute="_compute_sample_count")

    _latest_idx = models.Index("(check_id, company_id, run_at DESC, id DESC)")

    def _compute_failing_pct(self):
        for result in self:
            examined = result.examined
            result.failing_pct = 100.0 * result.failing / examined if examined else 0.0

    def _compute_sample_count(self):
        for result in self:
            result.sample_count = len(result._samples())

    def _samples(self):
        self.ensure_one()
        return [int(part) for part in (self.sample_ids or "").split(",") if part]

    @api.autovacuum
    def _gc_old_results(self):
        """Forget results older than KEEP_DAYS days but the latest of each check per
        company (what warnings, alerts and the dashboards read); score history is
        kept apart (smart.dairy.quality.score)."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=KEEP_DAYS)
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM smart_dairy_quality_result
                 WHERE run_at < %s
                   AND id NOT IN (
                       SELECT DISTINCT ON (check_id, company_id) id
                         FROM smart_dairy_quality_result
                        ORDER BY check_id, company_id, run_at DESC, id DESC)
                """,
                limit,
            )
        )
        self.invalidate_model()

    def _latest(self, companies, kind=None):
        """The latest result of each active check (of ``kind``, when given) per company
        of ``companies``, and those of sources without a company."""
        self.flush_model()
        self.env["smart.dairy.quality.check"].flush_model(["active", "kind"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (r.check_id, r.company_id) r.id
                  FROM smart_dairy_quality_result r
                  JOIN smart_dairy_quality_check c ON c.id = r.check_id
                 WHERE c.active AND (r.company_id = ANY(%s) OR r.company_id IS NULL)
                   AND (%s IS NULL OR c.kind = %s)
                 ORDER BY r.check_id, r.company_id, r.run_at DESC, r.id DESC
                """,
                companies.ids,
                kind,
                kind,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _latest_failing(self, companies):
        """The latest results of the active checks in ``companies`` that failed."""
        return self._latest(companies).filtered(lambda result: result.state == "failed")

    @api.model
    @api.private
    def _freshness_payload(self):
        """Payload keys of a Source Freshness widget: per freshness check and company of
        the caller, the age of the newest data at its latest run against the check's
        limit."""
        results = self._latest(self.env.companies, kind="freshness")
        # a check skipped before its source existed (no company) and run since
        ran = results.filtered(lambda r: r.state != "skipped").check_id
        results = results.filtered(lambda r: r.state != "skipped" or r.check_id not in ran)
        results = results.sorted(
            lambda r: (r.check_id.sequence, r.check_id.name, r.company_id.name or "")
        )
        several = len(results.company_id) > 1
        rows = [
            {
                "id": result.id,
                "label": result._health_label(several),
                "value": result.measure if result.state in ("passed", "failed") else None,
                "limit": result.check_id.max_age_hours,
                "status": FRESHNESS_STATUS[result.state],
                "last_run": fields.Datetime.to_string(result.run_at),
                "error": result.detail if result.state != "passed" else "",
            }
            for result in results
        ]
        age, limit = self.env._("Age (hours)"), self.env._("Limit (hours)")
        data = {
            "model": self._name,
            "breakdown": "check",
            "rows": rows,
            "labels": [row["label"] for row in rows],
            "datasets": [
                {"code": "age", "label": age, "values": [row["value"] for row in rows]},
                {"code": "limit", "label": limit, "values": [row["limit"] for row in rows]},
            ],
        }
        number = {"display_format": "number", "unit": "h", "polarity": "lower"}
        return {
            "data": data,
            "empty": not rows,
            "note": self.env._(
                "Age of the newest record of each source when its freshness check last "
                "ran, against the check's limit; the period chosen does not apply."
            ),
            "kpis": [
                {"code": "age", "name": age, **number},
                {"code": "limit", "name": limit, **number},
            ],
        }

    def _health_label(self, several):
        """The check's name, with the company's when ``several`` companies show."""
        self.ensure_one()
        company = self.company_id.name if several and self.company_id else ""
        return f"{self.check_id.name} ({company})" if company else self.check_id.name

    @api.model
    @api.private
    def _failing_payload(self):
        """Payload keys of a Failing Checks widget: the latest result of each check in
        the caller's companies that failed or errored, the most severe first, with its
        failing share; a row opens its failing records."""
        results = self._latest(self.env.companies)
        results = results.filtered(lambda r: r.state in ("failed", "errored")).sorted(
            lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.check_id.sequence, r.check_id.name)
        )
        several = len(results.company_id) > 1
        rows = [
            {
                "id": result.id,
                "label": result._health_label(several),
                "value": result.failing_pct if result.state == "failed" else None,
                "limit": 100.0,
                "status": "danger" if result.severity == "critical" else "warning",
                "last_run": fields.Datetime.to_string(result.run_at),
                "error": result.detail or "",
                "failing": result.failing,
                "examined": result.examined,
                "method": "action_open_failing" if result.sample_count else "",
            }
            for result in results
        ]
        label = self.env._("Failing (%)")
        return {
            "data": {
                "model": self._name,
                "breakdown": "check",
                "rows": rows,
                "labels": [row["label"] for row in rows],
                "datasets": [
                    {"code": "failing", "label": label, "values": [r["value"] for r in rows]}
                ],
            },
            "empty": not rows,
            "note": self.env._(
                "Checks failing or in error on their latest run, the most severe first; the "
                "period chosen does not apply."
            ),
            "kpis": [
                {
                    "code": "failing",
                    "name": label,
                    "display_format": "percentage",
                    "unit": "%",
                    "polarity": "lower",
                }
            ],
        }

    def _action_open(self, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": self._name,
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("id", "in", self.ids)],
        }

    def action_open_failing(self):
        """Open the failing sample records, in the companies the user works in."""
        self._check_caller(USER_GROUP, "read")
        self.ensure_one()
        if not self.sample_model or self.sample_model not in self.env:
            return False
        Model = self.env[self.sample_model]
        domain = [("id", "in", self._samples())]
        if "company_id" in Model._fields:
            domain.append(("company_id", "in", self.env.companies.ids))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Failing: %s", self.check_id.name),
            "res_model": self.sample_model,
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }
