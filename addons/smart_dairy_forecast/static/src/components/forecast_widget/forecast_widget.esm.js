/* global Chart */
import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { formatAxisValue, formatKpiValue } from "@smart_dairy_bi/utils/format.esm";

const CONFIG_MODEL = "smart.dairy.forecast.config";
const MANAGER_GROUP = "smart_dairy_base.group_smart_dairy_analytics_manager";
const LINE = "#1F77B4";
const ACTUAL = "#212529";
const BAND_95 = "rgba(31, 119, 180, 0.12)";
const BAND_80 = "rgba(31, 119, 180, 0.28)";
const MARKER = "#6c757d";

/** Draws a dashed vertical line at the forecast start (options.plugins.forecastStart.index). */
export const forecastStartPlugin = {
    id: "forecastStart",
    afterDatasetsDraw(chart, _args, options) {
        const index = options?.index;
        const scale = chart.scales?.x;
        if (typeof index !== "number" || index < 0 || !scale) {
            return;
        }
        const x = scale.getPixelForValue(index);
        const { top, bottom } = chart.chartArea;
        const ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = MARKER;
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.stroke();
        ctx.restore();
    },
};

/**
 * A forecast widget of the dashboard (type "forecast", added by smart_dairy_forecast):
 * the actuals and the latest forecast with its 80 % and 95 % bands as shaded areas and
 * a marker at the forecast start, or the realised error of past runs against their
 * backtest error. Without a run yet it says so and offers Analytics Managers "Run now".
 */
export class ForecastWidget extends Component {
    static template = "smart_dairy_forecast.ForecastWidget";
    static props = {
        widget: Object,
        currency: Object,
        onDrilldown: { type: Function, optional: true },
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.canvasRef = useRef("canvas");
        this.chart = null;
        this.state = useState({ canRun: false, queued: false });
        onWillStart(async () => {
            const [, canRun] = await Promise.all([
                loadBundle("web.chartjs_lib"),
                user.hasGroup(MANAGER_GROUP),
            ]);
            this.state.canRun = canRun;
        });
        useEffect(
            () => {
                this.renderChart();
                return () => this.destroyChart();
            },
            () => [this.props.widget]
        );
    }

    get widget() {
        return this.props.widget;
    }

    get data() {
        return this.widget.data || {};
    }

    get kpi() {
        return this.widget.kpis?.[0] || {};
    }

    get isError() {
        return this.data.view === "error";
    }

    get showRunNow() {
        return this.widget.empty && this.data.state !== "done" && this.data.can_run && this.state.canRun;
    }

    get message() {
        return this.data.message || _t("No forecast to show.");
    }

    /** Index of the first forecast period on the x axis (-1 without one). */
    get markerIndex() {
        return (this.data.periods || []).indexOf(this.data.forecast_start);
    }

    values(code) {
        return (this.data.datasets || []).find((d) => d.code === code)?.values || [];
    }

    format(value) {
        return formatKpiValue(value, this.kpi, this.props.currency);
    }

    async runNow() {
        await this.orm.call(CONFIG_MODEL, "action_run", [[this.data.config.id]]);
        this.state.queued = true;
        this.notification.add(
            _t("The forecast is queued: the dashboard shows it when it is done."),
            { type: "info" }
        );
    }

    destroyChart() {
        this.chart?.destroy();
        this.chart = null;
    }

    renderChart() {
        const canvas = this.canvasRef.el;
        if (!canvas || this.widget.empty || typeof Chart === "undefined") {
            return;
        }
        this.destroyChart();
        this.chart = new Chart(canvas, this.isError ? this.errorConfig() : this.forecastConfig());
    }

    /** The datasets of the forecast view, bands first so the lines draw over them. */
    forecastDatasets() {
        const band = (code, label, fill, color) => ({
            label,
            code,
            data: this.values(code),
            borderWidth: 0,
            pointRadius: 0,
            backgroundColor: color,
            fill: fill === null ? false : { target: fill },
            isBand: true,
        });
        return [
            band("lo_95", _t("Low 95 %"), null, BAND_95),
            band("hi_95", _t("95 % band"), 0, BAND_95),
            band("lo_80", _t("Low 80 %"), null, BAND_80),
            band("hi_80", _t("80 % band"), 2, BAND_80),
            {
                label: _t("Forecast"),
                code: "forecast",
                data: this.values("forecast"),
                borderColor: LINE,
                backgroundColor: LINE,
                borderDash: [6, 3],
                pointRadius: 0,
                fill: false,
                tension: 0.2,
            },
            {
                label: _t("Actual"),
                code: "actual",
                data: this.values("actual"),
                borderColor: ACTUAL,
                backgroundColor: ACTUAL,
                pointRadius: 0,
                fill: false,
                tension: 0.2,
            },
        ];
    }

    baseOptions() {
        return {
            animation: false,
            maintainAspectRatio: false,
            interaction: { mode: "index", intersect: false },
            scales: {
                x: { ticks: { maxRotation: 0, autoSkip: true } },
                y: {
                    ticks: {
                        callback: (value) => formatAxisValue(value, this.kpi, this.props.currency),
                    },
                },
            },
        };
    }

    forecastConfig() {
        const options = this.baseOptions();
        options.plugins = {
            forecastStart: { index: this.markerIndex },
            legend: {
                position: "bottom",
                labels: { boxWidth: 12, filter: (item) => !item.text.startsWith(_t("Low")) },
            },
            tooltip: {
                callbacks: {
                    label: (ctx) => `${ctx.dataset.label}: ${this.format(ctx.parsed.y)}`,
                },
            },
        };
        return {
            type: "line",
            data: { labels: this.data.labels || [], datasets: this.forecastDatasets() },
            options,
            plugins: [forecastStartPlugin],
        };
    }

    errorConfig() {
        const options = this.baseOptions();
        options.scales.y.beginAtZero = true;
        options.plugins = {
            legend: { position: "bottom", labels: { boxWidth: 12 } },
            tooltip: {
                callbacks: {
                    label: (ctx) => `${ctx.dataset.label}: ${this.format(ctx.parsed.y)}`,
                },
            },
        };
        const [realised, backtest] = this.data.datasets || [];
        return {
            type: "line",
            data: {
                labels: this.data.labels || [],
                datasets: [
                    {
                        label: realised?.label,
                        code: realised?.code,
                        data: realised?.values || [],
                        borderColor: LINE,
                        backgroundColor: LINE,
                        pointRadius: 3,
                        fill: false,
                    },
                    {
                        label: backtest?.label,
                        code: backtest?.code,
                        data: backtest?.values || [],
                        borderColor: MARKER,
                        borderDash: [6, 4],
                        borderWidth: 1.5,
                        pointRadius: 0,
                        fill: false,
                        stepped: true,
                    },
                ],
            },
            options,
        };
    }
}

registry.category("smart_dairy_bi.widgets").add("forecast", ForecastWidget);
