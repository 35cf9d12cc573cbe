import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { allowTranslations, patchWithCleanup } from "@web/../tests/web_test_helpers";
import { localization } from "@web/core/l10n/localization";
import {
    NO_VALUE,
    deltaArrow,
    deltaClass,
    deltaTone,
    formatAxisValue,
    formatAchievement,
    formatCurrency,
    formatDays,
    formatDeltaPct,
    formatKpiValue,
    formatNumber,
    formatPercentage,
    formatVolume,
} from "@smart_dairy_bi/utils/format.esm";

const NBSP = "\u00a0";
const USD = { symbol: "$", position: "before", digits: 2 };
const EUR = { symbol: "€", position: "after", digits: 2 };

beforeEach(() => {
    allowTranslations();
    patchWithCleanup(localization, { decimalPoint: ".", thousandsSep: ",", grouping: [3, 0] });
});

describe("numbers", () => {
    test("thousands separators and digits", () => {
        expect(formatNumber(1234567)).toBe("1,234,567");
        expect(formatNumber(1234.567, { digits: 2 })).toBe("1,234.57");
        expect(formatNumber(-42)).toBe("-42");
        expect(formatNumber(0)).toBe("0");
    });

    test("compact only for large values", () => {
        expect(formatNumber(9999, { compact: true })).toBe("9,999");
        expect(formatNumber(12345, { compact: true })).toBe("12.3k");
        expect(formatNumber(4567890, { compact: true })).toBe("4.6M");
        expect(formatNumber(210000, { compact: true })).toBe("210k");
        expect(formatNumber(1000000, { compact: true })).toBe("1M");
    });

    test("missing values show a dash", () => {
        expect(formatNumber(null)).toBe(NO_VALUE);
        expect(formatNumber(undefined)).toBe(NO_VALUE);
        expect(formatNumber(Number.NaN)).toBe(NO_VALUE);
        expect(formatCurrency(null, USD)).toBe(NO_VALUE);
        expect(formatPercentage(null)).toBe(NO_VALUE);
        expect(formatDays(null)).toBe(NO_VALUE);
        expect(formatVolume(null)).toBe(NO_VALUE);
    });
});

describe("undefined values", () => {
    const FORMATS = ["currency", "number", "percentage", "days", "volume", "ratio"];

    test("an undefined value reads as a dash in every display format, never as zero", () => {
        for (const displayFormat of FORMATS) {
            const kpi = { display_format: displayFormat, unit: "kg/L" };
            for (const value of [null, undefined, Number.NaN, Infinity, -Infinity]) {
                const text = formatKpiValue(value, kpi, USD);
                expect(text).toBe(NO_VALUE, { message: `${displayFormat} ${value}` });
                expect(formatKpiValue(value, kpi, USD, { compact: true })).toBe(NO_VALUE);
            }
            // A real zero stays a zero.
            expect(formatKpiValue(0, kpi, USD)).not.toBe(NO_VALUE);
            expect(formatKpiValue(0, kpi, USD)).toMatch(/0/);
        }
    });

    test("comparisons with an undefined value are undefined too", () => {
        expect(formatDeltaPct(undefined)).toBe(NO_VALUE);
        expect(formatDeltaPct(Infinity)).toBe(NO_VALUE);
        expect(formatAchievement(Number.NaN)).toBe(NO_VALUE);
        expect(deltaTone(Infinity, "higher")).toBe("neutral");
        expect(deltaArrow(undefined)).toBe("▬");
        expect(formatAxisValue(undefined, { display_format: "currency" }, USD)).toBe("");
        expect(formatAxisValue(Infinity, { display_format: "percentage" }, USD)).toBe("");
    });
});

describe("currency", () => {
    test("symbol before or after, currency digits", () => {
        expect(formatCurrency(1234.5, USD)).toBe(`$${NBSP}1,234.50`);
        expect(formatCurrency(1234.5, EUR)).toBe(`1,234.50${NBSP}€`);
        expect(formatCurrency(99.999, { symbol: "¥", position: "before", digits: 0 })).toBe(
            `¥${NBSP}100`
        );
        expect(formatCurrency(-5, USD)).toBe(`$${NBSP}-5.00`);
    });

    test("compact amounts", () => {
        expect(formatCurrency(1250000, USD, { compact: true })).toBe(`$${NBSP}1.3M`);
        expect(formatCurrency(5000, USD, { compact: true })).toBe(`$${NBSP}5,000.00`);
    });
});

describe("units", () => {
    test("percentage, days and volume", () => {
        expect(formatPercentage(42.345)).toBe("42.3%");
        expect(formatPercentage(100)).toBe("100.0%");
        expect(formatDays(1)).toBe("1.0 day");
        expect(formatDays(37.25)).toBe("37.3 days");
        expect(formatVolume(12345.6)).toBe(`12,346${NBSP}L`);
        expect(formatVolume(27.44, { unit: "L/cow/day" })).toBe(`27.4${NBSP}L/cow/day`);
        expect(formatVolume(2500000, { compact: true })).toBe(`2.5M${NBSP}L`);
    });

    test("a KPI value follows its display format and unit", () => {
        expect(formatKpiValue(1500, { display_format: "currency" }, EUR)).toBe(
            `1,500.00${NBSP}€`
        );
        expect(formatKpiValue(87.5, { display_format: "percentage", unit: "%" }, USD)).toBe(
            "87.5%"
        );
        expect(formatKpiValue(45, { display_format: "days", unit: "days" }, USD)).toBe(
            "45.0 days"
        );
        expect(formatKpiValue(3200, { display_format: "volume", unit: "L" }, USD)).toBe(
            `3,200${NBSP}L`
        );
        expect(formatKpiValue(1.234, { display_format: "ratio", unit: "kg/L" }, USD)).toBe(
            `1.23${NBSP}kg/L`
        );
        expect(formatKpiValue(185000, { display_format: "number", unit: "cells/mL" }, USD)).toBe(
            `185,000${NBSP}cells/mL`
        );
        expect(formatKpiValue(3.85, { display_format: "number", unit: "%" }, USD)).toBe(
            `3.9${NBSP}%`
        );
        expect(formatKpiValue(412, { display_format: "number" }, USD)).toBe("412");
        expect(formatKpiValue(null, { display_format: "currency" }, USD)).toBe(NO_VALUE);
    });
});

describe("chart axes", () => {
    test("short ticks with the currency or unit", () => {
        expect(formatAxisValue(5000, { display_format: "currency" }, USD)).toBe(`$${NBSP}5k`);
        expect(formatAxisValue(12500, { display_format: "currency" }, EUR)).toBe(
            `12.5k${NBSP}€`
        );
        expect(formatAxisValue(0, { display_format: "currency" }, USD)).toBe(`$${NBSP}0`);
        expect(formatAxisValue(2500, { display_format: "volume", unit: "L" }, USD)).toBe(
            `2.5k${NBSP}L`
        );
        expect(formatAxisValue(37.5, { display_format: "percentage" }, USD)).toBe("37.5%");
        expect(formatAxisValue(null, { display_format: "number" }, USD)).toBe("");
        expect(formatAxisValue(0.35, { display_format: "ratio", unit: "kg/L" }, USD)).toBe("0.35");
        expect(formatAxisValue(0.3, { display_format: "ratio", unit: "kg/L" }, USD)).toBe("0.30");
    });
});

describe("deltas and polarity", () => {
    test("delta percentages are signed, one decimal", () => {
        expect(formatDeltaPct(0.1234)).toBe("+12.3%");
        expect(formatDeltaPct(-0.04)).toBe("−4.0%");
        expect(formatDeltaPct(0)).toBe("0.0%");
        expect(formatDeltaPct(0.00001)).toBe("0.0%");
        expect(formatDeltaPct(2.5)).toBe("+250.0%");
        expect(formatDeltaPct(null)).toBe(NO_VALUE);
    });

    test("higher is better: up is green, down is red", () => {
        expect(deltaTone(0.1, "higher")).toBe("good");
        expect(deltaTone(-0.1, "higher")).toBe("bad");
        expect(deltaClass(0.1, "higher")).toBe("text-success");
        expect(deltaClass(-0.1, "higher")).toBe("text-danger");
    });

    test("lower is better: up is red, down is green", () => {
        expect(deltaTone(0.1, "lower")).toBe("bad");
        expect(deltaTone(-0.1, "lower")).toBe("good");
        expect(deltaClass(0.1, "lower")).toBe("text-danger");
        expect(deltaClass(-0.1, "lower")).toBe("text-success");
    });

    test("no change or unknown change is neutral", () => {
        expect(deltaClass(0, "higher")).toBe("text-muted");
        expect(deltaClass(null, "lower")).toBe("text-muted");
        expect(deltaArrow(0.2)).toBe("▲");
        expect(deltaArrow(-0.2)).toBe("▼");
        expect(deltaArrow(null)).toBe("▬");
    });

    test("target achievement", () => {
        expect(formatAchievement(0.873)).toBe("87%");
        expect(formatAchievement(1.2)).toBe("120%");
        expect(formatAchievement(null)).toBe(NO_VALUE);
    });
});
