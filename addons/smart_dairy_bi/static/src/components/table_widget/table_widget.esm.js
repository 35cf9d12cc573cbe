import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import {
    deltaArrow,
    deltaClass,
    formatDeltaPct,
    formatKpiValue,
} from "@smart_dairy_bi/utils/format.esm";

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

    /** Growth of the first KPI against the previous period, when the server gave it. */
    get hasGrowth() {
        return Boolean(this.data.datasets?.[0]?.growth);
    }

    get growthLabel() {
        return _t("vs previous");
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
            growth: this.growthCell(index),
        }));
    }

    growthCell(index) {
        const dataset = this.data.datasets?.[0];
        const growth = dataset?.growth?.[index];
        const polarity = this.props.widget.kpis?.[0]?.polarity;
        return {
            text: `${deltaArrow(growth)} ${formatDeltaPct(growth)}`,
            cls: deltaClass(growth, polarity),
        };
    }

    open(row) {
        this.props.onDrilldown(this.props.widget, {
            kpiCode: this.columns[0]?.code,
            dimensionValue: this.data.keys?.[row.index],
        });
    }
}
