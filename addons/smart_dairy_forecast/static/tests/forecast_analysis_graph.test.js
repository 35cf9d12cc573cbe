import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { expect, test } from "@odoo/hoot";
import { defineModels, fields, models, mountView } from "@web/../tests/web_test_helpers";
import {
    getGraphModel,
    setupChartJsForTests,
} from "@web/../tests/views/graph/graph_test_helpers";

class Analysis extends models.Model {
    _name = "smart.dairy.forecast.analysis";

    date = fields.Date({ string: "Period" });
    figure = fields.Selection({
        selection: [
            ["actual", "Actual"],
            ["forecast", "Forecast"],
        ],
    });
    quantity = fields.Float({ aggregator: "sum" });

    _records = [
        { id: 1, date: "2026-11-30", figure: "actual", quantity: 900 },
        { id: 2, date: "2026-12-01", figure: "actual", quantity: 0 },
        { id: 3, date: "2026-12-02", figure: "actual", quantity: 400 },
        { id: 4, date: "2026-12-02", figure: "forecast", quantity: 930 },
        { id: 5, date: "2026-12-03", figure: "forecast", quantity: 940 },
    ];
}

defineMailModels();
defineModels([Analysis]);
setupChartJsForTests();

const ARCH = (jsClass) => /* xml */ `
    <graph type="line" stacked="0" ${jsClass}>
        <field name="date" interval="day"/>
        <field name="figure"/>
        <field name="quantity" type="measure"/>
    </graph>`;

/** The graph's lines, [label, values], with or without the forecast analysis model. */
async function graphLines(jsClass) {
    const view = await mountView({
        type: "graph",
        resModel: "smart.dairy.forecast.analysis",
        arch: ARCH(jsClass),
    });
    return getGraphModel(view).data.datasets.map((dataset) => [dataset.label, dataset.data]);
}

test("periods without a figure are gaps, a recorded zero stays zero", async () => {
    expect(await graphLines('js_class="smart_dairy_forecast_analysis_graph"')).toEqual([
        ["Actual", [900, 0, 400, null]],
        ["Forecast", [null, null, 930, 940]],
    ]);
});

test("the standard graph draws those gaps as zeros", async () => {
    expect(await graphLines("")).toEqual([
        ["Actual", [900, 0, 400, 0]],
        ["Forecast", [0, 0, 930, 940]],
    ]);
});
