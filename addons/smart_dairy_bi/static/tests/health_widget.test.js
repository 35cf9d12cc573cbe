import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAll, queryAllTexts } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    mockService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";
import { HealthWidget } from "@smart_dairy_bi/components/health_widget/health_widget.esm";

defineMailModels();

const PERCENT = { code: "success_rate", name: "Success (%)", display_format: "percentage", unit: "%" };
const HOURS = { code: "age", name: "Age (hours)", display_format: "number", unit: "h" };

/** A health widget of the get_dashboard_data answer: its type, first KPI, model and rows. */
function healthWidget(type, kpi, model, rows) {
    return { id: 31, type, title: type, kpis: [kpi], data: { model, rows }, empty: !rows.length };
}

const pipelineWidget = (rows) => healthWidget("pipeline", PERCENT, "smart.dairy.pipeline.job", rows);
const freshnessWidget = (rows) =>
    healthWidget("freshness", HOURS, "smart.dairy.quality.result", rows);

let doneActions;

/** Texts with non-breaking spaces read as spaces. */
function texts(selector) {
    return queryAllTexts(selector).map((text) => text.replace(/\s/g, " "));
}

beforeEach(() => {
    doneActions = [];
    patchWithCleanup(localization, { decimalPoint: ".", thousandsSep: ",", grouping: [3, 0] });
    mockService("action", {
        doAction(action) {
            doneActions.push(action);
        },
    });
});

async function mount(widget) {
    await mountWithCleanup(HealthWidget, {
        props: { widget, currency: { symbol: "$", position: "before", digits: 2 } },
    });
    await animationFrame();
}

describe("HealthWidget", () => {
    test("is the component of both health widget types", () => {
        const widgets = registry.category("smart_dairy_bi.widgets");
        expect(widgets.get("pipeline")).toBe(HealthWidget);
        expect(widgets.get("freshness")).toBe(HealthWidget);
        expect(widgets.get("failing_checks")).toBe(HealthWidget);
    });

    test("a job's row shows its success rate as a meter coloured by status", async () => {
        await mount(
            pipelineWidget([
                { id: 4, label: "KPI refresh", value: 75, limit: 100, status: "danger",
                  runs: 8, failed: 2, failures: 1, last_run: "", error: "division by zero" },
                { id: 5, label: "Report sending", value: null, limit: 100, status: "muted",
                  runs: 0, failed: 0, failures: 0, last_run: "", error: "" },
                { id: 6, label: "Forecasts", value: 100, limit: 100, status: "ok",
                  runs: 1, failed: 0, failures: 0, last_run: "", error: "" },
            ])
        );
        expect(queryAllTexts(".o_sd_health_label")).toEqual([
            "KPI refresh",
            "Report sending",
            "Forecasts",
        ]);
        expect(queryAllTexts(".o_sd_health_value")).toEqual(["75.0%", "—", "100.0%"]);
        const rows = queryAll(".o_sd_health_row");
        expect(rows[0]).toHaveClass("o_sd_health_danger");
        expect(rows[1]).toHaveClass("o_sd_health_muted");
        expect(queryAll(".o_sd_health_meter span")[0].style.width).toBe("75%");
        expect(".o_sd_health_meta:first").toHaveText("8 runs, 2 failed · failing 1 times in a row");
        expect(".o_sd_health_error").toHaveText("division by zero");
        expect(texts(".o_sd_health_meta").slice(1)).toEqual([
            "no run in the last 7 days",
            "1 run, succeeded",
        ]);
    });

    test("a source's age fills its meter against the limit, at most full", async () => {
        await mount(
            freshnessWidget([
                { id: 9, label: "Milkings", value: 6, limit: 36, status: "ok", last_run: "", error: "" },
                { id: 10, label: "Orders", value: 400, limit: 168, status: "danger", last_run: "",
                  error: "the stalest is 400.0 h old" },
            ])
        );
        expect(texts(".o_sd_health_value")).toEqual(["6 h", "400 h"]);
        const meters = queryAll(".o_sd_health_meter span");
        expect(Math.round(parseFloat(meters[0].style.width))).toBe(17);
        expect(meters[1].style.width).toBe("100%");
        expect(texts(".o_sd_health_meta")[0]).toBe("limit 36 h");
    });

    test("a row opens its record", async () => {
        await mount(
            freshnessWidget([
                { id: 9, label: "Milkings", value: 6, limit: 36, status: "ok", last_run: "", error: "" },
            ])
        );
        await contains(".o_sd_health_row").click();
        expect(doneActions).toHaveLength(1);
        expect(doneActions[0]).toMatchObject({
            res_model: "smart.dairy.quality.result",
            res_id: 9,
            views: [[false, "form"]],
        });
    });

    test("a failing check opens its failing records", async () => {
        const calls = [];
        onRpc("smart.dairy.quality.result", "action_open_failing", ({ args }) => {
            calls.push(args[0]);
            return { type: "ir.actions.act_window", res_model: "smart.dairy.milking" };
        });
        await mount(
            healthWidget("failing_checks", PERCENT, "smart.dairy.quality.result", [
                { id: 77, label: "Volumes given", value: 12.5, limit: 100, status: "danger",
                  failing: 2, examined: 16, last_run: "", error: "2 of 16 rows fail (12.50 %)",
                  method: "action_open_failing" },
            ])
        );
        expect(texts(".o_sd_health_value")).toEqual(["12.5%"]);
        expect(texts(".o_sd_health_meta")[0]).toBe("2 of 16 failing");
        await contains(".o_sd_health_row").click();
        expect(calls).toEqual([[77]]);
        expect(doneActions).toEqual([
            { type: "ir.actions.act_window", res_model: "smart.dairy.milking" },
        ]);
    });

    test("says why it is empty", async () => {
        await mount(freshnessWidget([]));
        expect(".o_sd_health").toHaveCount(0);
        expect(".o_sd_widget_empty").toHaveText(/No freshness check has run yet/);
    });
});
