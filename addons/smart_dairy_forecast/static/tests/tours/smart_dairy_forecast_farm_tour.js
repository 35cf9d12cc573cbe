import { registry } from "@web/core/registry";

function fitsThePhone(what) {
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 0) {
        throw new Error(`${what} is ${overflow} px wider than the screen`);
    }
}

registry.category("web_tour.tours").add("smart_dairy_forecast_farm_tour", {
    steps: () => [
        {
            content: "Open the farm's smart buttons",
            trigger: ".o_form_view .o_button_more",
            run: "click",
        },
        {
            content: "Open the farm's milk forecast",
            trigger: "button[name=action_open_forecast]",
            run: "click",
        },
        {
            content: "The forecast against actual opens as a graph",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "The graph fits the phone's screen",
            trigger: ".o_graph_renderer canvas",
            run: () => fitsThePhone("the forecast graph"),
        },
        {
            content: "Open the view switcher",
            trigger: "div.o_cp_switch_buttons > button",
            run: "click",
        },
        {
            content: "Switch to the list",
            trigger: ".o-dropdown-item:contains(List)",
            run: "click",
        },
        {
            content: "The list shows the milk recorded",
            trigger: ".o_data_row:contains(Actual):contains(12.00)",
        },
        {
            content: "and the forecast",
            trigger: ".o_data_row:contains(Forecast):contains(12.00)",
        },
        {
            content: "The list fits the phone's screen",
            trigger: ".o_list_renderer",
            run: () => fitsThePhone("the forecast list"),
        },
    ],
});
