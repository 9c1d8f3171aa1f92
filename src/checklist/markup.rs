//! The HTML of checklist items and group progress lines. Controls that only work with
//! JavaScript (details, progress) are written `hidden`; checklist.js shows them.

use super::model::Group;
use crate::text::escape;

/// Up to the item's text. A text with a link is labelled by `aria-labelledby` and kept out
/// of a `<label>`, so no link sits inside a label; one without is a plain `<label>`.
pub fn item_open(
    id: &str,
    group: &str,
    subgroup: Option<&str>,
    checked: bool,
    has_link: bool,
) -> String {
    let text_open = if has_link {
        format!("<span class=\"sp-checkbox__label sp-check__text\" id=\"{id}-text\">")
    } else {
        format!(
            "<label class=\"sp-checkbox__label sp-check__text\" for=\"{id}-box\" id=\"{id}-text\">"
        )
    };
    format!(
        "<li class=\"sp-check\" id=\"{id}\" data-group=\"{group}\"{sub}>\n<div class=\"sp-checkbox sp-check__row\">\
         <input class=\"sp-checkbox__input sp-check__box\" type=\"checkbox\" id=\"{id}-box\" \
         aria-labelledby=\"{id}-text\" aria-describedby=\"{id}-meta\"{checked}>\n<div class=\"sp-check__body\">{text_open}",
        group = escape(group),
        sub = subgroup.map_or(String::new(), |s| format!(" data-subgroup=\"{}\"", escape(s))),
        checked = if checked { " checked" } else { "" },
    )
}

pub fn text_close(has_link: bool) -> &'static str {
    if has_link {
        "</span>\n"
    } else {
        "</label>\n"
    }
}

/// After the item's sub-points and blocks: its meta line, the details form, the end.
/// Each field's label names its item too (hidden from sight), so a list of the page's form
/// fields reads "Owner: Have we agreed…", not 64 times "Owner".
pub fn item_close(id: &str, text: &str) -> String {
    let item = escape(text);
    let field = |name: &str, label: &str, control: String| {
        format!(
            "<div class=\"sp-check__field\"><label class=\"sp-check__label\" for=\"{id}-{name}\">{label}<span class=\"sp-visually-hidden\">: {item}</span></label>{control}</div>\n"
        )
    };
    let statuses: String = ["Not started", "In progress", "Done", "Blocked"]
        .iter()
        .map(|s| format!("<option>{s}</option>"))
        .collect();
    format!(
        "<p class=\"sp-check__meta\" id=\"{id}-meta\"></p>\n\
         <details class=\"sp-check__details\" hidden><summary class=\"sp-check__summary\" aria-describedby=\"{id}-text\">Owner, date and notes</summary>\n\
         <div class=\"sp-check__fields\">\n{owner}{date}{status}{notes}</div></details>\n</div></div></li>\n",
        owner = field(
            "owner",
            "Owner",
            format!("<input class=\"sp-check__input\" type=\"text\" id=\"{id}-owner\" data-field=\"owner\" autocomplete=\"off\">")
        ),
        date = field(
            "date",
            "Target date",
            format!("<input class=\"sp-check__input\" type=\"date\" id=\"{id}-date\" data-field=\"date\">")
        ),
        status = field(
            "status",
            "Status",
            format!("<select class=\"sp-check__input\" id=\"{id}-status\" data-field=\"status\">{statuses}</select>")
        ),
        notes = field(
            "notes",
            "Notes",
            format!("<textarea class=\"sp-check__input\" id=\"{id}-notes\" data-field=\"notes\" rows=\"3\"></textarea>")
        ),
    )
}

/// The progress line after the heading of a group or sub-group (`id`, `title`), with the
/// phase of its group that the planner dates it by.
pub fn group(id: &str, title: &str, group: &Group) -> String {
    let phase = match &group.phase {
        Some(p) => format!(
            " data-phase=\"{}\" data-phase-name=\"{}\" data-start-week=\"{}\" data-end-week=\"{}\"",
            escape(&p.id),
            escape(&p.name),
            p.start_week,
            p.end_week
        ),
        None => String::new(),
    };
    format!(
        "<div class=\"sp-group\" data-group=\"{}\" data-title=\"{}\"{phase} hidden></div>\n",
        escape(id),
        escape(title)
    )
}
