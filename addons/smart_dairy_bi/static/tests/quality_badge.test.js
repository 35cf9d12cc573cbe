import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    mockService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { localization } from "@web/core/l10n/localization";
import { KpiCard } from "@smart_dairy_bi/components/kpi_card/kpi_card.esm";

defineMailModels();

/** A kpi_card widget of the get_dashboard_data answer with its data quality warnings. */
function cardWidget(quality) {
    return {
        id: 12,
        type: "kpi_card",
        title: "Milk Production",
        col: 0,
        row: 0,
        width: 3,
        height: 1,
        options: {},
        kpis: [
            {
                code: "PRODUCTION",
                name: "Milk Production",
                unit: "L",
                display_format: "volume",
                polarity: "higher",
                fact_model: "smart.dairy.fact.milk",
                quality,
            },
        ],
        quality,
        data: { current: { value: 41250 }, series: [], labels: [] },
        empty: false,
    };
}

const FAILING = [
    {
        result_id: 501,
        check_id: 7,
        name: "Milkings have an animal, a farm and a volume",
        severity: "critical",
        company: "Green Valley Dairy",
        run_at: "2026-11-23 06:00:00",
    },
];

let drilled;
let doneActions;

beforeEach(() => {
    drilled = [];
    doneActions = [];
    patchWithCleanup(localization, { decimalPoint: ".", thousandsSep: ",", grouping: [3, 0] });
    mockService("action", {
        doAction(action) {
            doneActions.push(action);
        },
    });
});

async function mountCard(widget) {
    await mountWithCleanup(KpiCard, {
        props: {
            widget,
            currency: { symbol: "$", position: "before", digits: 2 },
            onDrilldown: (w) => drilled.push(w.id),
        },
    });
    await animationFrame();
}

describe("data quality badge", () => {
    test("a card over data that fails a check shows a warning badge", async () => {
        await mountCard(cardWidget(FAILING));
        const badge = queryOne(".o_sd_kpi_card .o_sd_quality_badge");
        expect(".o_sd_quality_badge i.fa-exclamation-triangle.text-warning").toHaveCount(1);
        expect(badge).toHaveAttribute(
            "title",
            "Data quality: built on data that fails a check " +
                "(Milkings have an animal, a farm and a volume)"
        );
        expect(badge).toHaveAttribute("aria-label", badge.getAttribute("title"));
        expect(".o_sd_kpi_card").toHaveAttribute("aria-label", /data quality warning/);
    });

    test("its popover lists the failing checks and opens their failing records", async () => {
        onRpc("smart.dairy.quality.result", "action_open_failing", ({ args }) => {
            expect.step(`open ${args[0]}`);
            return { type: "ir.actions.act_window", res_model: "smart.dairy.milking" };
        });
        await mountCard(cardWidget(FAILING));
        await contains(".o_sd_quality_badge").click();
        expect(drilled).toEqual([], { message: "the badge does not open the card's records" });
        expect(queryAllTexts(".o_sd_quality_open")).toEqual([
            "Milkings have an animal, a farm and a volume",
        ]);
        expect(".o_sd_quality_item").toHaveText(/Critical · Green Valley Dairy · last run/);
        await contains(".o_sd_quality_open").click();
        expect.verifySteps(["open 501"]);
        expect(doneActions).toEqual([
            { type: "ir.actions.act_window", res_model: "smart.dairy.milking" },
        ]);
        expect(".o_sd_quality_popover").toHaveCount(0);
    });

    test("a card over clean data has no badge", async () => {
        await mountCard(cardWidget([]));
        expect(".o_sd_quality_badge").toHaveCount(0);
        expect(".o_sd_kpi_card").not.toHaveAttribute("aria-label", /data quality/);
    });
});
