import { Component } from "@odoo/owl";
import { formatKpiValue } from "@smart_dairy_bi/utils/format.esm";

/** Heatmap (e.g. litres by farm and weekday) as a coloured HTML table. */
export class HeatmapWidget extends Component {
    static template = "smart_dairy_bi.HeatmapWidget";
    static props = { widget: Object, currency: Object, onDrilldown: Function };

    get data() {
        return this.props.widget.data || {};
    }

    get range() {
        const numbers = (this.data.values || [])
            .flat()
            .filter((v) => typeof v === "number");
        return numbers.length ? [Math.min(...numbers), Math.max(...numbers)] : [0, 0];
    }

    get rows() {
        const [min, max] = this.range;
        const span = max - min || 1;
        const kpi = this.props.widget.kpis?.[0];
        return (this.data.y_labels || []).map((label, y) => ({
            key: this.data.y_keys?.[y] ?? String(y),
            label,
            y,
            cells: (this.data.values?.[y] || []).map((value, x) => {
                const ratio = typeof value === "number" ? (value - min) / span : null;
                return {
                    x,
                    text: formatKpiValue(value, kpi, this.props.currency, { compact: true }),
                    style:
                        ratio === null
                            ? ""
                            : `background-color: rgba(1, 126, 132, ${(0.08 + ratio * 0.85).toFixed(2)}); color: ${ratio > 0.55 ? "#fff" : "inherit"};`,
                };
            }),
        }));
    }

    open(row) {
        this.props.onDrilldown(this.props.widget, {
            kpiCode: this.props.widget.kpis?.[0]?.code,
            dimensionValue: this.data.y_keys?.[row.y],
        });
    }
}
