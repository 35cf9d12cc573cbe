/* global Chart */
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/** The dashboard is drawn and shows at least one KPI card with a value. */
const cardsShown = () => [
    {
        content: "The dashboard is drawn",
        trigger: ".o_sd_dashboard[data-drawn='1']:not([aria-busy='true'])",
    },
    {
        content: "KPI cards show values",
        trigger: ".o_sd_widget_kpi_card:not(.o_sd_widget_is_empty) .o_sd_kpi_value:not(:contains(—))",
    },
];

/** Rows of CSV text as objects keyed by its header (quoted cells allowed). */
function parseCsv(text) {
    const rows = [];
    let row = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (quoted) {
            if (char === '"' && text[i + 1] === '"') {
                cell += '"';
                i++;
            } else if (char === '"') {
                quoted = false;
            } else {
                cell += char;
            }
        } else if (char === '"') {
            quoted = true;
        } else if (char === ",") {
            row.push(cell);
            cell = "";
        } else if (char === "\n") {
            row.push(cell);
            rows.push(row);
            row = [];
            cell = "";
        } else {
            cell += char;
        }
    }
    const [header, ...body] = rows;
    return body.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i]])));
}

/** Throws unless the figure shown on a card ("$ 56,912.34", "62.6 %") is ``value``
 * rounded to the decimals shown. */
function assertShown(card, shown, value, source) {
    const number = Number(shown.replace(/[^0-9.-]/g, ""));
    const decimals = (shown.match(/\.(\d+)/) || ["", ""])[1].length;
    if (value === null || value === undefined || Math.abs(number - value) > 0.5 * 10 ** -decimals) {
        throw new Error(`${card}: the card shows ${shown}, the ${source} export ${value}`);
    }
}

/** Compares every KPI card on screen with the CSV and JSON downloads of the dashboard. */
async function exportsMatchTheCards() {
    for (let tries = 0; window.sdExports.length < 2 && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [csvUrl, jsonUrl] = window.sdExports;
    const csvRows = parseCsv(await (await fetch(csvUrl)).text());
    const json = await (await fetch(jsonUrl)).json();
    const cards = [...document.querySelectorAll(".o_sd_widget_kpi_card:not(.o_sd_widget_is_empty) .o_sd_kpi_card")];
    const exported = json.widgets.filter((widget) => widget.type === "kpi_card" && widget.rows.length);
    if (!cards.length || cards.length !== exported.length) {
        throw new Error(`${cards.length} cards on screen, ${exported.length} in the JSON export`);
    }
    cards.forEach((card, index) => {
        const title = card.querySelector(".o_sd_kpi_title").textContent.trim();
        const widget = exported[index];
        const shown = card.getAttribute("title");
        assertShown(title, shown, widget.rows[0].value, "JSON");
        const row = csvRows.find((r) => r.kpi === widget.rows[0].kpi && r.widget === (widget.title || ""));
        assertShown(title, shown, row && Number(row.value), "CSV");
    });
}

// Opens one dashboard (the URL of the tour) and checks its cards.
tours.add("smart_dairy_bi_dashboard_cards", {
    steps: () => [
        ...cardsShown(),
        {
            content: "No error",
            trigger: "body:not(:has(.o_sd_error)):not(:has(.o_error_dialog))",
        },
    ],
});

/** Clicks the first bar of the first bar chart on the canvas itself, as a user would. */
function clickFirstBar() {
    const canvas = document.querySelector(".o_sd_widget_bar:not(.o_sd_widget_is_empty) canvas");
    const chart = Chart.getChart(canvas);
    const bar = chart.getDatasetMeta(0).data.find((element) => element && !element.skip);
    const rect = canvas.getBoundingClientRect();
    const position = bar.tooltipPosition();
    const init = {
        bubbles: true,
        cancelable: true,
        clientX: rect.left + position.x,
        clientY: rect.top + position.y,
    };
    canvas.dispatchEvent(new MouseEvent("mousemove", init));
    canvas.dispatchEvent(new MouseEvent("click", init));
}

// Executive dashboard: drill down into a bar, then filter by period and region, then export.
tours.add("smart_dairy_bi_dashboard_flow", {
    steps: () => [
        ...cardsShown(),
        {
            content: "Click a bar of the first bar chart (revenue by region)",
            trigger: ".o_sd_widget_bar:not(.o_sd_widget_is_empty) canvas",
            run: clickFirstBar,
        },
        {
            content: "The fact records behind the bar are listed",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "The breadcrumb names the widget",
            trigger: ".o_breadcrumb .active:contains(by Region)",
        },
        {
            content: "On a phone, show the search bar",
            trigger: ".o_control_panel",
            run() {
                const toggler = document.querySelector(
                    ".o_control_panel button:has(> .fa-search):not(.active)"
                );
                toggler?.click();
            },
        },
        {
            content: "The filter behind the bar is a facet of the search bar",
            trigger: ".o_searchview_facet:contains(by Region)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a, .o_back_button",
            run: "click",
        },
        ...cardsShown(),
        {
            content: "The period is in sight before the filters open",
            trigger: ".o_sd_preset:visible",
        },
        {
            content: "Note where the first widget stands",
            trigger: ".o_sd_widget",
            run() {
                window.sdFirstWidgetTop = document.querySelector(".o_sd_widget").getBoundingClientRect().top;
            },
        },
        {
            content: "Open the filters (a panel on phones)",
            trigger: ".o_sd_filters_toggle",
            run: "click",
        },
        {
            content: "On a desk the filters open over the dashboard: the widgets do not move",
            trigger: ".o_sd_dimension_panel",
            run() {
                const top = document.querySelector(".o_sd_widget").getBoundingClientRect().top;
                if (window.innerWidth >= 768 && Math.abs(top - window.sdFirstWidgetTop) > 1) {
                    throw new Error(`the widgets moved by ${top - window.sdFirstWidgetTop} px`);
                }
            },
        },
        {
            content: "On a phone every filter option is at least 44 px high",
            trigger: ".o_sd_dimension_region_ids label:contains(North)",
            run() {
                if (window.innerWidth >= 768) {
                    return;
                }
                const small = [...document.querySelectorAll(".o_sd_dimension_panel .form-check, .o_sd_filters_toggle, .o_sd_preset")]
                    .filter((el) => el.getBoundingClientRect().height < 44);
                if (small.length) {
                    throw new Error(`${small.length} filter controls are under 44 px high`);
                }
            },
        },
        {
            content: "Choose the last 90 days",
            trigger: ".o_sd_preset",
            run: "select last_90_days",
        },
        {
            content: "The period is applied",
            trigger: ".o_sd_dashboard:not([aria-busy='true']) .o_sd_preset:has(option[value='last_90_days']:selected)",
        },
        {
            content: "Filter on the North region",
            trigger: ".o_sd_dimension_region_ids label:contains(North)",
            run: "click",
        },
        {
            content: "Apply the filters",
            trigger: ".o_sd_apply",
            run: "click",
        },
        {
            content: "One region filter is active",
            trigger: ".o_sd_filters_toggle .badge:contains(1)",
        },
        ...cardsShown(),
        {
            content: "Export to XLSX",
            trigger: ".o_sd_export_xlsx:enabled",
            run: "click",
        },
        {
            content: "The export finished without error",
            trigger:
                ".o_sd_export_xlsx:enabled:not(:has(.fa-spin))",
        },
        {
            content: "Catch the next downloads' addresses instead of opening them",
            trigger: ".o_sd_export_csv:enabled",
            run() {
                const { browser } = odoo.loader.modules.get("@web/core/browser/browser");
                window.sdExports = [];
                browser.open = (url) => {
                    window.sdExports.push(url);
                    return { closed: false };
                };
            },
        },
        {
            content: "Export to CSV",
            trigger: ".o_sd_export_csv:enabled",
            run: "click",
        },
        {
            content: "Export to JSON once the CSV is done (the buttons wait for it)",
            trigger: ".o_sd_export_json:enabled",
            run: "click",
        },
        {
            content: "The CSV and JSON downloads hold the figures the cards show",
            trigger: ".o_sd_export_json:enabled",
            run: exportsMatchTheCards,
        },
        {
            content: "No error dialog nor failure notification",
            trigger: "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))",
        },
    ],
});

// A farm manager on a phone: Smart Dairy opens on Farm Operations, the period is in
// sight, the weekday heatmap fits the screen, and the alerts take one line.
tours.add("smart_dairy_bi_farm_manager_home", {
    steps: () => [
        ...cardsShown(),
        {
            content: "The home dashboard of a farm manager is Farm Operations",
            trigger: ".o_sd_title:contains(Farm Operations)",
        },
        {
            content: "The period is shown without opening the filters",
            trigger: ".o_sd_preset:visible",
        },
        {
            content: "The weekday heatmap fits the width: all seven days, no sideways scroll",
            trigger: ".o_sd_heatmap thead th:nth-child(8)",
            run() {
                const box = document.querySelector(".o_sd_heatmap");
                if (box.scrollWidth > box.clientWidth + 1) {
                    throw new Error(`the heatmap scrolls: ${box.scrollWidth} > ${box.clientWidth}`);
                }
            },
        },
        {
            content: "The farm map fits the width and its farm names stay legible",
            trigger: ".o_sd_farm_map .o_sd_farm_label",
            run() {
                const map = document.querySelector(".o_sd_farm_map");
                const svg = map.querySelector("svg").getBoundingClientRect();
                if (svg.width > map.clientWidth + 1) {
                    throw new Error(`the farm map overflows: ${svg.width} > ${map.clientWidth}`);
                }
                for (const label of map.querySelectorAll(".o_sd_farm_label")) {
                    const size = label.getBoundingClientRect().height;
                    if (size < 10) {
                        throw new Error(`farm name ${label.textContent} is ${size}px high`);
                    }
                }
            },
        },
        {
            content: "Open alerts take one line, expanded on demand",
            trigger: "body:not(:has(.o_sd_alert_list))",
        },
        {
            content: "A farm on the map opens its milk records",
            trigger: ".o_sd_farm_map .o_sd_farm",
            run: "click",
        },
        {
            content: "The records list the farm's name whole, wrapped rather than cut",
            trigger: ".o_list_view.o_sd_fact_list .o_data_row td[name='farm_id']",
            run() {
                for (const cell of document.querySelectorAll(".o_data_row td.o_data_cell")) {
                    if (cell.scrollWidth > cell.clientWidth + 1) {
                        throw new Error(`cut in the list: ${cell.textContent}`);
                    }
                }
            },
        },
        {
            content: "Back to Farm Operations",
            trigger: ".o_breadcrumb .breadcrumb-item a, .o_back_button",
            run: "click",
        },
        ...cardsShown(),
        {
            content: "Open the filters",
            trigger: ".o_sd_filters_toggle",
            run: "click",
        },
        {
            content: "Filter on one farm",
            trigger: ".o_sd_dimension_farm_ids label:contains(River Bend Farm)",
            run: "click",
        },
        {
            content: "Apply the filter",
            trigger: ".o_sd_apply",
            run: "click",
        },
        {
            content: "One farm filter is active",
            trigger: ".o_sd_filters_toggle .badge:contains(1)",
        },
        ...cardsShown(),
        {
            content: "Only that farm is left on the farm map",
            trigger: ".o_sd_farm_map .o_sd_farm_label:contains(River Bend Farm)",
            run() {
                const names = [...document.querySelectorAll(".o_sd_farm_map .o_sd_farm_label")];
                if (names.some((label) => !label.textContent.includes("River Bend Farm"))) {
                    throw new Error(`farms on the filtered map: ${names.map((l) => l.textContent)}`);
                }
            },
        },
    ],
});

// The Data Quality dashboard on a phone: its cards and gauges fit the screen.
tours.add("smart_dairy_bi_quality_phone", {
    steps: () => [
        ...cardsShown(),
        {
            content: "The score gauges are drawn",
            trigger: ".o_sd_widget_gauge canvas",
        },
        {
            content: "Nothing is wider than the phone: no sideways scroll",
            trigger: ".o_sd_widget_gauge canvas",
            run() {
                const page = document.querySelector(".o_sd_dashboard");
                if (page.scrollWidth > page.clientWidth + 1) {
                    throw new Error(`the dashboard scrolls: ${page.scrollWidth} > ${page.clientWidth}`);
                }
                for (const widget of document.querySelectorAll(".o_sd_widget")) {
                    const box = widget.getBoundingClientRect();
                    if (box.right > window.innerWidth + 1) {
                        throw new Error(`a widget overflows the screen: ${box.right} > ${window.innerWidth}`);
                    }
                }
            },
        },
        {
            content: "Sources, failing checks and jobs are listed, each row a touch target",
            trigger: ".o_sd_widget_freshness .o_sd_health_row",
            run() {
                for (const type of ["freshness", "failing_checks", "pipeline"]) {
                    const rows = document.querySelectorAll(`.o_sd_widget_${type} .o_sd_health_row`);
                    if (!rows.length) {
                        throw new Error(`the ${type} widget lists nothing`);
                    }
                    for (const row of rows) {
                        const box = row.getBoundingClientRect();
                        if (box.height < 44 || box.right > window.innerWidth + 1) {
                            throw new Error(`${type} row "${row.textContent}" is ${box.width}x${box.height}`);
                        }
                    }
                }
            },
        },
        {
            content: "A source opens its check's latest result",
            trigger: ".o_sd_widget_freshness .o_sd_health_row:first",
            run: "click",
        },
        {
            content: "The result's form is shown",
            trigger: ".o_form_view .o_field_widget[name=check_id]",
        },
    ],
});
