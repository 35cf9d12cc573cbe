import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    mockService,
    mountWithCleanup,
    onRpc,
    preloadBundle,
} from "@web/../tests/web_test_helpers";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { SmartDairyDashboard } from "@smart_dairy_bi/components/dashboard_action/dashboard_action.esm";

defineMailModels();
preloadBundle("web.chartjs_lib");

/** A get_dashboard_data answer that follows the data contract, for the unit tests. */
function dashboardFixture(overrides = {}) {
    const point = (value, extra = {}) => ({
        period_start: "2026-10-01",
        label: "Oct 2026",
        value,
        previous: null,
        last_year: null,
        target: null,
        achievement: null,
        delta_previous: null,
        delta_previous_pct: null,
        delta_last_year: null,
        delta_last_year_pct: null,
        ...extra,
    });
    const revenue = {
        code: "REVENUE",
        name: "Gross Revenue (ordered)",
        description: "Ordered, whether invoiced or not: confirmed sale order lines.",
        unit: "",
        display_format: "currency",
        polarity: "higher",
        fact_model: "smart.dairy.fact.sales",
    };
    const scc = {
        code: "AVG_SCC",
        name: "Average Somatic Cell Count",
        unit: "cells/mL",
        display_format: "number",
        polarity: "lower",
        fact_model: "smart.dairy.fact.milk",
    };
    const production = {
        code: "PRODUCTION",
        name: "Milk Production",
        unit: "L",
        display_format: "volume",
        polarity: "higher",
        fact_model: "smart.dairy.fact.milk",
    };
    const options = { stacked: false, horizontal: false, top_n: 0 };
    return {
        dashboard: { id: 1, name: "Executive" },
        filters: {
            preset: "last_30_days",
            date_from: "2026-10-25",
            date_to: "2026-11-23",
            region_ids: [],
            categ_ids: [],
            team_ids: [],
            farm_ids: [],
        },
        filter_options: {
            presets: [
                ["last_30_days", "Last 30 Days"],
                ["last_90_days", "Last 90 Days"],
                ["custom", "Custom Range"],
            ],
            dimensions: [
                { key: "region_ids", model: "smart.dairy.region", label: "Region" },
                { key: "categ_ids", model: "product.category", label: "Product Category" },
                { key: "team_ids", model: "crm.team", label: "Sales Channel" },
                { key: "farm_ids", model: "smart.dairy.farm", label: "Farm" },
            ],
        },
        grain: "day",
        currency: { symbol: "$", position: "before", digits: 2 },
        widgets: [
            {
                id: 11,
                type: "kpi_card",
                title: "Revenue (ordered)",
                col: 0,
                row: 0,
                width: 3,
                height: 1,
                options,
                kpis: [revenue],
                data: {
                    current: point(1234.5, {
                        previous: 1000,
                        target: 1500,
                        achievement: 0.823,
                        delta_previous: 234.5,
                        delta_previous_pct: 0.2341,
                        delta_last_year: -100,
                        delta_last_year_pct: -0.075,
                    }),
                    series: [300, 400, 534.5],
                    labels: ["Nov 21", "Nov 22", "Nov 23"],
                },
                empty: false,
            },
            {
                id: 12,
                type: "kpi_card",
                title: "Somatic Cells",
                col: 3,
                row: 0,
                width: 3,
                height: 1,
                options,
                kpis: [scc],
                data: {
                    current: point(210000, { delta_previous: 20000, delta_previous_pct: 0.1 }),
                    series: [190000, 210000],
                    labels: ["Nov 22", "Nov 23"],
                },
                empty: false,
            },
            {
                id: 13,
                type: "bar",
                title: "Production by Farm",
                col: 0,
                row: 1,
                width: 6,
                height: 3,
                options,
                kpis: [production],
                data: {
                    breakdown: "farm_id",
                    labels: ["Green Valley", "Hill Top"],
                    keys: ["7", "8"],
                    datasets: [{ code: "PRODUCTION", label: "Milk Production", values: [5200, 3100] }],
                },
                empty: false,
            },
            {
                id: 14,
                type: "table",
                title: "Top Products",
                col: 6,
                row: 1,
                width: 6,
                height: 3,
                options: { ...options, top_n: 5 },
                kpis: [revenue],
                data: {
                    breakdown: "product_id",
                    labels: ["Whole Milk 1L", "Butter 250g"],
                    keys: ["21", "22"],
                    datasets: [{ code: "REVENUE", label: "Revenue", values: [800.25, 434.25] }],
                },
                empty: false,
            },
            {
                id: 15,
                type: "line",
                title: "Revenue Trend",
                col: 0,
                row: 4,
                width: 12,
                height: 3,
                options,
                kpis: [revenue],
                data: { labels: [], periods: [], datasets: [] },
                empty: true,
            },
        ],
        alerts: [],
        alert_counts: { info: 0, warning: 0, critical: 0 },
        ...overrides,
    };
}

// toHaveText compares with whitespace normalised: the non-breaking spaces read as spaces.
const NBSP = " ";
let busCallbacks;
let calls;
let exportCompanies;

beforeEach(() => {
    busCallbacks = {};
    calls = [];
    exportCompanies = [];
    mockService("bus_service", {
        isActive: true,
        start() {},
        subscribe(type, callback) {
            busCallbacks[type] = callback;
        },
        unsubscribe(type) {
            delete busCallbacks[type];
        },
    });
});

/** Serves the dashboard model; `answer` gives the get_dashboard_data result per call. */
function mockDashboard(answer = () => dashboardFixture()) {
    onRpc("smart.dairy.dashboard", "get_dashboard_data", ({ args }) => {
        calls.push(["get_dashboard_data", args]);
        return answer(args, calls.length);
    });
    onRpc("smart.dairy.dashboard", "save_filters", ({ args }) => {
        calls.push(["save_filters", args]);
        return true;
    });
    onRpc("smart.dairy.dashboard", "action_drilldown", ({ args }) => {
        calls.push(["action_drilldown", args]);
        return false;
    });
    onRpc("smart.dairy.dashboard", "action_export", ({ args, kwargs }) => {
        calls.push(["action_export", args]);
        exportCompanies.push(kwargs.context.allowed_company_ids);
        return false;
    });
}

async function openDashboard() {
    await mountWithCleanup(SmartDairyDashboard, {
        props: { action: { params: { dashboard_id: 1 } }, actionId: 1 },
    });
    await animationFrame();
}

const dataCalls = () => calls.filter(([method]) => method === "get_dashboard_data");

describe("dashboard client action", () => {
    test("is the client action of the dashboard menus", () => {
        expect(registry.category("actions").get("smart_dairy_bi.dashboard")).toBe(
            SmartDairyDashboard
        );
    });

    test("loads the whole dashboard in one call and renders its widgets", async () => {
        mockDashboard();
        await openDashboard();
        expect(dataCalls()).toEqual([["get_dashboard_data", [1, null]]]);
        expect(".o_sd_widget").toHaveCount(5);
        expect(".o_sd_title").toHaveText("Executive");
        // Grid placement from col/row/width/height.
        expect(".o_sd_widget[data-widget-id='13']").toHaveAttribute(
            "style",
            "--sd-col: 1; --sd-width: 6; --sd-row: 2; --sd-height: 3"
        );
        // KPI card: formatted value, deltas coloured by polarity, target achievement.
        const revenue = ".o_sd_widget[data-widget-id='11']";
        expect(`${revenue} .o_sd_kpi_value`).toHaveText(`$${NBSP}1,234.50`);
        expect(`${revenue} .o_sd_delta_previous .text-success`).toHaveText("▲ +23.4%");
        expect(`${revenue} .o_sd_delta_last_year .text-danger`).toHaveText("▼ −7.5%");
        expect(`${revenue} .o_sd_kpi_target`).toHaveText(/82% of target/);
        expect(`${revenue} .o_sd_sparkline polyline`).toHaveCount(1);
        // Lower is better: a rising cell count is bad news.
        const scc = ".o_sd_widget[data-widget-id='12']";
        expect(`${scc} .o_sd_kpi_value`).toHaveText(`210k${NBSP}cells/mL`);
        expect(`${scc} .o_sd_delta_previous .text-danger`).toHaveText("▲ +10.0%");
        // Chart, table and empty widget.
        expect(".o_sd_widget[data-widget-id='13'] canvas").toHaveCount(1);
        expect(".o_sd_widget[data-widget-id='14'] .o_sd_table_row").toHaveCount(2);
        expect(".o_sd_widget[data-widget-id='14'] .o_sd_table_row:first td:last").toHaveText(
            `$${NBSP}800.25`
        );
        expect(".o_sd_widget[data-widget-id='15'] .o_sd_widget_empty").toHaveText(
            /No data for these filters/
        );
        // Keyboard and screen-reader access to the bars.
        expect(".o_sd_widget[data-widget-id='13'] .o_sd_point").toHaveCount(2);
        expect(".o_sd_widget[data-widget-id='11'] .o_sd_kpi_card").toHaveAttribute("tabindex", "0");
    });

    test("a card says what its KPI counts", async () => {
        mockDashboard();
        await openDashboard();
        const revenue = ".o_sd_widget[data-widget-id='11']";
        expect(`${revenue} .o_sd_kpi_title`).toHaveText("Revenue (ordered)");
        expect(`${revenue} .o_sd_kpi_info`).toHaveAttribute(
            "data-tooltip",
            "Gross Revenue (ordered): Ordered, whether invoiced or not: confirmed sale order lines."
        );
        expect(`${revenue} .o_sd_kpi_card`).toHaveAttribute(
            "aria-label",
            /Ordered, whether invoiced or not/
        );
        // A KPI without a description has no info icon.
        expect(".o_sd_widget[data-widget-id='12'] .o_sd_kpi_info").toHaveCount(0);
    });

    test("drill-down from a card, a bar and a table row", async () => {
        mockDashboard();
        await openDashboard();
        const filters = dashboardFixture().filters;
        await contains(".o_sd_widget[data-widget-id='11'] .o_sd_kpi_card").click();
        await contains(".o_sd_widget[data-widget-id='13'] .o_sd_point:eq(1)").click();
        await contains(".o_sd_widget[data-widget-id='14'] .o_sd_drill:first").click();
        expect(calls.filter(([m]) => m === "action_drilldown")).toEqual([
            ["action_drilldown", [11, "REVENUE", filters, null, null]],
            ["action_drilldown", [13, "PRODUCTION", filters, null, "8"]],
            ["action_drilldown", [14, "REVENUE", filters, null, "21"]],
        ]);
    });

    test("widgets over data that fails a check show a warning in their header", async () => {
        const warning = {
            result_id: 501,
            check_id: 7,
            name: "One milking per animal, day and session",
            severity: "critical",
            company: "Green Valley Dairy",
            run_at: "2026-11-23 06:00:00",
        };
        mockDashboard(() => {
            const data = dashboardFixture();
            data.widgets[2].quality = [warning]; // the bar of litres by farm
            const gauge = { ...data.widgets[1], id: 16, type: "gauge", row: 8, quality: [warning] };
            gauge.data = { value: 0.8, target: 1, min: 0, max: 1, polarity: "higher" };
            data.widgets.push(gauge);
            return data;
        });
        await openDashboard();
        const badge = ".o_sd_widget[data-widget-id='13'] .card-header .o_sd_quality_badge";
        expect(`${badge} .fa-exclamation-triangle.text-warning`).toHaveCount(1);
        expect(badge).toHaveAttribute("title", /One milking per animal, day and session/);
        expect(".o_sd_widget[data-widget-id='16'] .card-header .o_sd_quality_badge").toHaveCount(1);
        // Only the widgets over failing data: the sales table and cards have none.
        expect(".o_sd_quality_badge").toHaveCount(2);
        // A finger-sized target, whatever the screen.
        const { width, height } = queryOne(badge).getBoundingClientRect();
        expect(width).toBeGreaterThan(43.9);
        expect(height).toBeGreaterThan(43.9);
        // The badge toggles its list of failing checks.
        await contains(badge).click();
        expect(".o_sd_quality_popover .o_sd_quality_open").toHaveText(warning.name);
        await contains(badge).click();
        expect(".o_sd_quality_popover").toHaveCount(0);
    });

    test("an area by farm draws one series per farm over time and drills into both", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            const area = data.widgets[4];
            Object.assign(area, { type: "area", empty: false, breakdown: "farm_id" });
            area.options = { ...area.options, stacked: true };
            area.data = {
                breakdown: "farm_id",
                over_time: true,
                labels: ["Nov 22", "Nov 23"],
                periods: ["2026-11-22", "2026-11-23"],
                keys: ["7", "8"],
                datasets: [
                    { code: "REVENUE", label: "Green Valley", dimension_value: "7", values: [5, 6] },
                    { code: "REVENUE", label: "Hill Top", dimension_value: "8", values: [3, 4] },
                ],
            };
            return data;
        });
        await openDashboard();
        const chart = window.Chart.getChart(
            document.querySelector("[data-widget-id='15'] canvas")
        );
        expect(chart.data.labels).toEqual(["Nov 22", "Nov 23"]);
        expect(chart.data.datasets.map((d) => d.label)).toEqual(["Green Valley", "Hill Top"]);
        expect(chart.options.scales.y.stacked).toBe(true);
        // Hill Top on 23 November: the fourth point listed
        await contains(".o_sd_widget[data-widget-id='15'] .o_sd_point:eq(3)").click();
        const filters = dashboardFixture().filters;
        expect(calls.filter(([m]) => m === "action_drilldown")).toEqual([
            ["action_drilldown", [15, "REVENUE", filters, "2026-11-23", "8"]],
        ]);
    });

    test("a top-N table shows each value's growth against the previous period", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            const dataset = data.widgets[3].data.datasets[0];
            Object.assign(dataset, { previous: [700.25, null], growth: [0.1428, null] });
            return data;
        });
        await openDashboard();
        const table = ".o_sd_widget[data-widget-id='14']";
        expect(`${table} .o_sd_growth_head`).toHaveText("vs previous");
        expect(`${table} .o_sd_growth:first`).toHaveText("▲ +14.3%");
        expect(`${table} .o_sd_growth:first`).toHaveClass("text-success");
        expect(`${table} .o_sd_growth:last`).toHaveText("▬ —");
    });

    test("a table without growth data has no growth column", async () => {
        mockDashboard();
        await openDashboard();
        expect(".o_sd_widget[data-widget-id='14'] .o_sd_growth_head").toHaveCount(0);
    });

    test("a scatter plots one KPI across and one up, a point per value", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            const bar = data.widgets[2];
            Object.assign(bar, { type: "scatter", kpis: [...bar.kpis, { ...bar.kpis[0], code: "SCC", name: "Cells" }] });
            bar.data.datasets.push({ code: "SCC", label: "Cells", values: [150000, null] });
            return data;
        });
        await openDashboard();
        const chart = window.Chart.getChart(document.querySelector("[data-widget-id='13'] canvas"));
        expect(chart.config.type).toBe("scatter");
        // Hill Top has no cell count: one point only
        expect(chart.data.datasets[0].data.map((p) => [p.label, p.x, p.y])).toEqual([
            ["Green Valley", 5200, 150000],
        ]);
        expect(chart.options.scales.x.title.text).toBe("Milk Production");
        expect(chart.options.scales.y.title.text).toBe("Cells");
    });

    test("a section heading collapses the widgets under it", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            // a section on row 1, above the bar and the table (moved one row down)
            data.widgets[2].row = data.widgets[3].row = 2;
            data.widgets.push({
                id: 20, type: "section", title: "Details", col: 0, row: 1, width: 12,
                height: 1, options: {}, kpis: [], data: {}, empty: false,
            }); // prettier-ignore
            return data;
        });
        await openDashboard();
        expect(".o_sd_section_toggle").toHaveText("Details");
        // inside its block, the bar starts on the block's first row
        expect(".o_sd_widget[data-widget-id='13']").toHaveAttribute(
            "style",
            "--sd-col: 1; --sd-width: 6; --sd-row: 1; --sd-height: 3"
        );
        await contains(".o_sd_section_toggle").click();
        expect(".o_sd_section_toggle").toHaveAttribute("aria-expanded", "false");
        expect(".o_sd_widget[data-widget-id='13']").toHaveCount(0);
        expect(".o_sd_widget[data-widget-id='14']").toHaveCount(0);
        expect(".o_sd_widget[data-widget-id='11']").toHaveCount(1); // above the section
        await contains(".o_sd_section_toggle").click();
        expect(".o_sd_widget[data-widget-id='13']").toHaveCount(1);
    });

    test("a drill-down opens with its filter as a facet", async () => {
        mockDashboard(() => dashboardFixture());
        const facets = [{ description: "Revenue (ordered): Mar 2026", domain: [["id", ">", 0]] }];
        onRpc("smart.dairy.dashboard", "action_drilldown", ({ args }) => {
            calls.push(["action_drilldown", args]);
            return { type: "ir.actions.act_window", res_model: "res.partner", facets };
        });
        const opened = [];
        mockService("action", {
            doAction(action, options) {
                opened.push([action, options]);
            },
        });
        await openDashboard();
        await contains(".o_sd_widget[data-widget-id='11'] .o_sd_kpi_card").click();
        const drills = calls.filter(([m]) => m === "action_drilldown");
        expect(drills.map(([, args]) => args[3])).toEqual([null]);
        expect(opened).toEqual([
            [
                { type: "ir.actions.act_window", res_model: "res.partner" },
                { props: { dynamicFilters: facets } },
            ],
        ]);
    });

    test("the home action opens the dashboard the server chose and keeps it", async () => {
        mockDashboard((args) => {
            const data = dashboardFixture();
            data.dashboard = { id: 4, name: "Farm Operations" };
            data.filters = { ...data.filters, ...(args[1] || {}) };
            return data;
        });
        await mountWithCleanup(SmartDairyDashboard, {
            props: { action: { params: {} }, actionId: 2 },
        });
        await animationFrame();
        expect(".o_sd_title").toHaveText("Farm Operations");
        await contains(".o_sd_preset").select("last_90_days");
        await animationFrame();
        expect(dataCalls().map(([, args]) => args[0])).toEqual([null, 4]);
        expect(calls.filter(([m]) => m === "save_filters").map(([, args]) => args[0])).toEqual([4]);
    });

    test("a date preset reloads with one call and saves the filters", async () => {
        mockDashboard((args) => {
            const data = dashboardFixture();
            if (args[1]) {
                data.filters = { ...data.filters, ...args[1], date_from: "2026-08-26" };
            }
            return data;
        });
        await openDashboard();
        await contains(".o_sd_preset").select("last_90_days");
        await animationFrame();
        expect(dataCalls()).toHaveLength(2);
        expect(dataCalls()[1][1][1].preset).toBe("last_90_days");
        const saved = calls.filter(([m]) => m === "save_filters");
        expect(saved).toHaveLength(1);
        expect(saved[0][1][1]).toEqual({
            ...dashboardFixture().filters,
            preset: "last_90_days",
            date_from: "2026-08-26",
            date_to: false,
        });
    });

    test("the panel offers the presets and filters the server lists", async () => {
        mockDashboard(() => ({
            ...dashboardFixture(),
            filter_options: {
                presets: [
                    ["year_to_date", "Year to Date"],
                    ["custom", "Custom Range"],
                ],
                dimensions: [{ key: "farm_ids", model: "smart.dairy.farm", label: "Farm" }],
            },
        }));
        onRpc("smart.dairy.farm", "search_read", () => [{ id: 7, display_name: "Hill Farm" }]);
        await openDashboard();
        expect(queryAllTexts(".o_sd_preset option")).toEqual(["Year to Date", "Custom Range"]);
        await contains(".o_sd_filters_toggle").click();
        expect(".o_sd_dimension").toHaveCount(1);
        expect(".o_sd_dimension_farm_ids legend").toHaveText("Farm");
        expect("#o_sd_farm_ids_7").toHaveCount(1);
    });

    test("the region filter is read when the panel opens and applied on Apply", async () => {
        mockDashboard();
        onRpc("smart.dairy.region", "search_read", () => [
            { id: 3, display_name: "North" },
            { id: 4, display_name: "South" },
        ]);
        onRpc("product.category", "search_read", () => []);
        onRpc("crm.team", "search_read", () => []);
        onRpc("smart.dairy.farm", "search_read", () => []);
        await openDashboard();
        expect(".o_sd_dimension_panel").toHaveCount(0);
        await contains(".o_sd_filters_toggle").click();
        await contains("#o_sd_region_ids_4").check();
        await contains(".o_sd_apply").click();
        expect(dataCalls()).toHaveLength(2);
        expect(dataCalls()[1][1][1].region_ids).toEqual([4]);
    });

    test("error state with retry", async () => {
        mockDashboard((args, n) => {
            if (n === 1) {
                throw new Error("Boom");
            }
            return dashboardFixture();
        });
        await openDashboard();
        expect(".o_sd_error").toHaveCount(1);
        expect(".o_sd_widget").toHaveCount(0);
        await contains(".o_sd_retry").click();
        await animationFrame();
        expect(".o_sd_error").toHaveCount(0);
        expect(".o_sd_widget").toHaveCount(5);
    });

    test("empty dashboard shows a readable message", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            data.widgets = data.widgets.map((w) => ({ ...w, empty: true }));
            return data;
        });
        await openDashboard();
        expect(".o_sd_empty").toHaveText(/No figures for this period yet/);
    });

    test("bars measure from zero; a flat line of zeros keeps its axis at zero", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            const [, , bar, , line] = data.widgets;
            bar.options = { ...bar.options, horizontal: true };
            bar.data.datasets[0].values = [60000, 69000];
            line.empty = false;
            line.data = {
                labels: ["Nov 22", "Nov 23"],
                periods: ["2026-11-22", "2026-11-23"],
                datasets: [{ code: "REVENUE", label: "Revenue", values: [0, 0] }],
            };
            return data;
        });
        await openDashboard();
        const chart = (id) =>
            window.Chart.getChart(document.querySelector(`[data-widget-id='${id}'] canvas`));
        expect(chart(13).options.scales.x.beginAtZero).toBe(true);
        expect(chart(13).scales.x.min).toBe(0);
        expect(chart(15).scales.y.min).toBe(0);
    });

    test("a second KPI in other units is drawn on its own axis", async () => {
        mockDashboard(() => {
            const data = dashboardFixture();
            const line = data.widgets[4];
            line.empty = false;
            line.options = { ...line.options, secondary_axis: true };
            line.kpis = [...line.kpis, { ...line.kpis[0], code: "ORDERS", name: "Orders" }];
            line.data = {
                labels: ["Nov 22", "Nov 23"],
                periods: ["2026-11-22", "2026-11-23"],
                datasets: [
                    { code: "REVENUE", label: "Revenue", values: [5000, 5400] },
                    { code: "ORDERS", label: "Orders", values: [12, 15] },
                ],
            };
            return data;
        });
        await openDashboard();
        const chart = window.Chart.getChart(
            document.querySelector("[data-widget-id='15'] canvas")
        );
        expect(chart.data.datasets.map((d) => d.yAxisID)).toEqual([undefined, "y1"]);
        expect(chart.options.scales.y1.position).toBe("right");
        expect(chart.scales.y1.max).toBeLessThan(100);
        expect(chart.scales.y.max).toBeGreaterThan(1000);
    });

    test("open alerts are one line of counts, expanded by rule on demand", async () => {
        const alert = (id, rule, severity, name) => ({
            id, rule, severity, name, message: `${name}: details`, state: "open",
            kpi_code: "REVENUE", period_start: "2026-11-30", value: 1,
        }); // prettier-ignore
        mockDashboard(() =>
            dashboardFixture({
                alerts: [
                    alert(7, "Capacity too high", "critical", "Capacity at Farm 9"),
                    alert(5, "Capacity too high", "critical", "Capacity at Farm 2"),
                    alert(3, "Revenue drop", "warning", "Revenue in East"),
                ],
                // the server lists the worst alerts only; the counts cover them all
                alert_counts: { info: 0, warning: 9, critical: 2 },
            })
        );
        const opened = [];
        mockService("action", {
            doAction(action) {
                opened.push(action);
            },
        });
        await openDashboard();
        expect(".o_sd_alerts_toggle").toHaveText(/11 open alerts/);
        expect(".o_sd_alert_chip").toHaveCount(2);
        expect(".o_sd_alert_chip_critical").toHaveText("2 critical");
        expect(".o_sd_alert_chip_warning").toHaveText("9 warning");
        expect(".o_sd_alert").toHaveCount(0);
        await contains(".o_sd_alerts_toggle").click();
        expect(".o_sd_alerts_toggle").toHaveAttribute("aria-expanded", "true");
        expect(".o_sd_alert_group").toHaveCount(2);
        expect(".o_sd_alert_group:first div").toHaveText("Capacity too high (2)");
        expect(".o_sd_alert").toHaveCount(3);
        await contains(".o_sd_alert:last").click();
        expect(opened.map((a) => [a.res_model, a.res_id])).toEqual([["smart.dairy.alert", 3]]);
    });

    test("the KPI run notification refreshes the open dashboard", async () => {
        mockDashboard();
        await openDashboard();
        expect(dataCalls()).toHaveLength(1);
        busCallbacks.smart_dairy_kpi_refreshed({ run_id: 5, mode: "incremental" });
        await animationFrame();
        expect(dataCalls()).toHaveLength(2);
    });

    test("export buttons ask the server for the file", async () => {
        mockDashboard();
        await openDashboard();
        for (const format of ["xlsx", "pdf", "csv", "json"]) {
            await contains(`.o_sd_export_${format}`).click();
        }
        await contains("[data-widget-id='13'] .o_sd_widget_export_csv").click();
        await contains("[data-widget-id='14'] .o_sd_widget_export_json").click();
        const filters = dashboardFixture().filters;
        expect(calls.filter(([m]) => m === "action_export")).toEqual([
            ["action_export", [1, filters, "xlsx"]],
            ["action_export", [1, filters, "pdf"]],
            ["action_export", [1, filters, "csv"]],
            ["action_export", [1, filters, "json"]],
            ["action_export", [1, filters, "csv", 13]],
            ["action_export", [1, filters, "json", 14]],
        ]);
        // The server puts the companies of the call in the file's URL: the selected ones.
        const selected = user.activeCompanies.map((company) => company.id);
        expect(selected.length).toBeGreaterThan(0);
        expect(exportCompanies).toEqual(Array(6).fill(selected));
    });
});
