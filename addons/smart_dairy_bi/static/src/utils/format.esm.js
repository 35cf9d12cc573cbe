/** Formatting of KPI values, deltas and polarity colours for the Smart Dairy dashboards. */
import { _t } from "@web/core/l10n/translation";
import { localization } from "@web/core/l10n/localization";
import { formatFloat } from "@web/core/utils/numbers";

export const NO_VALUE = "—";
const NBSP = "\u00a0";

function isNumber(value) {
    return typeof value === "number" && Number.isFinite(value);
}

/**
 * A number with thousands separators; `compact` shortens large values (12.3k, 4.5M).
 *
 * @param {number|null} value
 * @param {{digits?: number, compact?: boolean}} [options]
 */
export function formatNumber(value, { digits = 0, compact = false } = {}) {
    if (!isNumber(value)) {
        return NO_VALUE;
    }
    if (compact && Math.abs(value) >= 10000) {
        // 210.0k reads better as 210k.
        const text = formatFloat(value, { humanReadable: true, decimals: 1 });
        return text.replace(`${localization.decimalPoint}0`, "");
    }
    return formatFloat(value, { digits: [false, digits] });
}

/**
 * An amount in the company currency: symbol before or after, currency digits.
 *
 * @param {number|null} value
 * @param {{symbol: string, position: "before"|"after", digits: number}} currency
 * @param {{compact?: boolean}} [options]
 */
export function formatCurrency(value, currency, { compact = false } = {}) {
    if (!isNumber(value)) {
        return NO_VALUE;
    }
    const { symbol = "", position = "before", digits = 2 } = currency || {};
    const amount = formatNumber(value, { digits, compact });
    if (!symbol) {
        return amount;
    }
    return position === "after" ? `${amount}${NBSP}${symbol}` : `${symbol}${NBSP}${amount}`;
}

/** A percentage already expressed in percent (42.5 -> "42.5%"). */
export function formatPercentage(value, { digits = 1 } = {}) {
    return isNumber(value) ? `${formatFloat(value, { digits: [false, digits] })}%` : NO_VALUE;
}

/** A number of days, one decimal. */
export function formatDays(value) {
    if (!isNumber(value)) {
        return NO_VALUE;
    }
    const days = formatFloat(value, { digits: [false, 1] });
    return String(Math.abs(value) === 1 ? _t("%s day", days) : _t("%s days", days));
}

/** A volume in litres (or the KPI's own unit), compact when large. */
export function formatVolume(value, { unit = "L", compact = false } = {}) {
    if (!isNumber(value)) {
        return NO_VALUE;
    }
    const digits = Math.abs(value) < 100 ? 1 : 0;
    return `${formatNumber(value, { digits, compact })}${NBSP}${unit || "L"}`;
}

/**
 * A KPI value as the KPI displays it (its display_format and unit).
 *
 * @param {number|null} value
 * @param {{display_format: string, unit?: string}} kpi
 * @param {object} currency the dashboard currency
 * @param {{compact?: boolean}} [options]
 */
export function formatKpiValue(value, kpi, currency, { compact = false } = {}) {
    const unit = kpi?.unit || "";
    switch (kpi?.display_format) {
        case "currency":
            return formatCurrency(value, currency, { compact });
        case "percentage":
            return formatPercentage(value);
        case "days":
            return formatDays(value);
        case "volume":
            return formatVolume(value, { unit: unit || "L", compact });
        case "ratio":
            return isNumber(value)
                ? `${formatFloat(value, { digits: [false, 2] })}${unit ? NBSP + unit : ""}`
                : NO_VALUE;
        default: {
            if (!isNumber(value)) {
                return NO_VALUE;
            }
            const digits = Math.abs(value) < 100 && !Number.isInteger(value) ? 1 : 0;
            const text = formatNumber(value, { digits, compact });
            return unit ? `${text}${NBSP}${unit}` : text;
        }
    }
}

/**
 * A short value for chart axes: 1.5k, 20k, 3M, with the KPI's currency symbol or unit.
 *
 * @param {number|null} value
 * @param {{display_format: string, unit?: string}} kpi
 * @param {object} currency
 */
export function formatAxisValue(value, kpi, currency) {
    if (!isNumber(value)) {
        return "";
    }
    let text;
    if (Math.abs(value) >= 1000) {
        text = formatFloat(value, { humanReadable: true, decimals: 1 }).replace(
            `${localization.decimalPoint}0`,
            ""
        );
    } else {
        // Ticks below 1 (ratios such as 0.35 kg/L) need two decimals to stay distinct.
        const decimals = Number.isInteger(value) ? 0 : Math.abs(value) < 1 ? 2 : 1;
        text = formatFloat(value, { digits: [false, decimals] });
    }
    switch (kpi?.display_format) {
        case "currency": {
            const { symbol = "", position = "before" } = currency || {};
            if (!symbol) {
                return text;
            }
            return position === "after" ? `${text}${NBSP}${symbol}` : `${symbol}${NBSP}${text}`;
        }
        case "percentage":
            return `${text}%`;
        case "volume":
            return `${text}${NBSP}${kpi.unit || "L"}`;
        default:
            return text;
    }
}

/** A relative change given as a fraction (0.123 -> "+12.3%", -0.04 -> "−4.0%"). */
export function formatDeltaPct(fraction) {
    if (!isNumber(fraction)) {
        return NO_VALUE;
    }
    const pct = Math.round(fraction * 1000) / 10;
    const text = formatFloat(Math.abs(pct), { digits: [false, 1] });
    if (pct === 0) {
        return `${text}%`;
    }
    return `${pct > 0 ? "+" : "−"}${text}%`;
}

/**
 * Whether a change is good news, given the KPI's polarity.
 *
 * @param {number|null} delta the change (its sign matters only)
 * @param {"higher"|"lower"} polarity
 * @returns {"good"|"bad"|"neutral"}
 */
export function deltaTone(delta, polarity) {
    if (!isNumber(delta) || delta === 0) {
        return "neutral";
    }
    const up = delta > 0;
    return up === (polarity !== "lower") ? "good" : "bad";
}

/** Bootstrap text class for a change: green when good, red when bad, muted otherwise. */
export function deltaClass(delta, polarity) {
    return { good: "text-success", bad: "text-danger", neutral: "text-muted" }[
        deltaTone(delta, polarity)
    ];
}

/** Arrow for a change: ▲ up, ▼ down, ▬ flat or unknown. */
export function deltaArrow(delta) {
    if (!isNumber(delta) || delta === 0) {
        return "▬";
    }
    return delta > 0 ? "▲" : "▼";
}

/** Target achievement as a whole percentage (0.873 -> "87%"). */
export function formatAchievement(fraction) {
    return isNumber(fraction) ? `${formatFloat(fraction * 100, { digits: [false, 0] })}%` : NO_VALUE;
}
