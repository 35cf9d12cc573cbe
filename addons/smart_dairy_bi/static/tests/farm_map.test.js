import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAll, queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    mockService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { localization } from "@web/core/l10n/localization";
import { SmartDairyDashboard } from "@smart_dairy_bi/components/dashboard_action/dashboard_action.esm";
import { FarmMapWidget } from "@smart_dairy_bi/components/farm_map_widget/farm_map_widget.esm";

defineMailModels();


/** A farm_map widget of the get_dashboard_data answer (see _farm_map on the server). */
function mapWidget(overrides = {}) {
    return {
        id: 31,
        type: "farm_map",
        title: "Farm Map: Litres",
        col: 0,
        row: 10,
        width: 5,
        height: 3,
        options: {},
        kpis: [
            {
                code: "PRODUCTION",
                name: "Milk Production",
                unit: "L",
                display_format: "volume",
                polarity: "higher",
                fact_model: "smart.dairy.fact.milk",
            },
        ],
        data: {
            breakdown: "farm_id",
            labels: ["Green Valley Farm", "River Bend Farm", "Hill Top Farm"],
            keys: ["7", "9", "8"],
            datasets: [{ code: "PRODUCTION", label: "Milk Production", values: [41250, 30100, 12000] }],
            width: 320,
            height: 220,
            farms: [
                { key: "7", label: "Green Valley Farm", value: 41250, target: 40000, status: "met",
                  x: 199.5, y: 34, r: 18, latitude: 53.48, longitude: -2.24 },
                { key: "9", label: "River Bend Farm", value: 30100, target: 33000, status: "missed",
                  x: 120.5, y: 186, r: 15.1, latitude: 51.45, longitude: -2.59 },
            ], // prettier-ignore
            unplaced: [{ key: "8", label: "Hill Top Farm", value: 12000 }],
            has_targets: true,
        },
        empty: false,
        ...overrides,
    };
}

let drilled;

beforeEach(() => {
    drilled = [];
    patchWithCleanup(localization, { decimalPoint: ".", thousandsSep: ",", grouping: [3, 0] });
});

async function mountMap(widget = mapWidget()) {
    await mountWithCleanup(FarmMapWidget, {
        props: {
            widget,
            currency: { symbol: "$", position: "before", digits: 2 },
            onDrilldown: (w, options) => drilled.push([w.id, options]),
        },
    });
    await animationFrame();
}

describe("farm map widget", () => {
    test("draws a circle and a label per placed farm, coloured by its target", async () => {
        await mountMap();
        // An inline SVG that scales to the width (a phone's 375 px included), no image tiles.
        const svg = queryOne(".o_sd_farm_map svg");
        expect(svg).toHaveAttribute("viewBox", "0 0 320 220");
        expect(".o_sd_farm_map img, .o_sd_farm_map image").toHaveCount(0);
        expect(".o_sd_farm_dot").toHaveCount(2);
        // Larger circles first, so that smaller ones stay on top and clickable.
        expect(queryAll(".o_sd_farm_dot").map((c) => c.getAttribute("r"))).toEqual(["18", "15.1"]);
        expect(queryAll(".o_sd_farm_dot").map((c) => c.getAttribute("cx"))).toEqual([
            "199.5",
            "120.5",
        ]);
        expect(queryAllTexts(".o_sd_farm_label")).toEqual(["Green Valley Farm", "River Bend Farm"]);
        expect(queryAllTexts(".o_sd_farm_value")).toEqual([`41.3k L`, `30.1k L`]);
        expect(".o_sd_farm[data-farm-key='7']").toHaveClass("o_sd_farm_met");
        expect(".o_sd_farm[data-farm-key='9']").toHaveClass("o_sd_farm_missed");
        // The tooltip gives the full value and the target.
        expect(".o_sd_farm[data-farm-key='9'] title").toHaveText(
            `River Bend Farm: 30,100 L (target 33,000 L)`
        );
        expect(".o_sd_farm[data-farm-key='9']").toHaveAttribute("role", "button");
        // A farm at the top has its label under it, one at the bottom over it.
        const [top, bottom] = queryAll(".o_sd_farm_label").map((t) => Number(t.getAttribute("y")));
        expect(top).toBeGreaterThan(34 + 18);
        expect(bottom).toBeLessThan(186 - 15.1);
        // Every touch target is at least 44 px across.
        for (const hit of queryAll(".o_sd_farm_hit")) {
            expect(Number(hit.getAttribute("r"))).toBeGreaterThan(21.9);
        }
        expect(".o_sd_farm_map_legend").toHaveText(/target met\s+target missed/);
    });

    test("lists the farms without coordinates as not placed", async () => {
        await mountMap();
        expect(".o_sd_farm_map_unplaced").toHaveText("Not placed (no position): Hill Top Farm");
        expect(".o_sd_farm[data-farm-key='8']").toHaveCount(0);
    });

    test("a click on a farm, or on a farm not placed, opens its records", async () => {
        await mountMap();
        await contains(".o_sd_farm[data-farm-key='9'] .o_sd_farm_dot").click();
        await contains(".o_sd_farm_unplaced").click();
        expect(drilled).toEqual([
            [31, { kpiCode: "PRODUCTION", dimensionValue: "9" }],
            [31, { kpiCode: "PRODUCTION", dimensionValue: "8" }],
        ]);
    });

    test("without targets, one colour and no legend", async () => {
        const widget = mapWidget();
        widget.data.farms = widget.data.farms.map((farm) => ({ ...farm, target: null, status: null }));
        widget.data.has_targets = false;
        widget.data.unplaced = [];
        await mountMap(widget);
        expect(".o_sd_farm_none").toHaveCount(2);
        expect(".o_sd_farm_map_legend").toHaveCount(0);
        expect(".o_sd_farm_map_unplaced").toHaveCount(0);
        expect(".o_sd_farm[data-farm-key='7'] title").toHaveText(`Green Valley Farm: 41,250 L`);
    });

    test("labels of neighbouring farms cover neither each other nor the circles", async () => {
        const widget = mapWidget();
        // Two farms close together in the lower half, as River Bend and Sunny Meadow are.
        widget.data.farms = [
            { key: "1", label: "River Bend Farm", value: 28700, target: null, status: null,
              x: 150, y: 130, r: 15 },
            { key: "2", label: "Sunny Meadow Farm", value: 25500, target: null, status: null,
              x: 175, y: 160, r: 14 },
            { key: "3", label: "Green Valley Home Farm", value: 37700, target: null, status: null,
              x: 160, y: 34, r: 18 },
        ]; // prettier-ignore
        await mountMap(widget);
        const boxes = queryAll(".o_sd_farm_label, .o_sd_farm_dot").map((el) => ({
            el,
            box: el.getBoundingClientRect(),
        }));
        const overlap = (a, b) =>
            a.left < b.right - 0.5 &&
            b.left < a.right - 0.5 &&
            a.top < b.bottom - 0.5 &&
            b.top < a.bottom - 0.5;
        for (const label of boxes.filter(({ el }) => el.matches(".o_sd_farm_label"))) {
            for (const other of boxes) {
                const own = other.el.closest(".o_sd_farm") === label.el.closest(".o_sd_farm");
                if (!own) {
                    expect(overlap(label.box, other.box)).toBe(false, {
                        message: `${label.el.textContent} covers ${other.el.textContent || "a circle"}`,
                    });
                }
            }
        }
    });

    test("the dashboard shows a farm_map widget as a map", async () => {
        mockService("bus_service", {
            isActive: true,
            start() {},
            subscribe() {},
            unsubscribe() {},
        });
        const drillCalls = [];
        onRpc("smart.dairy.dashboard", "get_dashboard_data", () => ({
            dashboard: { id: 3, name: "Farm Operations" },
            filters: { preset: "last_30_days", date_from: "2026-11-03", date_to: "2026-12-02",
                       region_ids: [], categ_ids: [], team_ids: [], farm_ids: [] },
            filter_options: { presets: [["last_30_days", "Last 30 Days"]], dimensions: [] },
            grain: "day",
            currency: { symbol: "$", position: "before", digits: 2 },
            widgets: [mapWidget()],
            alerts: [],
            alert_counts: {},
        })); // prettier-ignore
        onRpc("smart.dairy.dashboard", "action_drilldown", ({ args }) => {
            drillCalls.push(args);
            return false;
        });
        await mountWithCleanup(SmartDairyDashboard, {
            props: { action: { params: { dashboard_id: 3 } }, actionId: 1 },
        });
        await animationFrame();
        expect(".o_sd_widget_farm_map .o_sd_farm_dot").toHaveCount(2);
        expect(".o_sd_widget_farm_map canvas").toHaveCount(0);
        await contains(".o_sd_farm[data-farm-key='7'] .o_sd_farm_dot").click();
        expect(drillCalls.map((args) => [args[0], args[1], args[4]])).toEqual([
            [31, "PRODUCTION", "7"],
        ]);
    });

    test("an empty map says so", async () => {
        await mountMap(mapWidget({ empty: true, data: {} }));
        expect(".o_sd_widget_empty").toHaveText(/No data for these filters/);
        expect(".o_sd_farm_map").toHaveCount(0);
    });
});
