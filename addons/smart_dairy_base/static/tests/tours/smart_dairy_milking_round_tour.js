import { registry } from "@web/core/registry";

const APP = "smart_dairy_base.menu_smart_dairy_root";
const ROUND_MENU = "smart_dairy_base.menu_smart_dairy_farm_milking_round";

function fill(earTag, field, value) {
    return [
        {
            content: `Tap the ${field} of ${earTag}`,
            trigger: `.modal .o_data_row:contains(${earTag}) .o_data_cell[name=${field}]`,
            run: "click",
        },
        {
            content: `Enter the ${field} of ${earTag}`,
            trigger: `.modal .o_data_row.o_selected_row .o_field_widget[name=${field}] input`,
            run: `edit ${value}`,
        },
    ];
}

registry.category("web_tour.tours").add("smart_dairy_milking_round_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all apps",
            trigger: ".o_app_menu_sidebar",
            async run({ queryFirst, click }) {
                if (!queryFirst(`.o_app_menu_sidebar .o_app[data-menu-xmlid="${APP}"]`)) {
                    await click(queryFirst(".o_sidebar_topbar a.btn-primary"));
                }
            },
        },
        {
            content: "Open Smart Dairy",
            trigger: `.o_app_menu_sidebar .o_app[data-menu-xmlid="${APP}"]`,
            run: "click",
        },
        {
            content: "Wait for the app's first screen",
            trigger: "body:not(:has(.o_app_menu_sidebar)) .o_action_manager .o_action",
        },
        {
            content: "Open the app menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Open Record Milking Round",
            trigger: `.o_app_menu_sidebar li[data-menu-xmlid="${ROUND_MENU}"]`,
            run: "click",
        },
        {
            content: "Choose the farm",
            trigger: ".modal .o_field_widget[name=farm_id] input",
            run: "click",
        },
        {
            content: "Search the farm",
            trigger: ".modal:not(.o_inactive_modal) .o_control_panel_navigation .btn .fa-search",
            run: "click",
        },
        {
            content: "Type the farm name",
            trigger: ".modal:not(.o_inactive_modal) .o_searchview_input",
            run: "edit Tour Meadow",
        },
        {
            content: "Search",
            trigger: ".modal:not(.o_inactive_modal) .o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Pick Tour Meadow Farm",
            trigger: ".modal:not(.o_inactive_modal) .o_kanban_record:contains(Tour Meadow Farm)",
            run: "click",
        },
        {
            content: "Check only lactating animals are listed",
            trigger: ".modal .o_data_row:contains(TOUR-002)",
            run() {
                const rows = document.querySelectorAll(".modal .o_data_row");
                if (rows.length !== 2 || /TOUR-003/.test(document.querySelector(".modal").innerText)) {
                    throw new Error("The round should list the two lactating animals only.");
                }
            },
        },
        {
            content: "Removing a cow's row is a 44 px touch target",
            trigger: ".modal .o_data_row .o_list_record_remove button",
            run() {
                for (const button of document.querySelectorAll(
                    ".modal .o_data_row .o_list_record_remove button"
                )) {
                    const { width, height } = button.getBoundingClientRect();
                    if (width < 44 || height < 44) {
                        throw new Error(`The remove button is ${width}x${height} px, not 44x44.`);
                    }
                }
            },
        },
        {
            content: "The farm records lab values: fat, protein and cells are columns already",
            trigger: ".modal th[data-name=fat_pct] ~ th[data-name=scc]",
        },
        ...fill("TOUR-001", "volume", "11.25"),
        {
            content: "Tap the fat of the same cow (her row is being edited)",
            trigger: ".modal .o_data_row.o_selected_row .o_data_cell[name=fat_pct]",
            run: "click",
        },
        {
            content: "Enter her fat",
            trigger: ".modal .o_data_row.o_selected_row .o_field_widget[name=fat_pct] input",
            run: "edit 4.1",
        },
        ...fill("TOUR-002", "volume", "9.5"),
        {
            content: "Record the round",
            trigger: ".modal footer button[name=action_record]",
            run: "click",
        },
        {
            content: "The records of the round are listed",
            trigger: ".o_action_manager .o_kanban_record:contains(TOUR-002)",
        },
        {
            content: "With both animals",
            trigger: ".o_action_manager .o_kanban_record:contains(TOUR-001)",
        },
    ],
});
