import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains(iot-tour-collar)";

registry.category("web_tour.tours").add("smart_dairy_iot_device_kanban_tour", {
    url: "/odoo/action-smart_dairy_iot.action_smart_dairy_iot_device",
    steps: () => [
        {
            content: "The card shows the status",
            trigger: `${CARD} .o_field_widget[name=status]:contains(Online)`,
        },
        {
            content: "The card shows the battery and the last reading",
            trigger: `${CARD}:contains(64.0):contains(activity 120)`,
        },
        {
            content: "Nothing is wider than the phone's screen",
            trigger: CARD,
            run() {
                const overflow = document.documentElement.scrollWidth - window.innerWidth;
                if (overflow > 0) {
                    throw new Error(`the device kanban is ${overflow} px wider than the screen`);
                }
            },
        },
        {
            content: "Open the device",
            trigger: CARD,
            run: "click",
        },
        {
            content: "Its form opens on a chart of its readings",
            trigger: ".o_smart_dairy_iot_readings_chart:contains(1 points) canvas",
        },
        {
            content: "The chart and its controls fit the phone's screen",
            trigger: ".o_smart_dairy_iot_readings_chart canvas",
            run() {
                const overflow = document.documentElement.scrollWidth - window.innerWidth;
                if (overflow > 0) {
                    throw new Error(`the device form is ${overflow} px wider than the screen`);
                }
            },
        },
        {
            content: "Switch to the last 7 days",
            trigger: ".o_smart_dairy_iot_readings_chart button:contains(7 days)",
            run: "click",
        },
        {
            content: "The period switches to the last 7 days",
            trigger: ".o_smart_dairy_iot_readings_chart button.active:contains(7 days)",
        },
        {
            content: "Open the metrics",
            trigger: ".o_notebook .nav-link:contains(Metrics)",
            run: "click",
        },
        {
            content: "Its form shows its metrics",
            trigger: ".o_form_view .o_field_widget[name=metric_ids] .o_data_row:contains(activity)",
        },
    ],
});
