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
            content: "Its form shows its metrics",
            trigger: ".o_form_view .o_field_widget[name=metric_ids] .o_data_row:contains(activity)",
        },
    ],
});
