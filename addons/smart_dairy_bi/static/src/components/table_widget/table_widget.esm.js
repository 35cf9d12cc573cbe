import { Component } from "@odoo/owl";
import { formatKpiValue } from "@smart_dairy_bi/utils/format.esm";

/** Top-N table of a breakdown: one row per dimension value, one column per KPI. */
export class TableWidget extends Component {
    static template = "smart_dairy_bi.TableWidget";
    static props = { widget: Object, currency: Object, onDrilldown: Function };

    get data() {
        return this.props.widget.data || {};
    }

    get columns() {
        return (this.data.datasets || []).map((dataset) => ({
            code: dataset.code,
            label: dataset.label,
        }));
    }

    get rows() {
        const kpis = this.props.widget.kpis || [];
        return (this.data.labels || []).map((label, index) => ({
            key: this.data.keys?.[index] ?? String(index),
            label,
            index,
            cells: (this.data.datasets || []).map((dataset) => {
                const kpi = kpis.find((k) => k.code === dataset.code) || kpis[0];
                return {
                    code: dataset.code,
                    text: formatKpiValue(dataset.values[index], kpi, this.props.currency),
                };
            }),
        }));
    }

    open(row) {
        this.props.onDrilldown(this.props.widget, {
            kpiCode: this.columns[0]?.code,
            dimensionValue: this.data.keys?.[row.index],
        });
    }
}
