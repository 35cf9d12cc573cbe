import datetime
import logging
import time

from smart_dairy import db
from smart_dairy import kpi as engine
from smart_dairy.kpi import dashboard as layout

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

LOCK_NAME = "smart_dairy_bi.kpi_materialisation"
# Who last held each run lock (see smart_dairy.db.claim_locks).
CLAIM_TABLE = "smart_dairy_kpi_run_claim"
VALUE_TABLE = engine.ValueTable(name="smart_dairy_kpi_value")
# Day values by every dashboard filter at once (see engine.CubeTable); no model owns it.
CUBE_TABLE = engine.CubeTable(
    name="smart_dairy_kpi_cube",
    dimensions=tuple(dimension.column for dimension in layout.DIMENSION_FILTERS),
)
RUN_MODES = [
    ("incremental", "Incremental"),
    ("reconcile", "Nightly Reconciliation"),
    ("manual", "Manual"),
    ("backfill", "Backfill of New or Changed KPIs"),
]
BACKFILL_RETRY = datetime.timedelta(minutes=5)


class SmartDairyKpiRun(models.Model):
    """One materialisation run: what it did, how long it took, how it ended."""

    _name = "smart.dairy.kpi.run"
    _description = "KPI Materialisation Run"
    _order = "id desc"
    _rec_name = "started_at"

    mode = fields.Selection(RUN_MODES, required=True, readonly=True)
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done with Errors"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        required=True,
        default="running",
        readonly=True,
    )
    started_at = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    finished_at = fields.Datetime(readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(16, 2))
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    kpi_count = fields.Integer("KPIs", readonly=True)
    period_count = fields.Integer("Periods", readonly=True)
    row_count = fields.Integer("Values Written", readonly=True)
    watermarks = fields.Json(readonly=True)
    error = fields.Text(readonly=True)
    failed_kpi_ids = fields.Many2many("smart.dairy.kpi", string="Failed KPIs", readonly=True)

    # ------------------------------------------------------------------ crons

    @api.model
    def _cron_incremental(self):
        """Recompute the periods whose source rows changed since the last run."""
        self._run(self.env["smart.dairy.kpi"].search([]), mode="incremental")

    @api.model
    def _cron_reconcile(self):
        """Recompute the last N days in full, catching deletions and moved rows."""
        self._run(self.env["smart.dairy.kpi"].search([]), mode="reconcile")

    @api.model
    def _cron_backfill(self, commit=True):
        """Compute the KPIs created or changed since the last backfill over the whole
        history kept, as a full recomputation would. A KPI changed again during the run
        stays pending for the next one; one that failed is marked so on its form."""
        Kpi = self.env["smart.dairy.kpi"].sudo()
        kpis = Kpi.search([("backfill_state", "=", "pending")])
        if not kpis:
            return self.browse()
        requested = {kpi.id: kpi.backfill_requested_at for kpi in kpis}
        run = self._run(kpis, mode="backfill", commit=commit)
        cron = self.env.ref("smart_dairy_bi.ir_cron_kpi_backfill").sudo()
        if run.state == "skipped":
            cron._trigger(fields.Datetime.now() + BACKFILL_RETRY)
            return run
        kpis.invalidate_recordset(["backfill_state", "backfill_requested_at"])
        done = kpis.filtered(lambda kpi: kpi.backfill_requested_at == requested[kpi.id])
        failed = done & run.failed_kpi_ids
        (done - failed).write({"backfill_state": False, "backfill_requested_at": False})
        failed.write({"backfill_state": "failed"})
        if commit:
            self.env["ir.cron"]._commit_progress()
        if kpis - done:
            cron._trigger()
        return run

    # ------------------------------------------------------------------- runs

    @api.model
    def _run(self, kpis, mode, commit=True, date_from=None, date_to=None):
        """Materialise ``kpis`` and log the run; ``commit`` makes each KPI batch durable
        on its own (crons), otherwise everything stays in the caller's transaction.

        One run at a time per company and grain (and per company for the alert rules
        evaluated after it): the locks are taken before anything is computed and held
        until the run's last commit (transaction-level locks without ``commit``,
        session-level ones released after the final commit with it). A run that finds
        one taken does not start: it is logged as skipped, saying which."""
        run = self.sudo().create({"mode": mode, "kpi_count": len(kpis)})
        locks = run._lock_names(kpis)
        busy = db.try_locks(self.env.cr, locks, transaction=not commit)
        if busy:
            return run._skip(
                self.env._(
                    "Another KPI run was in progress for %(what)s: this one did not start.",
                    what=run._describe_locks(busy),
                ),
                commit,
            )
        try:
            if commit:
                # A new transaction, whose snapshot starts after the locks were taken.
                self.env["ir.cron"]._commit_progress(remaining=len(kpis))
            if not db.claim_locks(self.env.cr, CLAIM_TABLE, locks, run.id):
                # Our snapshot predates another run's commit: we would overwrite
                # values we cannot see.
                return run._skip(
                    self.env._(
                        "Another KPI run finished for these KPIs while this one was "
                        "starting: its values are saved. Start again to recompute."
                    ),
                    commit,
                )
            started = time.monotonic()
            run._materialise(kpis.sudo(), commit, date_from, date_to)
            run.write(
                {
                    "finished_at": fields.Datetime.now(),
                    "duration": time.monotonic() - started,
                }
            )
            if commit:
                self.env["ir.cron"]._commit_progress()
            if run.row_count:
                run._after_values_changed(kpis)
                if commit:
                    self.env["ir.cron"]._commit_progress()
        finally:
            if commit:
                db.release_locks(self.env.cr, locks)
        return run

    def _skip(self, reason, commit):
        self.write({"state": "skipped", "finished_at": fields.Datetime.now(), "error": reason})
        if commit:
            self.env["ir.cron"]._commit_progress()
        return self

    def init(self):
        db.create_claim_table(self.env.cr, CLAIM_TABLE)
        engine.create_cube_table(
            self.env.cr, CUBE_TABLE, {"kpi_id": "smart_dairy_kpi", "company_id": "res_company"}
        )

    @api.model
    def _rebuild_cube(self):
        """Write the cube rows of every KPI over the whole history (once, on upgrade,
        when the values exist already; runs write them from then on)."""
        catalogue = self.env["smart.dairy.kpi"]._catalogue()
        date_to = fields.Date.context_today(self) + datetime.timedelta(days=1)
        date_from = self._history_start() or date_to
        kpis = self.env["smart.dairy.kpi"].sudo().search([])
        for (tz, companies), group in kpis._group_by_companies().items():
            codes = set(group.mapped("code")) - catalogue.problems.keys()
            held = [kpi for kpi in catalogue if kpi.code in codes and CUBE_TABLE.holds(kpi)]
            engine.write_cube(
                self.env.cr, CUBE_TABLE, catalogue, held, companies, [(date_from, date_to)], tz
            )

    @api.model
    def _lock_names(self, kpis):
        """The advisory locks of a run of ``kpis``: each company and grain it computes,
        and each company whose alert rules it evaluates."""
        names = set()
        for (_tz, companies), group in kpis._group_by_companies().items():
            grains = {grain for kpi in group for grain in kpi._grains}
            for company in companies:
                names.add(f"{LOCK_NAME}:alerts:{company}")
                names.update(f"{LOCK_NAME}:{company}:{grain.value}" for grain in grains)
        return sorted(names)

    def _describe_locks(self, names):
        """Plain words for lock names: "Dairy A (day, month)"."""
        grains, companies = {}, self.env["res.company"].sudo()
        for name in names:
            company, what = name.removeprefix(f"{LOCK_NAME}:").split(":")[-2:]
            if company == "alerts":
                company, what = what, "alerts"
            grains.setdefault(int(company), []).append(what)
        return "; ".join(
            f"{companies.browse(company).name} ({', '.join(sorted(whats))})"
            for company, whats in sorted(grains.items())
        )

    def _materialise(self, kpis, commit, date_from, date_to):
        """Refresh per grain, all KPIs of a grain in one batch (one scan per fact);
        a batch that fails is retried KPI by KPI so one bad KPI stops no other."""
        self.ensure_one()
        catalogue = self.env["smart.dairy.kpi"]._catalogue()
        facts = catalogue.facts
        stamp = engine.Stamp(run_id=self.id, uid=self.env.uid)
        if self.mode == "incremental":
            previous = self._last_watermarks()
            retry = self._last_failed() & kpis
        else:
            date_to = date_to or fields.Date.context_today(self)
            date_from = date_from or self._default_start(date_to)
            self.write({"date_from": date_from, "date_to": date_to})
        failed, errors = self.env["smart.dairy.kpi"], {}
        written = periods = cube_rows = 0
        watermarks = dict(self._last_watermarks())
        grains = [grain for grain in engine.Grain if any(grain in kpi._grains for kpi in kpis)]
        # A reconciliation commits grain by grain; an incremental run looks for
        # changes once for all grains.
        steps = [grains] if self.mode == "incremental" else [[grain] for grain in grains]
        for step in steps:
            for (tz, companies), group in kpis._group_by_companies().items():
                batches = [group.filtered(lambda kpi, step=step: set(step) & set(kpi._grains))]
                while batches:
                    batch = batches.pop() - failed
                    if not batch:
                        continue
                    codes = batch.mapped("code")
                    zone = engine.Companies(companies, tz)
                    try:
                        with self.env.cr.savepoint():
                            if self.mode == "incremental":
                                result = engine.refresh_incremental(
                                    self.env.cr, VALUE_TABLE, catalogue, step,
                                    {n: _parse(previous.get(n)) for n in facts}, zone, stamp,
                                    codes, cutoff=self.env.cr.now(), cube=CUBE_TABLE,
                                )  # fmt: skip
                                watermarks.update(
                                    (name, _format(mark))
                                    for name, mark in result.watermarks.items()
                                )
                            else:
                                result = engine.refresh_range(
                                    self.env.cr, VALUE_TABLE, catalogue, step, date_from,
                                    date_to, zone, stamp, codes, cube=CUBE_TABLE,
                                )  # fmt: skip
                    except Exception as error:  # one failing KPI must not stop the others
                        if len(batch) > 1:
                            batches.extend(batch)
                            continue
                        _logger.exception("KPI %s failed to materialise", batch.code)
                        failed |= batch
                        errors[batch.code] = str(error)
                        continue
                    written += result.written
                    cube_rows += result.cube_rows
                    periods += sum(len(pairs) for pairs in result.pairs.values())
                    if commit:
                        self.env["ir.cron"]._commit_progress(len(batch))
        if self.mode == "incremental" and retry - failed:
            # Last run's failures: rebuild their reconciliation window now.
            retried = self.env["smart.dairy.kpi.run"]._run(retry - failed, "reconcile", commit)
            written += retried.row_count
        _logger.info(
            "KPI run %s (%s): %d KPIs, %d grains, %d periods, %d values and %d cube rows "
            "written, %d failed",
            self.id, self.mode, len(kpis), len(grains), periods, written, cube_rows, len(failed),
        )  # fmt: skip
        self.write(
            {
                "state": "failed" if failed else "done",
                "row_count": written,
                "period_count": periods,
                "watermarks": watermarks,
                "failed_kpi_ids": [fields.Command.set(failed.ids)],
                "error": "\n".join(f"{code}: {text}" for code, text in errors.items()) or False,
            }
        )

    def _default_start(self, date_to):
        if self.mode == "reconcile":
            days = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("smart_dairy_bi.reconcile_days", 35)
            )
            return date_to - datetime.timedelta(days=days)
        return self._history_start() or date_to

    def _last_failed(self):
        last = self.search([("id", "!=", self.id), ("state", "!=", "skipped")], limit=1)
        return last.failed_kpi_ids

    def _last_watermarks(self):
        last = self.search(
            [
                ("mode", "=", "incremental"),
                ("state", "in", ("done", "partial", "failed")),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        return dict(last.watermarks or {})

    def _history_start(self):
        """The first date any fact has data for, to rebuild everything."""
        starts = [
            model._read_group([], aggregates=["date:min"])[0][0]
            for model in self.env["smart.dairy.fact"]._fact_models()
        ]
        return min(filter(None, starts), default=None)

    def _after_values_changed(self, kpis):
        """Hook run after a run wrote values: evaluates the alert rules of the run's
        companies, then tells open dashboards through the bus."""
        companies = {company for _tz, ids in kpis._group_by_companies() for company in ids}
        self.env["smart.dairy.alert.rule"]._evaluate_after_run(
            self.env["res.company"].browse(sorted(companies))
        )
        self._notify_listeners()

    def _notify_listeners(self):
        """Tell open dashboards that KPI values changed."""
        self.env["smart.dairy.dashboard"]._notify_open({"run_id": self.id, "mode": self.mode})

    def _action_notify(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if self.state == "done" else "warning",
                "message": self.env._(
                    "%(count)s KPI values written in %(seconds).1f s.",
                    count=self.row_count,
                    seconds=self.duration,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


def _key(kpi, fact_name):
    return f"{kpi.code}:{fact_name}"


def _format(mark):
    return mark.isoformat() if mark else None


def _parse(text):
    return datetime.datetime.fromisoformat(text) if text else None
