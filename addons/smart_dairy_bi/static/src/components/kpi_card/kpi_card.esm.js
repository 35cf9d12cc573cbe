import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import {
    deltaArrow,
    deltaClass,
    formatAchievement,
    formatDeltaPct,
    formatKpiValue,
} from "@smart_dairy_bi/utils/format.esm";
import { QualityBadge } from "@smart_dairy_bi/components/quality_badge/quality_badge.esm";

/** A KPI card: value, deltas coloured by polarity, target achievement and a sparkline. */
export class KpiCard extends Component {
    static template = "smart_dairy_bi.KpiCard";
    static components = { QualityBadge };
    static props = {
        widget: Object,
        currency: Object,
        onDrilldown: Function,
    };

    get kpi() {
        return this.props.widget.kpis[0] || {};
    }

    /** What the card counts: the KPI's name and description, for its info icon. */
    get definition() {
        const { name, description } = this.kpi;
        return description ? `${name}: ${description}` : "";
    }

    get point() {
        return this.props.widget.data?.current || {};
    }

    /** The value to show, with the server's note (e.g. a distinct count shown for its last period). */
    get display() {
        return { value: this.point.value, note: this.props.widget.note || "" };
    }

    get formattedValue() {
        return formatKpiValue(this.display.value, this.kpi, this.props.currency, {
            compact: true,
        });
    }

    get fullValue() {
        return formatKpiValue(this.display.value, this.kpi, this.props.currency);
    }

    get deltas() {
        const polarity = this.kpi.polarity;
        return [
            {
                key: "previous",
                label: _t("vs previous period"),
                pct: this.point.delta_previous_pct,
                delta: this.point.delta_previous,
            },
            {
                key: "last_year",
                label: _t("vs last year"),
                pct: this.point.delta_last_year_pct,
                delta: this.point.delta_last_year,
            },
        ].map((d) => {
            // The arrow and colour follow the change as shown (0.0% is flat).
            const shown = typeof d.pct === "number" ? Math.round(d.pct * 1000) / 1000 : d.delta;
            return {
                ...d,
                text: formatDeltaPct(d.pct),
                arrow: deltaArrow(shown),
                cls: deltaClass(shown, polarity),
            };
        });
    }

    get achievement() {
        const achievement = this.point.achievement;
        if (typeof achievement !== "number") {
            return null;
        }
        const onTrack =
            this.kpi.polarity === "lower" ? achievement <= 1 : achievement >= 1;
        return {
            text: formatAchievement(achievement),
            target: formatKpiValue(this.point.target, this.kpi, this.props.currency, {
                compact: true,
            }),
            width: Math.max(0, Math.min(100, achievement * 100)),
            cls: onTrack ? "bg-success" : "bg-warning",
        };
    }

    /** SVG polyline points of the sparkline in a 100x28 box. */
    get sparkline() {
        const values = (this.props.widget.data?.series || []).filter(
            (v) => typeof v === "number"
        );
        if (values.length < 2) {
            return "";
        }
        const min = Math.min(...values);
        const span = Math.max(...values) - min || 1;
        const step = 100 / (values.length - 1);
        return values
            .map((v, i) => `${(i * step).toFixed(1)},${(26 - ((v - min) / span) * 24).toFixed(1)}`)
            .join(" ");
    }

    get ariaLabel() {
        const parts = [this.props.widget.title || this.kpi.name, this.fullValue];
        if (this.kpi.description) {
            parts.push(this.kpi.description);
        }
        for (const delta of this.deltas) {
            parts.push(`${delta.text} ${delta.label}`);
        }
        if (this.achievement) {
            parts.push(_t("%s of target", this.achievement.text));
        }
        if (this.props.widget.quality?.length) {
            parts.push(_t("data quality warning"));
        }
        return parts.join(", ");
    }

    open() {
        this.props.onDrilldown(this.props.widget, {
            kpiCode: this.kpi.code,
            periodStart: null,
        });
    }

    onKeydown(ev) {
        if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            this.open();
        }
    }
}
