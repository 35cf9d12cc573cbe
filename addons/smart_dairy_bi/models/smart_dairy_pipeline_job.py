from odoo import api, fields, models, tools
from odoo.tools import SQL

# The run logs of the suite's jobs, keyed by the code of the scheduled action that
# writes them: (code, when, succeeded, seconds, error). Manual runs are left out;
# jobs without a log of their own write smart.dairy.job.log (logged_job).
RUN_LOGS = SQL(
    """
    SELECT 'model._cron_' || r.mode || '()' AS code, r.started_at AS run_at,
           r.state = 'done' AS ok, r.duration AS duration, r.error AS error
      FROM smart_dairy_kpi_run r
     WHERE r.mode <> 'manual' AND r.state <> 'running'
    UNION ALL
    SELECT 'model._cron_send_due()', l.sent_at, l.state = 'sent', NULL, l.error
      FROM smart_dairy_report_schedule_log l
    UNION ALL
    SELECT 'model._cron_run_checks()', q.run_at, bool_and(q.state <> 'errored'),
           sum(q.duration), string_agg(q.detail, E'\\n') FILTER (WHERE q.state = 'errored')
      FROM smart_dairy_quality_result q
     GROUP BY q.run_at
    UNION ALL
    SELECT j.code, j.run_at, j.ok, j.duration, j.error
      FROM smart_dairy_job_log j
    """
)
WINDOW_DAYS = 7
# Below this success rate a job shows red on the Pipeline Health widget (amber below 100).
POOR_SUCCESS_RATE = 80.0


class SmartDairyPipelineJob(models.Model):
    """Health of each scheduled job of the suite: how late it is, its consecutive
    failures (ir.cron), and from the run logs of the last 7 days (KPI runs, report
    sendings, data quality runs, the job log of the others) its success rate, mean
    duration and last error."""

    _name = "smart.dairy.pipeline.job"
    _description = "Pipeline Job Health"
    _auto = False
    _order = "lag_hours desc, success_rate, name"

    cron_id = fields.Many2one("ir.cron", "Scheduled Action", readonly=True)
    name = fields.Char(readonly=True)
    active = fields.Boolean(readonly=True)
    interval_number = fields.Integer("Every", readonly=True)
    interval_type = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks"),
         ("months", "Months")],
        "Unit",
        readonly=True,
    )  # fmt: skip
    lastcall = fields.Datetime("Last Run", readonly=True)
    nextcall = fields.Datetime("Next Run", readonly=True)
    lag_hours = fields.Float(
        "Late (hours)", readonly=True, digits=(10, 2), help="Hours past its next run."
    )
    failure_count = fields.Integer("Failures in a Row", readonly=True)
    first_failure_date = fields.Datetime("Failing Since", readonly=True)
    run_count = fields.Integer("Runs (7 days)", readonly=True)
    failed_run_count = fields.Integer("Failed Runs (7 days)", readonly=True)
    success_rate = fields.Float("Success (%)", readonly=True, digits=(5, 1))
    avg_duration = fields.Float("Mean Duration (s)", readonly=True, digits=(10, 2))
    last_error = fields.Text(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                WITH runs AS (%(logs)s),
                     recent AS (
                         SELECT * FROM runs
                          WHERE run_at >= (now() AT TIME ZONE 'UTC')
                                          - %(window)s * interval '1 day')
                SELECT c.id AS id,
                       c.id AS cron_id,
                       c.cron_name AS name,
                       c.active AS active,
                       c.interval_number AS interval_number,
                       c.interval_type AS interval_type,
                       c.lastcall AS lastcall,
                       c.nextcall AS nextcall,
                       GREATEST(0, extract(epoch FROM (now() AT TIME ZONE 'UTC') - c.nextcall)
                                   / 3600.0) AS lag_hours,
                       c.failure_count AS failure_count,
                       c.first_failure_date AS first_failure_date,
                       stats.runs AS run_count,
                       stats.failed AS failed_run_count,
                       CASE WHEN stats.runs > 0
                            THEN 100.0 * (stats.runs - stats.failed) / stats.runs END
                           AS success_rate,
                       stats.duration AS avg_duration,
                       (SELECT r.error FROM runs r
                         WHERE r.code = s.code AND NOT r.ok AND r.error IS NOT NULL
                         ORDER BY r.run_at DESC LIMIT 1) AS last_error
                  FROM ir_cron c
                  JOIN ir_act_server s ON s.id = c.ir_actions_server_id
                  JOIN ir_model m ON m.id = s.model_id
                  LEFT JOIN LATERAL (
                       SELECT count(*) AS runs, count(*) FILTER (WHERE NOT r.ok) AS failed,
                              avg(r.duration) AS duration
                         FROM recent r WHERE r.code = s.code) stats ON TRUE
                 WHERE m.model LIKE 'smart.dairy.%%')
                """,
                view=SQL.identifier(self._table),
                logs=RUN_LOGS,
                window=WINDOW_DAYS,
            )
        )

    @api.model
    @api.private
    def _health_payload(self):
        """Payload keys of a Pipeline Health widget: each active job's success rate over
        the last 7 days with its runs, failures in a row, last run and last error."""
        jobs = self.search([("active", "=", True)], order="name")
        rows = [
            {
                "id": job.id,
                "label": job.name,
                "value": job.success_rate if job.run_count else None,
                "limit": 100.0,
                "status": job._health_status(),
                "runs": job.run_count,
                "failed": job.failed_run_count,
                "failures": job.failure_count,
                "last_run": fields.Datetime.to_string(job.lastcall) if job.lastcall else "",
                "error": (job.last_error or "").strip().split("\n")[0][:200],
            }
            for job in jobs
        ]
        labels = {
            "success_rate": self.env._("Success (%)"),
            "runs": self.env._("Runs"),
            "failed_runs": self.env._("Failed Runs"),
        }
        codes = (  # code, display format, unit, key of the rows
            ("success_rate", "percentage", "%", "value"),
            ("runs", "number", "", "runs"),
            ("failed_runs", "number", "", "failed"),
        )
        data = {
            "model": self._name,
            "breakdown": "job",
            "rows": rows,
            "labels": [row["label"] for row in rows],
            "datasets": [
                {"code": code, "label": labels[code], "values": [row[key] for row in rows]}
                for code, _format, _unit, key in codes
            ],
        }
        return {
            "data": data,
            "empty": not rows,
            "note": self.env._(
                "Scheduled jobs of the suite over the last %(days)s days, whatever the "
                "period chosen; red: failing now or under %(rate)s %% of runs succeeded.",
                days=WINDOW_DAYS,
                rate=int(POOR_SUCCESS_RATE),
            ),
            "kpis": [
                {
                    "code": code,
                    "name": labels[code],
                    "display_format": display_format,
                    "unit": unit,
                    "polarity": "higher" if code == "success_rate" else "lower",
                }
                for code, display_format, unit, _key in codes
            ],
        }

    def _health_status(self):
        """danger (failing now, or a poor success rate), warning (some runs failed),
        ok, or muted (no run in the window)."""
        self.ensure_one()
        if self.failure_count or (self.run_count and self.success_rate < POOR_SUCCESS_RATE):
            return "danger"
        if not self.run_count:
            return "muted"
        return "warning" if self.failed_run_count else "ok"
