import logging
import time

import psycopg2
from psycopg2.extensions import TRANSACTION_STATUS_INERROR
from smart_dairy import dataquality

from odoo import fields, models

from .smart_dairy_quality_check import SENSOR_DEVICE_MODEL, read_only_connection

_logger = logging.getLogger(__name__)

ALERT_PREFIX = "quality"
STATEMENT_TIMEOUT = "120s"
STATEMENT_TIMEOUT_MS = 120_000


def alert_key(check_id, company_id):
    """One unresolved alert per check and company."""
    return f"{ALERT_PREFIX}:{check_id}:{company_id or 0}"


class SmartDairyQualityCheck(models.Model):
    """Running checks: the daily job, results, alerts."""

    _inherit = "smart.dairy.quality.check"

    def _cron_run_checks(self, now=None, commit=True):
        """Run the active checks that are due in one pass, committing after each, then
        record the day's scores. A check that errors is recorded as errored; the others
        go on. Returns the results."""
        now = now or fields.Datetime.now()
        checks = self.sudo().search([("active", "=", True)])
        due = checks.filtered(
            lambda c: (
                not c.last_run or (now - c.last_run).total_seconds() >= c.interval_hours * 3600 - 60
            )
        )
        results = self.env["smart.dairy.quality.result"]
        done = 0
        for batch in due._batches():
            results |= batch._run_batch(now)
            done += len(batch)
            if commit and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=len(due) - done
            ):
                break  # out of time: the cron comes back at once for the rest
        else:
            if due:
                self.env["smart.dairy.quality.score"].sudo()._record_scores(now)
        _logger.info(
            "Data quality: %s checks run, %s results failed, %s errored",
            len(due),
            len(results.filtered(lambda r: r.state == "failed")),
            len(results.filtered(lambda r: r.state == "errored")),
        )
        return results

    def _run_checks(self, now):
        """Run these checks at ``now`` (naive UTC) as the system: results, alerts.
        Returns the results, in the caller's environment."""
        results = self.env["smart.dairy.quality.result"]
        for batch in self.sudo()._batches():
            results |= batch._run_batch(now)
        return results.with_env(self.env)

    def _batches(self):
        """These checks in batches, in order: row checks over the same rows together
        (one scan serves them), every other check alone."""
        batches = {}
        for check in self:
            try:
                key = dataquality.batch_key(check._to_engine())
            except dataquality.CheckError:
                key = None  # recorded as errored when run alone
            batches.setdefault(key if key is not None else check.id, []).append(check.id)
        return [self.browse(ids) for ids in batches.values()]

    def _run_batch(self, now):
        """Run a batch of _batches: one statement for all, each check's time its share;
        should it fail, each check runs alone (and the one at fault errors)."""
        if len(self) == 1:
            return self._run_one(now)
        started = time.monotonic()
        specs = [check._to_engine() for check in self]
        try:
            with self.env.cr.savepoint():
                outcomes = self[0]._on_source(lambda cr: dataquality.run_batch(cr, specs, now))
        except (dataquality.CheckError, psycopg2.Error) as exc:
            _logger.info("Data quality: a shared scan failed (%s); the checks run alone", exc)
            results = self.env["smart.dairy.quality.result"]
            return results.union(*(check._run_one(now) for check in self))
        share = (time.monotonic() - started) / len(self)
        results = self.env["smart.dairy.quality.result"]
        for check, found in zip(self, outcomes, strict=True):
            results |= check._record({"check_id": check.id, "run_at": now}, found, share, now)
        return results

    def _run_one(self, now):
        self.ensure_one()
        started = time.monotonic()
        Result = self.env["smart.dairy.quality.result"].sudo()
        base = {"check_id": self.id, "run_at": now}
        try:
            with self.env.cr.savepoint():
                if self.kind == "custom_sql":
                    outcomes = self._run_custom()
                elif self.source == "sensor" and not self._sensor_store_present():
                    self.last_run = now
                    return Result.create(
                        {
                            **base,
                            "state": "skipped",
                            "detail": self.env._("This database holds no sensor store."),
                        }
                    )
                else:
                    outcomes = self._run_statement(now)
        except (dataquality.CheckError, psycopg2.Error) as exc:
            _logger.warning("Data quality check %s (%s) errored: %s", self.name, self.id, exc)
            self.last_run = now
            return Result.create(
                {**base, "state": "errored", "detail": str(exc).strip()[:2000],
                 "duration": time.monotonic() - started}
            )  # fmt: skip
        return self._record(base, outcomes, time.monotonic() - started, now)

    def _run_statement(self, now):
        spec = self._to_engine()
        return self._on_source(lambda cr: dataquality.run(cr, spec, now))

    def _on_source(self, work):
        """``work(cursor)`` on what the check reads, under the statement timeout."""
        with self._source_cursor() as cr:
            cr.execute("SET LOCAL statement_timeout = %s", [STATEMENT_TIMEOUT])
            try:
                return work(cr)
            finally:
                # after an error, the rollback (savepoint or closing) undoes the SET LOCAL
                if cr.connection.get_transaction_status() != TRANSACTION_STATUS_INERROR:
                    cr.execute("SET LOCAL statement_timeout TO DEFAULT")

    def _run_custom(self):
        conn = read_only_connection(self.env.cr.dbname)
        try:
            return dataquality.run_custom(conn, self.sql_query, STATEMENT_TIMEOUT_MS)
        finally:
            conn.close()

    def _record(self, base, outcomes, duration, now):
        """Results of the outcomes, the check's last run, and its alerts."""
        Result = self.env["smart.dairy.quality.result"].sudo()
        sample_model = self._sample_model()
        results = Result.create(
            [
                {
                    **base,
                    "company_id": outcome.company_id,
                    "state": "passed" if outcome.passed else "failed",
                    "examined": outcome.examined,
                    "failing": outcome.failing,
                    "measure": outcome.measure,
                    "detail": outcome.detail,
                    "duration": duration,
                    "sample_model": sample_model if outcome.samples else False,
                    "sample_ids": ",".join(map(str, outcome.samples)),
                }
                for outcome in outcomes
            ]
        )
        self.last_run = now
        self._update_alerts(results)
        return results

    def _sample_model(self):
        """The model of the sample ids: the group column's model when grouped, else the source."""
        model = self._source_model()
        grouped = self.group_column and self.kind in ("freshness", "balance")
        if model is None:
            by_device = grouped and self.group_column == "device_id"
            return SENSOR_DEVICE_MODEL if by_device and SENSOR_DEVICE_MODEL in self.env else False
        if grouped:
            field = model._fields.get(self.group_column)
            return field.comodel_name if field and field.type == "many2one" else False
        return model._name

    def _update_alerts(self, results):
        """Raise an alert per company whose result failed; resolve the others of this check."""
        Alert = self.env["smart.dairy.alert"]
        raised = set()
        for result in results.filtered(lambda r: r.state == "failed"):
            key = alert_key(self.id, result.company_id.id)
            raised.add(key)
            Alert._raise(key, self._alert_values(result))
        open_keys = (
            Alert.sudo()
            .search([("dedup_key", "=like", alert_key(self.id, "%")), ("state", "!=", "resolved")])
            .mapped("dedup_key")
        )
        for key in set(open_keys) - raised:
            Alert._resolve(key, self.env._("The data quality check passes again."))

    def _alert_values(self, result):
        return {
            "name": self.env._("Data quality: %s", self.name),
            "source": "quality",
            "company_id": result.company_id.id or self.env.company.id,
            "severity": self.severity,
            "user_id": self.user_id.id,
            "value": result.failing,
            "expected": self.env._("%s %% may fail", self.tolerance_pct or 0),
            "message": result.detail,
        }
