import { Component, useRef } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { usePopover } from "@web/core/popover/popover_hook";
import { useService } from "@web/core/utils/hooks";

const SEVERITY_LABELS = {
    critical: _t("Critical"),
    warning: _t("Warning"),
    info: _t("Info"),
};

/** The failing checks behind a badge, each opening its latest result's failing records. */
export class QualityPopover extends Component {
    static template = "smart_dairy_bi.QualityPopover";
    static props = {
        warnings: Array,
        onOpen: Function,
        close: { type: Function, optional: true },
    };

    get items() {
        return this.props.warnings.map((warning) => {
            const ranAt = warning.run_at ? formatDateTime(deserializeDateTime(warning.run_at)) : "";
            const meta = [
                SEVERITY_LABELS[warning.severity] || warning.severity,
                warning.company,
                ranAt && _t("last run %s", ranAt),
            ];
            return { ...warning, meta: meta.filter(Boolean).join(" · ") };
        });
    }

    open(warning) {
        this.props.close?.();
        this.props.onOpen(warning);
    }
}

/**
 * A "data quality" warning on a widget: shown when a check failing in the user's
 * companies reads what the widget's KPIs are built from; its popover lists them.
 */
export class QualityBadge extends Component {
    static template = "smart_dairy_bi.QualityBadge";
    static props = { warnings: Array };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.button = useRef("button");
        this.popover = usePopover(QualityPopover, {
            position: "bottom",
            // a click on the badge itself toggles it, not closes then reopens
            closeOnClickAway: (target) => !this.button.el?.contains(target),
        });
    }

    get title() {
        const names = this.props.warnings.map((warning) => warning.name).join("; ");
        return _t("Data quality: built on data that fails a check (%s)", names);
    }

    toggle(ev) {
        if (this.popover.isOpen) {
            this.popover.close();
            return;
        }
        this.popover.open(ev.currentTarget, {
            warnings: this.props.warnings,
            onOpen: (warning) => this.openResult(warning),
        });
    }

    async openResult(warning) {
        const action = await this.orm.call(
            "smart.dairy.quality.result",
            "action_open_failing",
            [[warning.result_id]]
        );
        if (action) {
            await this.action.doAction(action);
        }
    }
}
