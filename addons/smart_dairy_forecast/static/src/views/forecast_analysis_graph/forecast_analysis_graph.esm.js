import { GraphModel } from "@web/views/graph/graph_model";
import { graphView } from "@web/views/graph/graph_view";
import { registry } from "@web/core/registry";

/**
 * The graph of forecasts against actuals: a period without a figure (the forecast
 * before its first period, the actuals not known yet) is a gap in its line, where
 * the standard graph would draw a zero.
 */
export class ForecastAnalysisGraphModel extends GraphModel {
    _getData(dataPoints) {
        const data = super._getData(...arguments);
        const known = new Map();
        for (const dataPoint of dataPoints) {
            const label = this._getDatasetLabel(dataPoint);
            if (!known.has(label)) {
                known.set(label, new Set());
            }
            known.get(label).add(dataPoint.labelIndex);
        }
        for (const dataset of data.datasets) {
            const indices = known.get(dataset.label);
            dataset.data = dataset.data.map((value, index) => (indices.has(index) ? value : null));
        }
        return data;
    }
}

registry.category("views").add("smart_dairy_forecast_analysis_graph", {
    ...graphView,
    Model: ForecastAnalysisGraphModel,
});
