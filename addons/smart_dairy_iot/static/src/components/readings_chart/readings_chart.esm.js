/* global Chart */
import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { getColor } from "@web/core/colors/colors";
import { deserializeDateTime, formatDateTime, serializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

const { DateTime } = luxon;

const SPANS = [
    { key: "day", label: _t("24 hours"), hours: 24 },
    { key: "week", label: _t("7 days"), hours: 24 * 7 },
    { key: "month", label: _t("30 days"), hours: 24 * 30 },
];

/**
 * The device's readings of one metric over the last day, week or month: the
 * average as a line, and between the minimum and maximum of each bucket a band.
 */
export class ReadingsChart extends Component {
    static template = "smart_dairy_iot.ReadingsChart";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.canvasRef = useRef("canvas");
        this.spans = SPANS;
        this.state = useState({ metric: this.metrics[0], span: "day", answer: null });
        this.chart = null;
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        useEffect(
            () => this.draw(),
            () => [this.state.answer]
        );
        onWillUnmount(() => this.chart?.destroy());
    }

    get metrics() {
        const lines = this.props.record.data.metric_ids?.records || [];
        return [...new Set(lines.map((line) => line.data.metric).filter(Boolean))];
    }

    get points() {
        return this.state.answer?.points || [];
    }

    async load() {
        const record = this.props.record;
        if (!record.resId || !this.state.metric) {
            this.state.answer = null;
            return;
        }
        const hours = SPANS.find((span) => span.key === this.state.span).hours;
        const end = DateTime.now().set({ millisecond: 0 });
        this.state.answer = await this.orm.call("smart.dairy.iot.device", "get_series", [
            [record.resId],
            this.state.metric,
            serializeDateTime(end.minus({ hours })),
            serializeDateTime(end),
        ]);
    }

    async onMetric(ev) {
        this.state.metric = ev.target.value;
        await this.load();
    }

    async onSpan(key) {
        this.state.span = key;
        await this.load();
    }

    draw() {
        this.chart?.destroy();
        this.chart = null;
        const canvas = this.canvasRef.el;
        if (!canvas || !this.points.length) {
            return;
        }
        const color = getColor(0, "light");
        const labels = this.points.map((p) => formatDateTime(deserializeDateTime(p.time)));
        const band = this.state.answer.resolution !== "raw";
        const datasets = [
            {
                label: _t("Average"),
                data: this.points.map((p) => p.avg),
                borderColor: color,
                backgroundColor: color,
                pointRadius: this.points.length > 60 ? 0 : 2,
                tension: 0.2,
            },
        ];
        if (band) {
            datasets.push(
                {
                    label: _t("Minimum"),
                    data: this.points.map((p) => p.min),
                    borderWidth: 0,
                    pointRadius: 0,
                },
                {
                    label: _t("Maximum"),
                    data: this.points.map((p) => p.max),
                    borderWidth: 0,
                    pointRadius: 0,
                    backgroundColor: `${color}33`,
                    fill: "-1",
                }
            );
        }
        this.chart = new Chart(canvas, {
            type: "line",
            data: { labels, datasets },
            options: {
                animation: false,
                maintainAspectRatio: false,
                interaction: { mode: "index", intersect: false },
                plugins: { legend: { display: band, position: "bottom" } },
                scales: { x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 6 } } },
            },
        });
    }
}

registry.category("view_widgets").add("smart_dairy_iot_readings_chart", {
    component: ReadingsChart,
});
