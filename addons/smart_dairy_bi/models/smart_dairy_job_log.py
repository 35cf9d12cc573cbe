import contextlib
import functools
import time

from odoo import api, fields, models
from odoo.tools import SQL

KEEP_DAYS = 90


def logged_job(method):
    """Record each run of a scheduled job's method (``model._cron_x()``) in
    ``smart.dairy.job.log``, for pipeline health."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with self.env["smart.dairy.job.log"]._recording(f"model.{method.__name__}()"):
            return method(self, *args, **kwargs)

    return run


class SmartDairyJobLog(models.Model):
    """One run of a scheduled job that keeps no run log of its own (sensor, forecast
    and customer jobs), keyed by its scheduled action's code as pipeline health reads
    it."""

    _name = "smart.dairy.job.log"
    _description = "Scheduled Job Run"
    _order = "run_at desc, id desc"

    code = fields.Char(required=True, index=True, readonly=True)
    run_at = fields.Datetime("Started", required=True, readonly=True)
    ok = fields.Boolean("Succeeded", readonly=True)
    duration = fields.Float("Duration (s)", digits=(10, 2), readonly=True)
    error = fields.Text(readonly=True)

    @api.model
    @api.private
    @contextlib.contextmanager
    def _recording(self, code):
        """Log the run of the block. A failure is raised again and logged once the
        job's transaction is rolled back (the scheduler then commits its own
        bookkeeping, and the log with it)."""
        run_at, started = fields.Datetime.now(), time.perf_counter()
        try:
            yield
        except Exception as exc:
            failure = SQL(
                """INSERT INTO smart_dairy_job_log
                       (code, run_at, ok, duration, error, create_uid, create_date,
                        write_uid, write_date)
                   VALUES (%s, %s, FALSE, %s, %s, %s, %s, %s, %s)""",
                code,
                run_at,
                time.perf_counter() - started,
                str(exc) or type(exc).__name__,
                self.env.uid,
                run_at,
                self.env.uid,
                run_at,
            )
            self.env.cr.postrollback.add(functools.partial(self.env.cr.execute, failure))
            raise
        self.sudo().create(
            {"code": code, "run_at": run_at, "ok": True, "duration": time.perf_counter() - started}
        )

    @api.autovacuum
    def _gc_old_runs(self):
        """Forget runs older than KEEP_DAYS days (pipeline health reads the last 7)."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=KEEP_DAYS)
        self.sudo().search([("run_at", "<", limit)]).unlink()
