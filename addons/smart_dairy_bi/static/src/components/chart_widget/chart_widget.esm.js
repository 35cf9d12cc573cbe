/* global Chart */
import { Component, useEffect, useRef } from "@odoo/owl";
import { getColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { formatAxisValue, formatKpiValue } from "@smart_dairy_bi/utils/format.esm";

/**
 * A Chart.js chart (line, area, bar, pie, doughnut, gauge) with formatted
 * tooltips and ticks, click-to-drill-down, and an accessible list of its points.
 */
export class ChartWidget extends Component {
    static template = "smart_dairy_bi.ChartWidget";
    static props = {
        widget: Object,
        currency: Object,
        onDrilldown: Function,
        onDrawn: { type: Function, optional: true },
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
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

    get kpis() {
        return this.widget.kpis || [];
    }

    /** Whether the data ranks dimension values (labels are values) rather than being a
     * time series (labels are periods; over time by value, a dataset per value). */
    get isBreakdown() {
        return Boolean(this.data.breakdown) && !this.data.over_time;
    }

    get isGauge() {
        return this.widget.type === "gauge";
    }

    kpiFor(code) {
        return this.kpis.find((k) => k.code === code) || this.kpis[0] || {};
    }

    format(value, code, compact = false) {
        return formatKpiValue(value, this.kpiFor(code), this.props.currency, { compact });
    }

    get gauge() {
        const { value, target, max, polarity } = this.data;
        // A value below zero (a loss) draws its size in red rather than an empty arc.
        const top = max || Math.max(Math.abs(value || 0), target || 0) || 1;
        const ratio = Math.min(1, Math.abs(value || 0) / top);
        let good = !(typeof value === "number" && value < 0 && polarity !== "lower");
        if (typeof target === "number" && typeof value === "number") {
            good = polarity === "lower" ? value <= target : value >= target;
        }
        return {
            ratio,
            text: this.format(value, this.kpis[0]?.code),
            target: typeof target === "number" ? this.format(target, this.kpis[0]?.code) : "",
            color: good ? "#28a745" : "#dc3545",
        };
    }

    /** Points listed for keyboard and screen-reader users; each one drills down. */
    get accessiblePoints() {
        if (this.isGauge) {
            return [];
        }
        const points = [];
        const labels = this.data.labels || [];
        (this.data.datasets || []).forEach((dataset, datasetIndex) => {
            labels.forEach((label, index) => {
                const value = dataset.values[index];
                if (value === null || value === undefined) {
                    return;
                }
                points.push({
                    key: `${dataset.code}-${dataset.dimension_value ?? ""}-${index}`,
                    datasetIndex,
                    text: `${dataset.label}, ${label}: ${this.format(value, dataset.code)}`,
                    code: dataset.code,
                    index,
                });
            });
        });
        return points;
    }

    drill(code, index, datasetIndex = 0) {
        const options = { kpiCode: code || this.kpis[0]?.code };
        if (this.isBreakdown) {
            options.dimensionValue = this.data.keys?.[index];
        } else if (this.data.periods) {
            options.periodStart = this.data.periods[index];
            if (this.data.over_time) {
                options.dimensionValue = this.data.datasets?.[datasetIndex]?.dimension_value;
            }
        }
        this.props.onDrilldown(this.widget, options);
    }

    destroyChart() {
        if (this.chart) {
            this.chart.destroy();
            this.chart = null;
        }
    }

    renderChart() {
        const canvas = this.canvasRef.el;
        if (!canvas || this.widget.empty || typeof Chart === "undefined") {
            this.props.onDrawn?.(this.widget.id);
            return;
        }
        this.destroyChart();
        const config = this.isGauge ? this.gaugeConfig() : this.chartConfig();
        config.plugins = [
            ...(config.plugins || []),
            {
                id: "smartDairyDrawn",
                afterRender: () => this.props.onDrawn?.(this.widget.id),
            },
        ];
        this.chart = new Chart(canvas, config);
    }

    gaugeConfig() {
        const gauge = this.gauge;
        return {
            type: "doughnut",
            data: {
                labels: [this.kpis[0]?.name || "", ""],
                datasets: [
                    {
                        data: [gauge.ratio, 1 - gauge.ratio],
                        backgroundColor: [gauge.color, "rgba(128,128,128,.18)"],
                        borderWidth: 0,
                    },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                rotation: -90,
                circumference: 180,
                cutout: "72%",
                plugins: { legend: { display: false }, tooltip: { enabled: false } },
                onClick: () => this.drill(this.kpis[0]?.code),
            },
        };
    }

    /** Each dimension value as a point: the first KPI across, the second up. */
    scatterConfig() {
        const [across, up] = this.data.datasets || [];
        const labels = this.data.labels || [];
        const points = labels
            .map((label, index) => ({
                x: across?.values[index],
                y: up?.values[index],
                label,
                index,
            }))
            .filter((p) => typeof p.x === "number" && typeof p.y === "number");
        const axis = (dataset) => ({
            title: { display: true, text: dataset?.label || "" },
            ticks: {
                callback: (value) =>
                    formatAxisValue(value, this.kpiFor(dataset?.code), this.props.currency),
            },
        });
        return {
            type: "scatter",
            data: {
                datasets: [
                    {
                        label: this.widget.title,
                        data: points,
                        backgroundColor: getColor(0, "light", 1),
                        pointRadius: 5,
                        pointHoverRadius: 7,
                    },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                scales: { x: axis(across), y: axis(up) },
                plugins: {
                    legend: { display: false },
                    tooltip: {
                        callbacks: {
                            label: (ctx) =>
                                `${ctx.raw.label}: ${this.format(ctx.raw.x, across?.code)}, ` +
                                `${this.format(ctx.raw.y, up?.code)}`,
                        },
                    },
                },
                onClick: (ev, elements) => {
                    if (elements.length) {
                        this.drill(across?.code, points[elements[0].index].index);
                    }
                },
                onHover: (ev, elements) => {
                    ev.native.target.style.cursor = elements.length ? "pointer" : "default";
                },
            },
        };
    }

    chartConfig() {
        const type = this.widget.type;
        if (type === "scatter") {
            return this.scatterConfig();
        }
        const options = this.widget.options || {};
        const round = type === "pie" || type === "doughnut";
        const labels = this.data.labels || [];
        const series = this.data.datasets || [];
        // Odoo's palette for that many series: distinct hues up to six.
        const datasets = series.map((dataset, i) => {
            const color = getColor(i, "light", series.length);
            const base = {
                label: dataset.label,
                code: dataset.code,
                data: dataset.values,
            };
            if (round) {
                return {
                    ...base,
                    backgroundColor: labels.map((_, j) => getColor(j, "light", labels.length)),
                    borderWidth: 1,
                };
            }
            if (type === "bar") {
                return { ...base, backgroundColor: color, borderColor: color, borderRadius: 2 };
            }
            return {
                ...base,
                borderColor: color,
                backgroundColor: type === "area" ? `${color}55` : color,
                fill: type === "area" ? (options.stacked && i ? "-1" : "origin") : false,
                tension: 0.2,
                spanGaps: true,
                pointRadius: labels.length > 40 ? 0 : 2,
                pointHitRadius: 8,
            };
        });
        // Targets of the first series, as a dashed line on time series.
        const first = this.data.datasets?.[0];
        if (!round && !this.isBreakdown && first?.targets?.some((t) => typeof t === "number")) {
            datasets.push({
                label: _t("Target"),
                code: first.code,
                data: first.targets,
                type: "line",
                borderColor: "#6c757d",
                borderDash: [6, 4],
                borderWidth: 1.5,
                pointRadius: 0,
                fill: false,
                isTarget: true,
            });
        }
        const horizontal = type === "bar" && options.horizontal;
        const valueAxis = horizontal ? "x" : "y";
        const scales = round
            ? {}
            : {
                  x: { stacked: Boolean(options.stacked), ticks: { maxRotation: 0, autoSkip: true } },
                  y: { stacked: Boolean(options.stacked) },
              };
        if (!round) {
            // Bars and areas measure from zero; a line may zoom in, but a flat line of
            // non-negative values keeps its axis at zero rather than around it.
            const values = datasets.flatMap((d) => d.data).filter((v) => typeof v === "number");
            const flat = values.length && Math.min(...values) === Math.max(...values);
            scales[valueAxis].beginAtZero = type !== "line";
            if (type === "line" && flat && Math.min(...values) >= 0) {
                scales[valueAxis].min = 0;
            }
            scales[valueAxis].ticks = {
                ...(scales[valueAxis].ticks || {}),
                callback: (value) =>
                    formatAxisValue(value, this.kpiFor(first?.code), this.props.currency),
            };
        }
        // KPIs in other units (orders beside revenue) on their own axis, on the right.
        const second = this.data.datasets?.[1];
        if (options.secondary_axis && second && !round && !this.isBreakdown && !horizontal) {
            for (const dataset of datasets) {
                if (dataset.code !== first.code) {
                    dataset.yAxisID = "y1";
                }
            }
            scales.y1 = {
                position: "right",
                stacked: Boolean(options.stacked),
                beginAtZero: type !== "line",
                grid: { drawOnChartArea: false },
                ticks: {
                    callback: (value) =>
                        formatAxisValue(value, this.kpiFor(second.code), this.props.currency),
                },
            };
        }
        return {
            type: type === "area" ? "line" : type,
            data: { labels, datasets },
            options: {
                animation: false,
                maintainAspectRatio: false,
                indexAxis: horizontal ? "y" : "x",
                interaction: { mode: round ? "nearest" : "index", intersect: round },
                scales,
                plugins: {
                    legend: {
                        display: round || datasets.length > 1,
                        position: round ? "right" : "bottom",
                        labels: { boxWidth: 12 },
                    },
                    tooltip: {
                        callbacks: {
                            label: (ctx) => {
                                const value = round ? ctx.parsed : ctx.parsed[valueAxis];
                                const name = round ? ctx.label : ctx.dataset.label;
                                return `${name}: ${this.format(value, ctx.dataset.code)}`;
                            },
                        },
                    },
                },
                onClick: (ev, elements) => {
                    const element = elements.find(
                        (el) => !datasets[el.datasetIndex]?.isTarget
                    );
                    if (element) {
                        this.drill(
                            datasets[element.datasetIndex].code,
                            element.index,
                            element.datasetIndex
                        );
                    }
                },
                onHover: (ev, elements) => {
                    ev.native.target.style.cursor = elements.length ? "pointer" : "default";
                },
            },
        };
    }
}
