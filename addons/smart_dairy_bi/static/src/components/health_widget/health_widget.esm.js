import { Component } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatKpiValue } from "@smart_dairy_bi/utils/format.esm";

/**
 * The health widgets of the Data Quality dashboard, a row each with a meter coloured
 * by status: Pipeline Health (a scheduled job's success rate over the last 7 days),
 * Source Freshness (the age of a source's newest record against its check's limit)
 * and Failing Checks (a check's failing share). A row opens the job's health, the
 * check's latest result, or the failing records themselves.
 */
export class HealthWidget extends Component {
    static template = "smart_dairy_bi.HealthWidget";
    static props = {
        widget: Object,
        currency: Object,
        onDrilldown: { type: Function, optional: true },
    };

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
    }

    get kpi() {
        return this.props.widget.kpis?.[0];
    }

    get isPipeline() {
        return this.props.widget.type === "pipeline";
    }

    get rows() {
        return (this.props.widget.data?.rows || []).map((row) => ({
            ...row,
            valueText: this.format(row.value),
            meter: this.meter(row),
            meta: this.meta(row),
        }));
    }

    format(value) {
        return value === null || value === undefined
            ? "—"
            : formatKpiValue(value, this.kpi, this.props.currency);
    }

    /** The meter's filled share in percent: the success rate, or the age against the limit. */
    meter(row) {
        if (row.value === null || row.value === undefined || !row.limit) {
            return 0;
        }
        return Math.min(100, Math.max(0, (100 * row.value) / row.limit));
    }

    meta(row) {
        const parts = [];
        if (this.isPipeline) {
            if (!row.runs) {
                parts.push(_t("no run in the last 7 days"));
            } else if (row.runs === 1) {
                parts.push(row.failed ? _t("1 run, failed") : _t("1 run, succeeded"));
            } else {
                parts.push(
                    _t("%(runs)s runs, %(failed)s failed", { runs: row.runs, failed: row.failed })
                );
            }
            if (row.failures) {
                parts.push(_t("failing %s times in a row", row.failures));
            }
        } else if (this.props.widget.type === "failing_checks") {
            if (row.examined !== undefined && row.value !== null) {
                parts.push(
                    _t("%(failing)s of %(examined)s failing", {
                        failing: row.failing,
                        examined: row.examined,
                    })
                );
            }
        } else if (row.limit) {
            parts.push(_t("limit %s", this.format(row.limit)));
        }
        if (row.last_run) {
            parts.push(_t("last run %s", formatDateTime(deserializeDateTime(row.last_run))));
        }
        return parts.join(" · ");
    }

    async open(row) {
        const model = this.props.widget.data.model;
        if (row.method) {
            const action = await this.orm.call(model, row.method, [[row.id]]);
            if (action) {
                return this.action.doAction(action);
            }
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: row.id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry
    .category("smart_dairy_bi.widgets")
    .add("pipeline", HealthWidget)
    .add("freshness", HealthWidget)
    .add("failing_checks", HealthWidget);
