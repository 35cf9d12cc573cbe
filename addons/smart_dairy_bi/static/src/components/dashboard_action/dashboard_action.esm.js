import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { ChartWidget } from "@smart_dairy_bi/components/chart_widget/chart_widget.esm";
import { FarmMapWidget } from "@smart_dairy_bi/components/farm_map_widget/farm_map_widget.esm";
import { FilterPanel } from "@smart_dairy_bi/components/filter_panel/filter_panel.esm";
import { HeatmapWidget } from "@smart_dairy_bi/components/heatmap_widget/heatmap_widget.esm";
import { KpiCard } from "@smart_dairy_bi/components/kpi_card/kpi_card.esm";
import { QualityBadge } from "@smart_dairy_bi/components/quality_badge/quality_badge.esm";
import { TableWidget } from "@smart_dairy_bi/components/table_widget/table_widget.esm";

const MODEL = "smart.dairy.dashboard";
const CHART_TYPES = new Set(["line", "bar", "area", "pie", "doughnut", "gauge", "scatter"]);

/**
 * A Smart Dairy dashboard: one server call loads every widget from the
 * materialised KPI values; filters reload it, the KPI run refreshes it via the bus.
 */
export class SmartDairyDashboard extends Component {
    static template = "smart_dairy_bi.Dashboard";
    static components = {
        ChartWidget,
        FarmMapWidget,
        FilterPanel,
        HeatmapWidget,
        KpiCard,
        QualityBadge,
        TableWidget,
    };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.busService = useService("bus_service");
        this.notification = useService("notification");
        const params = this.props.action.params || {};
        this.dashboardId = params.dashboard_id || this.props.action.context?.active_id || null;
        this.state = useState({
            loading: true,
            reloading: false,
            error: null,
            data: null,
            exporting: null,
            alertsOpen: false,
            collapsed: {},
        });
        this.pendingCharts = new Set();
        this.loadId = 0;
        // The data call and the Chart.js bundle load in parallel; skeletons show meanwhile.
        this.load(null);
        onWillStart(() => loadBundle("web.chartjs_lib"));
        this.onKpiRefreshed = () => this.load(this.state.data?.filters || null, { quiet: true });
        this.busService.subscribe("smart_dairy_kpi_refreshed", this.onKpiRefreshed);
        if (!this.busService.isActive) {
            this.busService.start();
        }
        onWillUnmount(() =>
            this.busService.unsubscribe("smart_dairy_kpi_refreshed", this.onKpiRefreshed)
        );
    }

    get data() {
        return this.state.data;
    }

    get currency() {
        return this.data?.currency || { symbol: "", position: "before", digits: 2 };
    }

    get widgets() {
        return this.data?.widgets || [];
    }

    /**
     * The widgets in blocks: those above the first section, then each section's (the
     * widgets from its row to the next section's), rows counted from the block's top,
     * each block a grid of its own that the section's heading collapses.
     */
    get blocks() {
        const sections = this.widgets
            .filter((w) => w.type === "section")
            .sort((a, b) => a.row - b.row);
        const blocks = [
            { key: "top", section: null, start: 0, widgets: [] },
            ...sections.map((s) => ({ key: `s${s.id}`, section: s, start: s.row + 1, widgets: [] })),
        ];
        for (const widget of this.widgets) {
            if (widget.type !== "section") {
                const block = blocks.findLast((b) => !b.section || b.section.row < widget.row);
                block.widgets.push({ ...widget, row: Math.max(widget.row - block.start, 0) });
            }
        }
        return blocks.filter((b) => b.section || b.widgets.length);
    }

    toggleSection(section) {
        this.state.collapsed[section.id] = !this.state.collapsed[section.id];
    }

    get isEmpty() {
        const shown = this.widgets.filter((w) => w.type !== "section");
        return shown.length === 0 || shown.every((w) => w.empty);
    }

    /** Loads the whole dashboard in one call; `filters` null means the saved ones. */
    async load(filters, { quiet = false } = {}) {
        const loadId = ++this.loadId;
        if (this.state.data && !quiet) {
            this.state.reloading = true;
        }
        this.state.error = null;
        try {
            const data = await this.orm.call(MODEL, "get_dashboard_data", [
                this.dashboardId,
                filters,
            ]);
            if (loadId !== this.loadId) {
                return;
            }
            this.markPending(data.widgets || []);
            // The home action names no dashboard: the server chose the user's.
            this.dashboardId ||= data.dashboard?.id;
            this.state.data = data;
            this.env.config?.setDisplayName?.(data.dashboard?.name || _t("Dashboard"));
        } catch (error) {
            if (loadId !== this.loadId) {
                return;
            }
            this.state.error =
                error?.data?.message || error?.message || _t("The dashboard could not be loaded.");
        } finally {
            if (loadId === this.loadId) {
                this.state.loading = false;
                this.state.reloading = false;
            }
        }
    }

    /** Tracks the charts still to draw, to flag the moment the dashboard is fully drawn. */
    markPending(widgets) {
        this.pendingCharts = new Set(
            widgets.filter((w) => CHART_TYPES.has(w.type) && !w.empty).map((w) => w.id)
        );
        this.drawnFlagged = false;
        if (!this.pendingCharts.size) {
            this.flagDrawn();
        }
    }

    onChartDrawn(widgetId) {
        this.pendingCharts.delete(widgetId);
        if (!this.pendingCharts.size) {
            this.flagDrawn();
        }
    }

    flagDrawn() {
        if (this.drawnFlagged) {
            return;
        }
        this.drawnFlagged = true;
        // Read by the browser benchmark and the tours.
        performance.mark("smart_dairy_dashboard_drawn");
        window.requestAnimationFrame?.(() =>
            document.querySelector(".o_sd_dashboard")?.setAttribute("data-drawn", "1")
        );
    }

    retry() {
        this.state.loading = !this.state.data;
        return this.load(this.state.data?.filters || null);
    }

    async onFiltersChange(changes) {
        const filters = { ...this.data.filters, ...changes };
        await this.load(filters);
        if (!this.state.error) {
            this.orm.call(MODEL, "save_filters", [this.dashboardId, this.data.filters]);
        }
    }

    /** The component another addon registers (category "smart_dairy_bi.widgets") for
     * a widget type of its own, or null. */
    extensionComponent(widget) {
        return registry.category("smart_dairy_bi.widgets").get(widget.type, null);
    }

    widgetStyle(widget) {
        return [
            `--sd-col: ${(widget.col || 0) + 1}`,
            `--sd-width: ${widget.width || 12}`,
            `--sd-row: ${(widget.row || 0) + 1}`,
            `--sd-height: ${widget.height || 1}`,
        ].join("; ");
    }

    alertClass(alert) {
        return `o_sd_alert_${alert.severity}`;
    }

    /** Open alerts by rule, worst rule first (the server lists them worst first). */
    get alertGroups() {
        const groups = new Map();
        for (const alert of this.data?.alerts || []) {
            const rule = alert.rule || alert.name;
            if (!groups.has(rule)) {
                groups.set(rule, { rule, alerts: [] });
            }
            groups.get(rule).alerts.push(alert);
        }
        return [...groups.values()];
    }

    get alertTotal() {
        return Object.values(this.data?.alert_counts || {}).reduce((sum, n) => sum + n, 0);
    }

    /** One chip per severity present, worst first. */
    get severityChips() {
        const counts = this.data?.alert_counts || {};
        return [
            { severity: "critical", label: _t("critical"), badge: "text-bg-danger" },
            { severity: "warning", label: _t("warning"), badge: "text-bg-warning" },
            { severity: "info", label: _t("info"), badge: "text-bg-info" },
        ]
            .map((chip) => ({ ...chip, count: counts[chip.severity] || 0 }))
            .filter((chip) => chip.count);
    }

    openAlert(alert) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "smart.dairy.alert",
            res_id: alert.id,
            views: [[false, "form"]],
        });
    }

    async drilldown(widget, { kpiCode, periodStart = null, dimensionValue = null }) {
        const action = await this.orm.call(MODEL, "action_drilldown", [
            widget.id,
            kpiCode,
            this.data.filters,
            periodStart,
            dimensionValue,
        ]);
        if (action) {
            // The filter behind the value is a facet of the search bar: seen, removable.
            const { facets, ...windowAction } = action;
            await this.actionService.doAction(windowAction, {
                props: { dynamicFilters: facets || [] },
            });
        }
    }

    /** Downloads the dashboard, or one widget of it (CSV and JSON), as filtered. */
    async export(format, widgetId = null) {
        this.state.exporting = format;
        try {
            const args = [this.dashboardId, this.data.filters, format];
            const action = await this.orm.call(
                MODEL,
                "action_export",
                widgetId ? [...args, widgetId] : args
            );
            await this.actionService.doAction(action);
        } catch (error) {
            this.notification.add(error?.data?.message || _t("The export failed."), {
                type: "danger",
            });
        } finally {
            this.state.exporting = null;
        }
    }
}

registry.category("actions").add("smart_dairy_bi.dashboard", SmartDairyDashboard);
