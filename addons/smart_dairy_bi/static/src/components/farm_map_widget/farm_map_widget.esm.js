import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatKpiValue } from "@smart_dairy_bi/utils/format.esm";

// Label metrics in drawing units (the viewBox is about a phone's width, so about px there).
const LINE = 12;
const CHAR_WIDTH = 7.4;
// Touch target around each farm: 44 px across, as the mobile guidelines ask.
const HIT_RADIUS = 22;

/**
 * Farm map: the farms placed from their stored coordinates (the server projects them
 * onto the drawing), a circle per farm sized by its value and coloured by its target,
 * drawn as inline SVG (no tile server, no network). Clicking a farm opens its records.
 */
export class FarmMapWidget extends Component {
    static template = "smart_dairy_bi.FarmMapWidget";
    static props = { widget: Object, currency: Object, onDrilldown: Function };

    get data() {
        return this.props.widget.data || {};
    }

    get kpi() {
        return this.props.widget.kpis?.[0];
    }

    get width() {
        return this.data.width || 320;
    }

    get height() {
        return this.data.height || 220;
    }

    get viewBox() {
        return `0 0 ${this.width} ${this.height}`;
    }

    format(value, compact = false) {
        return formatKpiValue(value, this.kpi, this.props.currency, { compact });
    }

    /** The placed farms, largest circle first (small ones stay on top, clickable). */
    get farms() {
        const farms = [...(this.data.farms || [])].sort((a, b) => b.r - a.r);
        const boxes = [];
        return farms.map((farm) => {
            const value = this.format(farm.value, true);
            const label = this.placeLabel(farm, value, farms, boxes);
            let tooltip = `${farm.label}: ${this.format(farm.value)}`;
            if (typeof farm.target === "number") {
                tooltip += ` (${_t("target %s", this.format(farm.target))})`;
            }
            return {
                ...farm,
                tone: farm.status || "none",
                hit: Math.max(farm.r, HIT_RADIUS),
                valueText: value,
                tooltip,
                ...label,
            };
        });
    }

    /**
     * Where a farm's two label lines (name, value) go: under its circle in the upper
     * half, over it in the lower half, else to its right or left; the first place that
     * covers no other label, no other circle and stays inside the drawing, or the one
     * that covers least. Near the edges, labels are anchored so that names stay inside.
     */
    placeLabel(farm, value, farms, boxes) {
        const textWidth = Math.max(farm.label.length, value.length) * CHAR_WIDTH;
        const centred = (baseline) => {
            let anchor = "middle";
            let left = farm.x - textWidth / 2;
            if (left < 2) {
                anchor = "start";
                left = 2;
            } else if (left + textWidth > this.width - 2) {
                anchor = "end";
                left = this.width - 2 - textWidth;
            }
            const x = anchor === "start" ? left : anchor === "end" ? left + textWidth : farm.x;
            return { anchor, x, left, baseline };
        };
        const below = centred(farm.y + farm.r + LINE);
        const above = centred(farm.y - farm.r - 4 - LINE);
        const side = farm.y - 1;
        const right = { anchor: "start", x: farm.x + farm.r + 3, baseline: side };
        right.left = right.x;
        const left = { anchor: "end", x: farm.x - farm.r - 3, baseline: side };
        left.left = left.x - textWidth;
        const candidates =
            farm.y <= this.height / 2 ? [below, above, right, left] : [above, below, right, left];
        const area = (a, b) =>
            Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
            Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
        const obstacles = [
            ...boxes,
            ...farms
                .filter((other) => other !== farm)
                .map((o) => ({ left: o.x - o.r, right: o.x + o.r, top: o.y - o.r, bottom: o.y + o.r })),
        ];
        let best = null;
        for (const place of candidates) {
            const box = {
                left: place.left,
                right: place.left + textWidth,
                top: place.baseline - LINE + 2,
                bottom: place.baseline + LINE + 3,
            };
            const inside = { left: 0, right: this.width, top: 0, bottom: this.height };
            const outside = (box.right - box.left) * (box.bottom - box.top) - area(box, inside);
            const cost = obstacles.reduce((sum, o) => sum + area(box, o), 0) + 10 * outside;
            if (!best || cost < best.cost) {
                best = { place, box, cost };
            }
            if (!cost) {
                break;
            }
        }
        boxes.push(best.box);
        const { anchor, x, baseline } = best.place;
        return { anchor, labelX: x, labelY: baseline, valueY: baseline + LINE };
    }

    get unplaced() {
        return this.data.unplaced || [];
    }

    get legend() {
        if (!this.data.has_targets) {
            return [];
        }
        return [
            { tone: "met", text: _t("target met") },
            { tone: "missed", text: _t("target missed") },
        ];
    }

    open(farm) {
        this.props.onDrilldown(this.props.widget, {
            kpiCode: this.kpi?.code,
            dimensionValue: farm.key,
        });
    }

    onKeydown(ev, farm) {
        if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            this.open(farm);
        }
    }
}
