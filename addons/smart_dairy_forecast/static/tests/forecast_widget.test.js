import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAll, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    mockService,
    mountWithCleanup,
    onRpc,
    preloadBundle,
} from "@web/../tests/web_test_helpers";
import { registry } from "@web/core/registry";
import { SmartDairyDashboard } from "@smart_dairy_bi/components/dashboard_action/dashboard_action.esm";
import { ForecastWidget } from "@smart_dairy_forecast/components/forecast_widget/forecast_widget.esm";

defineMailModels();
preloadBundle("web.chartjs_lib");

const CURRENCY = { symbol: "$", position: "before", digits: 2 };
const KPI = {
    code: "forecast",
    name: "Milk per farm",
    unit: "L",
    display_format: "volume",
    polarity: "higher",
    fact_model: null,
};

/** A forecast widget of the get_dashboard_data answer (see _forecast_chart_payload). */
function forecastWidget(overrides = {}) {
    const periods = ["2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"];
    const gap = [null, null, null, null];
    return {
        id: 41,
        type: "forecast",
        title: "Milk: Forecast against Actual",
        col: 0,
        row: 0,
        width: 8,
        height: 3,
        options: {},
        note: "",
        kpis: [KPI],
        data: {
            view: "forecast",
            state: "done",
            config: { id: 5, name: "Milk per farm", frequency: "Daily", horizon: 2, series: "Total" },
            run: { id: 9, as_of: "2026-12-02", model: "ets: 3" },
            cutoff: "2026-12-01",
            forecast_start: "2026-12-02",
            labels: periods,
            periods,
            datasets: [
                { code: "actual", label: "Actual", values: [900, 950, 920, 940, null, null] },
                { code: "forecast", label: "Forecast", values: [...gap, 930, 935] },
                { code: "lo_80", label: "Low 80 %", values: [...gap, 880, 870] },
                { code: "hi_80", label: "High 80 %", values: [...gap, 980, 1000] },
                { code: "lo_95", label: "Low 95 %", values: [...gap, 850, 830] },
                { code: "hi_95", label: "High 95 %", values: [...gap, 1010, 1040] },
            ],
        },
        empty: false,
        ...overrides,
    };
}

function errorWidget() {
    return forecastWidget({
        id: 42,
        title: "Milk Forecast Error",
        kpis: [{ ...KPI, name: "WAPE", display_format: "percentage", unit: "%" }],
        data: {
            view: "error",
            state: "done",
            config: { id: 5, name: "Milk per farm", frequency: "Daily", horizon: 2, series: "Total" },
            metric: "WAPE",
            labels: ["2026-11-18", "2026-11-25"],
            periods: ["2026-11-18", "2026-11-25"],
            datasets: [
                { code: "realised_wape", label: "Realised WAPE", values: [6.5, 9.1] },
                { code: "backtest_wape", label: "Backtest WAPE", values: [5.2, 5.0] },
            ],
        },
    });
}

function notRunWidget() {
    return forecastWidget({
        empty: true,
        data: {
            view: "forecast",
            state: "none",
            config: { id: 5, name: "Milk per farm", frequency: "Daily", horizon: 2, series: "Total" },
            message: "Milk per farm has not been run yet: the daily job runs it, or an Analytics Manager can run it now.",
            can_run: true,
            labels: [],
            periods: [],
            datasets: [],
        },
    });
}

let calls;

beforeEach(() => {
    calls = [];
});

async function mountWidget(widget) {
    await mountWithCleanup(ForecastWidget, { props: { widget, currency: CURRENCY } });
    await animationFrame();
}

const chartOf = () => window.Chart.getChart(queryOne(".o_sd_forecast canvas"));

describe("forecast widget", () => {
    test("is the dashboard's component for the forecast type", () => {
        expect(registry.category("smart_dairy_bi.widgets").get("forecast")).toBe(ForecastWidget);
    });

    test("draws the 80 % and 95 % bands as filled datasets under the forecast and actuals", async () => {
        await mountWidget(forecastWidget());
        const chart = chartOf();
        const datasets = chart.data.datasets;
        expect(datasets.map((d) => d.code)).toEqual([
            "lo_95",
            "hi_95",
            "lo_80",
            "hi_80",
            "forecast",
            "actual",
        ]);
        // Each band fills from its upper bound down to its lower bound.
        expect(datasets[1].fill).toEqual({ target: 0 });
        expect(datasets[3].fill).toEqual({ target: 2 });
        expect(datasets[0].fill).toBe(false);
        expect(datasets[1].data).toEqual([null, null, null, null, 1010, 1040]);
        expect(datasets[2].data).toEqual([null, null, null, null, 880, 870]);
        expect(datasets[5].data).toEqual([900, 950, 920, 940, null, null]);
        expect(datasets[4].fill).toBe(false);
        expect(datasets[5].fill).toBe(false);
    });

    test("marks the forecast start with a vertical line", async () => {
        await mountWidget(forecastWidget());
        const chart = chartOf();
        expect(chart.config.plugins.map((p) => p.id)).toInclude("forecastStart");
        expect(chart.options.plugins.forecastStart.index).toBe(4);
        expect(".o_sd_forecast_caption").toHaveText(/forecast from 2026-12-02/);
    });

    test("draws the realised error against the backtest error as a reference", async () => {
        await mountWidget(errorWidget());
        const chart = chartOf();
        expect(chart.data.datasets.map((d) => d.code)).toEqual(["realised_wape", "backtest_wape"]);
        expect(chart.data.datasets[0].data).toEqual([6.5, 9.1]);
        expect(chart.data.datasets[1].borderDash).toEqual([6, 4]);
        expect((chart.config.plugins || []).map((p) => p.id)).not.toInclude("forecastStart");
    });

    test("without a run, says so and lets an Analytics Manager run it", async () => {
        onRpc("smart.dairy.forecast.config", "action_run", ({ args }) => {
            calls.push(args);
            return [3];
        });
        await mountWidget(notRunWidget());
        expect("canvas").toHaveCount(0);
        expect(".o_sd_forecast_message").toHaveText(/has not been run yet/);
        await contains(".o_sd_forecast_run").click();
        expect(calls).toEqual([[[5]]]);
        expect(".o_sd_forecast_run").toHaveAttribute("disabled");
    });

    test("offers no Run now to those who may not run forecasts", async () => {
        onRpc("has_group", () => false);
        await mountWidget(notRunWidget());
        expect(".o_sd_forecast_message").toHaveText(/has not been run yet/);
        expect(".o_sd_forecast_run").toHaveCount(0);
    });

    test("is drawn by the dashboard from the registry", async () => {
        mockService("bus_service", {
            isActive: true,
            start() {},
            subscribe() {},
            unsubscribe() {},
        });
        onRpc("smart.dairy.dashboard", "get_dashboard_data", () => ({
            dashboard: { id: 1, name: "Farm Operations" },
            filters: { preset: "last_30_days", date_from: "2026-11-03", date_to: "2026-12-02",
                       region_ids: [], categ_ids: [], team_ids: [], farm_ids: [] }, // prettier-ignore
            filter_options: { presets: [["last_30_days", "Last 30 Days"]], dimensions: [] },
            grain: "day",
            currency: CURRENCY,
            widgets: [forecastWidget(), errorWidget()],
            alerts: [],
            alert_counts: {},
        }));
        await mountWithCleanup(SmartDairyDashboard, {
            props: { action: { params: { dashboard_id: 1 } }, actionId: 1 },
        });
        await animationFrame();
        expect(queryAll(".o_sd_widget_forecast .o_sd_forecast canvas")).toHaveLength(2);
        expect(".o_sd_widget_forecast .card-header h2").toHaveCount(2);
    });
});
