import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const SIZE = 240;
const PAD = 36;

/** Where a share (0 to 1) falls on the square plot, in SVG units. */
function position(share) {
    return PAD + Math.min(Math.max(share, 0), 1) * (SIZE - 2 * PAD);
}

/**
 * A churn model's calibration curve: the observed churn share against the mean
 * predicted probability of each bin, beside the diagonal of a perfectly calibrated
 * model. Reads the field's JSON list of [predicted, observed] pairs.
 */
export class CalibrationCurveField extends Component {
    static template = "smart_dairy_forecast.CalibrationCurveField";
    static props = { ...standardFieldProps };

    get pairs() {
        const raw = this.props.record.data[this.props.name];
        let pairs = [];
        try {
            pairs = JSON.parse(raw || "[]");
        } catch {
            return [];
        }
        return Array.isArray(pairs)
            ? pairs.filter((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))
            : [];
    }

    get points() {
        return this.pairs.map(([predicted, observed]) => ({
            x: position(predicted),
            y: SIZE - position(observed),
            label: _t("predicted %(predicted)s %, churned %(observed)s %", {
                predicted: (100 * predicted).toFixed(1),
                observed: (100 * observed).toFixed(1),
            }),
        }));
    }

    get path() {
        return this.points
            .map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
            .join(" ");
    }

    get ticks() {
        return [0, 0.5, 1].map((share) => ({
            at: position(share),
            label: `${Math.round(share * 100)} %`,
        }));
    }

    get geometry() {
        return { size: SIZE, low: position(0), high: position(1) };
    }
}

export const calibrationCurveField = {
    component: CalibrationCurveField,
    displayName: _t("Calibration Curve"),
    supportedTypes: ["text", "char"],
};

registry.category("fields").add("calibration_curve", calibrationCurveField);
