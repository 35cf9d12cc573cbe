import { Component, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";

/**
 * Period presets, custom range and multi-select dimension filters, as the server's
 * registry lists them (`options` of the dashboard data: presets and dimensions with
 * the model of their ids). The records of the dimensions are read only when the
 * panel is opened the first time.
 */
export class FilterPanel extends Component {
    static template = "smart_dairy_bi.FilterPanel";
    static props = {
        filters: Object,
        options: Object,
        onChange: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.state = useState({
            open: false,
            loading: false,
            options: null,
            draft: this.copy(this.props.filters),
            dateFrom: this.props.filters.date_from || "",
            dateTo: this.props.filters.date_to || "",
        });
    }

    get presets() {
        return this.props.options.presets;
    }

    get dimensions() {
        return this.props.options.dimensions;
    }

    copy(filters) {
        return Object.fromEntries(
            this.dimensions.map((d) => [d.key, [...(filters[d.key] || [])]])
        );
    }

    get activeCount() {
        return this.dimensions.reduce((n, d) => n + (this.props.filters[d.key]?.length || 0), 0);
    }

    async toggle() {
        this.state.open = !this.state.open;
        if (this.state.open) {
            this.state.draft = this.copy(this.props.filters);
            if (!this.state.options) {
                await this.loadOptions();
            }
        }
    }

    async loadOptions() {
        this.state.loading = true;
        try {
            const results = await Promise.all(
                this.dimensions.map((d) =>
                    this.orm.searchRead(d.model, [], ["display_name"], {
                        limit: 200,
                        order: d.model === "product.category" ? "complete_name" : "name",
                    })
                )
            );
            this.state.options = Object.fromEntries(
                this.dimensions.map((d, i) => [d.key, results[i]])
            );
        } finally {
            this.state.loading = false;
        }
    }

    isChecked(key, id) {
        return this.state.draft[key].includes(id);
    }

    check(key, id, checked) {
        const values = this.state.draft[key].filter((v) => v !== id);
        if (checked) {
            values.push(id);
        }
        this.state.draft[key] = values;
    }

    onPreset(ev) {
        const preset = ev.target.value;
        if (preset === "custom") {
            this.state.dateFrom = this.props.filters.date_from || "";
            this.state.dateTo = this.props.filters.date_to || "";
            this.props.onChange({ preset, date_from: this.state.dateFrom, date_to: this.state.dateTo });
            return;
        }
        this.props.onChange({ preset, date_from: false, date_to: false });
    }

    onDate(field, ev) {
        this.state[field] = ev.target.value;
        const { dateFrom, dateTo } = this.state;
        if (dateFrom && dateTo && dateFrom <= dateTo) {
            this.props.onChange({ preset: "custom", date_from: dateFrom, date_to: dateTo });
        }
    }

    apply() {
        this.props.onChange({ ...this.state.draft });
        this.state.open = false;
    }

    clear() {
        this.state.draft = this.copy({});
        this.apply();
    }
}
