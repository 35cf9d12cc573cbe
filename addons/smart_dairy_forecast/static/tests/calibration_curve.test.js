import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { expect, test } from "@odoo/hoot";
import { queryAll, queryAllAttributes } from "@odoo/hoot-dom";
import { defineModels, fields, models, mountView } from "@web/../tests/web_test_helpers";

class ChurnModel extends models.Model {
    _name = "smart.dairy.churn.model";
    calibration = fields.Text();
}

defineMailModels();
defineModels([ChurnModel]);

const FORM = '<form><field name="calibration" widget="calibration_curve"/></form>';

async function mountCurve(calibration) {
    ChurnModel._records = [{ id: 1, calibration }];
    await mountView({ type: "form", resModel: "smart.dairy.churn.model", resId: 1, arch: FORM });
}

test("draws one point per bin, placed by predicted and observed share", async () => {
    await mountCurve(JSON.stringify([[0.1, 0.05], [0.5, 0.6], [0.9, 0.95]]));
    expect(".o_calibration_point").toHaveCount(3);
    const cx = queryAllAttributes(".o_calibration_point", "cx").map(Number);
    const cy = queryAllAttributes(".o_calibration_point", "cy").map(Number);
    // Left to right with the predicted share; higher on screen (smaller y) with the observed.
    expect(cx[0] < cx[1] && cx[1] < cx[2]).toBe(true);
    expect(cy[0] > cy[1] && cy[1] > cy[2]).toBe(true);
    // A point on the diagonal of perfect calibration sits as far right as it is high.
    const diagonal = queryAll(".o_calibration_diagonal")[0];
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => Number(diagonal.getAttribute(a)));
    expect(x2 - x1).toBe(y1 - y2);
    const path = queryAllAttributes(".o_calibration_line", "d")[0];
    expect(path.split(/[ML]/).filter(Boolean)).toHaveLength(3);
    expect(queryAll(".o_calibration_point title").map((t) => t.textContent)).toEqual([
        "predicted 10.0 %, churned 5.0 %",
        "predicted 50.0 %, churned 60.0 %",
        "predicted 90.0 %, churned 95.0 %",
    ]);
});

test("says there is no curve for an empty or unreadable value", async () => {
    await mountCurve("not json");
    expect(".o_calibration_point").toHaveCount(0);
    expect(".o_calibration_curve").toHaveText("No calibration curve");
});

test("leaves out pairs that are not two numbers", async () => {
    await mountCurve(JSON.stringify([[0.2, 0.1], [0.4], ["a", 0.3], [0.7, 0.8]]));
    expect(".o_calibration_point").toHaveCount(2);
});
