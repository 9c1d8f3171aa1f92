//! Checklist extraction: groups, items, sub-points, stable ids, task lists on ordinary pages,
//! phase mapping, anchors `check` knows, and the theme's CSS+JS budget.

use signpost::checklist::Checklist;
use signpost::compile::{compile, Options};

const CONFIG: &str = "title: Test\nbaseurl: /base\n";

/// Compiles a site and returns (checklist, HTML fragment) of the page at `path`.
fn page(files: &[(&str, &str)], path: &str) -> (Option<Checklist>, String) {
    let dir = crate::support::site(files);
    let compiled = compile(&Options {
        root: dir.path().to_path_buf(),
        ..Options::default()
    })
    .expect("compiles");
    let index = compiled
        .site
        .pages
        .iter()
        .position(|p| p.source.path == path)
        .unwrap_or_else(|| panic!("no page {path}"));
    let rendered = &compiled.rendered[index];
    (rendered.checklist.clone(), rendered.html.text())
}

fn role(body: &str) -> (Checklist, String) {
    let text = format!("---\ntitle: Role\npermalink: /guide/role/x\nchecklist: true\n---\n{body}");
    let (checklist, html) = page(
        &[("_config.yml", CONFIG), ("guide/role/x.md", &text)],
        "guide/role/x.md",
    );
    (checklist.expect("a checklist"), html)
}

/// text → id of every item.
fn ids(checklist: &Checklist) -> Vec<(String, String)> {
    checklist
        .groups
        .iter()
        .flat_map(|g| g.items.iter().map(|i| (i.text.clone(), i.id.clone())))
        .collect()
}

const ROLE: &str = "\
Intro paragraph, not an item.

## Early phases {#early-phases}

* [Have we agreed our Go Live date?](/guide#agree)

* Has the technical survey happened?

  -- If so, do we know when it will be installed?

* Is the list *tight* or loose?
  -- If so, who owns it?
  -- If not, say so.

### Cut-over

- Plan the cut-over
  - a nested point, part of its item
- [ ] Book the rooms
- [x] Tell patients
";

#[test]
fn items_are_grouped_by_phase_heading_with_sub_points() {
    let (checklist, html) = role(ROLE);
    assert!(checklist.whole_page);
    assert_eq!(checklist.total, 6);
    let groups: Vec<(&str, &str, usize)> = checklist
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.title.as_str(), g.items.len()))
        .collect();
    // `##` is the top heading level with items, so `### Cut-over` is a sub-group of it.
    assert_eq!(groups, vec![("early-phases", "Early phases", 6)]);
    let subgroups: Vec<(&str, usize)> = checklist.groups[0]
        .subgroups
        .iter()
        .map(|s| (s.id.as_str(), s.count))
        .collect();
    assert_eq!(subgroups, vec![("cut-over", 3)]);

    let early = &checklist.groups[0].items;
    assert_eq!(early[0].text, "Have we agreed our Go Live date?");
    assert_eq!(early[0].link.as_deref(), Some("/guide#agree"));
    assert!(early[0].subpoints.is_empty());
    assert_eq!(early[1].text, "Has the technical survey happened?");
    assert_eq!(
        early[1].subpoints,
        vec!["If so, do we know when it will be installed?"]
    );
    assert_eq!(early[2].text, "Is the list tight or loose?");
    assert_eq!(
        early[2].subpoints,
        vec!["If so, who owns it?", "If not, say so."]
    );

    let late = &checklist.groups[0].items[3..];
    assert_eq!(late[0].text, "Plan the cut-over");
    assert!(!late[0].checked);
    assert_eq!(
        (late[1].text.as_str(), late[1].checked),
        ("Book the rooms", false)
    );
    assert_eq!(
        (late[2].text.as_str(), late[2].checked),
        ("Tell patients", true)
    );

    // Markup: one checkbox per item, the nested point kept inside its item, no `[ ]` text.
    assert_eq!(
        html.matches("class=\"sp-checkbox__input sp-check__box\"")
            .count(),
        6
    );
    assert_eq!(html.matches(" checked>").count(), 1);
    assert!(
        html.contains("<li>a nested point, part of its item</li>"),
        "{html}"
    );
    assert!(!html.contains("[ ]") && !html.contains("type=\"checkbox\" disabled"));
    assert!(html.contains("<ul class=\"sp-check__subs\"><li>If so, who owns it?</li><li>If not, say so.</li></ul>"), "{html}");
    assert!(html.contains("<p>Intro paragraph, not an item.</p>"));
    // Each heading's progress line follows it; items say their phase and sub-group.
    assert!(
        html.contains(
            "<h3 id=\"cut-over\">Cut-over</h3>\n<div class=\"sp-group\" data-group=\"cut-over\""
        ),
        "{html}"
    );
    assert_eq!(
        html.matches("data-group=\"early-phases\" data-subgroup=\"cut-over\"")
            .count(),
        3
    );
}

/// A role page as the guide writes them: a `##` heading wrapping `###` phases, with `####`
/// questions inside a phase.
const PHASED: &str = "## Key questions by phase

### Early phases {#early}

* Is the business case approved?

### Engage the partner {#engage}

* Have you told the delivery partner?

#### Do you have a Go Live date? {#go-live-date}

* Agree a provisional date
* Tell the suppliers

#### Has the survey happened?

* Book the survey

### Post Go Live

* Update the tracking database
";

/// A group's id, item count and its sub-groups' (id, title, count).
type GroupShape<'a> = (&'a str, usize, Vec<(&'a str, &'a str, usize)>);

#[test]
fn deeper_headings_are_sub_groups_of_their_phase_and_ids_stay_as_they_were() {
    let (checklist, html) = role(PHASED);
    let groups: Vec<GroupShape> = checklist
        .groups
        .iter()
        .map(|g| {
            let subs = g
                .subgroups
                .iter()
                .map(|s| (s.id.as_str(), s.title.as_str(), s.count))
                .collect();
            (g.id.as_str(), g.items.len(), subs)
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            ("early", 1, vec![]),
            (
                "engage",
                4,
                vec![
                    ("go-live-date", "Do you have a Go Live date?", 2),
                    ("has-the-survey-happened", "Has the survey happened?", 1)
                ]
            ),
            ("post-go-live", 1, vec![]),
        ]
    );
    // Ids hash the page, the nearest heading and the text, exactly as when every heading
    // was a group of its own, so progress saved before sub-groups still applies.
    let page = "/guide/role/x";
    for group in &checklist.groups {
        for item in &group.items {
            let heading = item.subgroup.as_deref().unwrap_or(&group.id);
            assert_eq!(
                item.id,
                signpost::checklist::item_id(page, heading, &item.text, 1),
                "{}",
                item.text
            );
        }
    }
    // A sub-group has its own progress line after its heading, dated by its phase.
    assert!(html.contains(
        "<h4 id=\"go-live-date\">Do you have a Go Live date?</h4>\n<div class=\"sp-group\" data-group=\"go-live-date\" data-title=\"Do you have a Go Live date?\""
    ), "{html}");
}

#[test]
fn links_stay_links_outside_any_label() {
    let (checklist, html) = role(ROLE);
    let linked = &checklist.groups[0].items[0].id;
    let start = html
        .find(&format!("<li class=\"sp-check\" id=\"{linked}\""))
        .expect("item markup");
    let item = &html[start..start + html[start..].find("</li>").expect("end")];
    assert!(item.contains(&format!("aria-labelledby=\"{linked}-text\"")));
    assert!(item.contains(&format!(
        "<span class=\"sp-checkbox__label sp-check__text\" id=\"{linked}-text\"><a href="
    )));
    assert!(
        !item.contains("<label class=\"sp-checkbox__label"),
        "no label around a link: {item}"
    );
    // An item without a link is a whole clickable label.
    let plain = &checklist.groups[0].items[1].id;
    assert!(html.contains(&format!("<label class=\"sp-checkbox__label sp-check__text\" for=\"{plain}-box\" id=\"{plain}-text\">Has the technical survey happened?</label>")));
}

#[test]
fn ids_survive_reordering_and_editing_a_neighbour() {
    let (before, _) = role(ROLE);
    let reordered = ROLE.replace(
        "- [ ] Book the rooms\n- [x] Tell patients\n",
        "- [x] Tell patients\n- [ ] Book the rooms\n",
    );
    let (after, _) = role(&reordered);
    let mut a = ids(&before);
    let mut b = ids(&after);
    assert_ne!(a, b, "the order did change");
    a.sort();
    b.sort();
    assert_eq!(a, b, "same text, same id, whatever the order");

    let edited = ROLE.replace("Book the rooms", "Book the training rooms");
    let (edited, _) = role(&edited);
    let before = ids(&before);
    let edited = ids(&edited);
    for ((text, id), (new_text, new_id)) in before.iter().zip(&edited) {
        if text == "Book the rooms" {
            assert_eq!(new_text, "Book the training rooms");
            assert_ne!(id, new_id, "the edited item is a new item");
        } else {
            assert_eq!((text, id), (new_text, new_id), "neighbours keep their ids");
        }
    }
    // Editing a sub-point or punctuation keeps the id too.
    let (touched, _) = role(
        &ROLE
            .replace("who owns it?", "who owns it now?")
            .replace("Go Live date?", "Go Live date"),
    );
    let only_ids = |v: &[(String, String)]| v.iter().map(|(_, id)| id.clone()).collect::<Vec<_>>();
    assert_eq!(only_ids(&ids(&touched)), only_ids(&before));
}

#[test]
fn ids_depend_on_page_and_group_and_repeats_differ() {
    let body = "## One\n\n- Same text\n- Same text\n\n## Two\n\n- Same text\n";
    let (checklist, _) = role(body);
    let all: Vec<String> = ids(&checklist).into_iter().map(|(_, id)| id).collect();
    assert_eq!(all.len(), 3);
    let unique: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 3, "{all:?}");
    for id in &all {
        assert!(
            id.starts_with("item-")
                && id.len() == 17
                && id[5..].chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    let text =
        "---\ntitle: Role\npermalink: /guide/role/y\nchecklist: true\n---\n".to_string() + body;
    let (other, _) = page(&[("_config.yml", CONFIG), ("y.md", &text)], "y.md");
    let other: Vec<String> = ids(&other.expect("checklist"))
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert!(
        other.iter().all(|id| !all.contains(id)),
        "another page, other ids"
    );
}

#[test]
fn task_lists_on_ordinary_pages_are_items_and_other_lists_are_not() {
    let text = "---\ntitle: Plain\n---\n# Plain {#plain}\n\n- an ordinary point\n\n## Before Go Live\n\n- [ ] Book the rooms\n- [x] Order the *kit*\n  - [ ] a nested task\n";
    let (checklist, html) = page(&[("_config.yml", CONFIG), ("plain.md", text)], "plain.md");
    let checklist = checklist.expect("task items");
    assert!(!checklist.whole_page);
    assert_eq!(checklist.total, 3);
    assert_eq!(checklist.groups.len(), 1);
    assert_eq!(checklist.groups[0].id, "before-go-live");
    let items: Vec<(&str, bool)> = checklist.groups[0]
        .items
        .iter()
        .map(|i| (i.text.as_str(), i.checked))
        .collect();
    assert_eq!(
        items,
        vec![
            ("Book the rooms", false),
            ("Order the kit", true),
            ("a nested task", false)
        ]
    );
    assert!(html.contains("<li>an ordinary point</li>"), "{html}");

    let (none, html) = page(
        &[
            ("_config.yml", CONFIG),
            ("plain.md", "---\ntitle: P\n---\n- just a list\n"),
        ],
        "plain.md",
    );
    assert!(none.is_none());
    assert!(!html.contains("sp-check"));
}

#[test]
fn checklist_true_from_config_defaults_and_phases_from_data() {
    let config =
        "title: T\ndefaults:\n  - scope: {path: guide/role}\n    values: {checklist: true}\n";
    let phases = "- id: kick-off-meeting\n  name: Kick-off meeting\n  start_week: -12\n  end_week: -9\n- id: ordering\n  name: Ordering the new system\n  start_week: -14\n  end_week: -10\n  aliases: [early-phases, Engage the partner]\n";
    let body = "---\ntitle: R\n---\n## Kick-off meeting\n\n* a\n\n## Early {#early-phases}\n\n* b\n\n## Engage the partner\n\n* c\n\n## Unmapped\n\n* d\n";
    let (checklist, html) = page(
        &[
            ("_config.yml", config),
            ("_data/phases.yml", phases),
            ("guide/role/r.md", body),
        ],
        "guide/role/r.md",
    );
    let checklist = checklist.expect("checklist from defaults");
    let mapped: Vec<Option<&str>> = checklist
        .groups
        .iter()
        .map(|g| g.phase.as_ref().map(|p| p.id.as_str()))
        .collect();
    assert_eq!(
        mapped,
        vec![
            Some("kick-off-meeting"),
            Some("ordering"),
            Some("ordering"),
            None
        ]
    );
    assert_eq!(
        checklist.groups[1].phase.as_ref().map(|p| p.end_week),
        Some(-10.0)
    );
    assert!(html.contains("data-phase=\"ordering\" data-phase-name=\"Ordering the new system\" data-start-week=\"-14\" data-end-week=\"-10\""), "{html}");
}

#[test]
fn item_ids_are_anchors_that_check_knows() {
    let (checklist, _) = role(ROLE);
    let id = checklist.groups[0].items[1].id.clone();
    let role_page =
        format!("---\ntitle: Role\npermalink: /guide/role/x\nchecklist: true\n---\n{ROLE}");
    let linking = format!("---\ntitle: L\n---\n[good]({{{{ site.baseurl }}}}/guide/role/x#{id}) and [bad]({{{{ site.baseurl }}}}/guide/role/x#item-000000000000)\n");
    let dir = crate::support::site(&[
        ("_config.yml", CONFIG),
        ("guide/role/x.md", &role_page),
        ("l.md", &linking),
    ]);
    let compiled = compile(&Options {
        root: dir.path().to_path_buf(),
        ..Options::default()
    })
    .expect("compiles");
    let messages: Vec<String> = compiled
        .graph
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(!messages.iter().any(|m| m.contains(&id)), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("item-000000000000")),
        "a missing item anchor is reported: {messages:?}"
    );
}

#[test]
fn the_guides_role_pages_are_checklists_with_every_group_on_the_planner() {
    let compiled = compile(&Options {
        root: crate::support::repo().join("content"),
        ..Options::default()
    })
    .expect("the guide compiles");
    let mut roles = 0;
    for (page, rendered) in compiled.site.pages.iter().zip(&compiled.rendered) {
        if !page.source.path.starts_with("guide/role/") {
            continue;
        }
        roles += 1;
        let checklist = rendered
            .checklist
            .as_ref()
            .unwrap_or_else(|| panic!("{} has a checklist", page.source.path));
        assert!(
            checklist.whole_page && checklist.total >= 10,
            "{}",
            page.source.path
        );
        for group in &checklist.groups {
            assert!(
                group.phase.is_some(),
                "{}: group `{}` maps to a phase",
                page.source.path,
                group.id
            );
        }
    }
    assert_eq!(roles, 3);
}

/// What a checklist page loads, as the theme publishes it (scripts lose comment lines).
/// `checklist-files.js` (CSV, calendar, combining, copy summary) is not loaded with the page
/// but on a reader's first use of one of those tools; its size is printed, not budgeted.
#[test]
fn checklist_page_css_and_js_stay_under_40_kb() {
    let theme = signpost::theme::Theme::load(
        &signpost::theme::ThemeSource::Embedded,
        &signpost::theme::Urls::default(),
    )
    .expect("theme");
    // The search box's own two files load with every page; its results code and styles,
    // and Pagefind's bundle, only once the box is used.
    let sizes: Vec<(String, usize)> = [
        "signpost.css",
        "signpost.js",
        "checklist.js",
        "search.css",
        "search.js",
    ]
    .iter()
    .map(|f| {
        let published = theme
            .statics
            .iter()
            .find(|(path, _)| path == &format!("assets/{f}"))
            .map_or(0, |(_, bytes)| bytes.len());
        (f.to_string(), published)
    })
    .collect();
    assert!(sizes.iter().all(|(_, s)| *s > 0), "{sizes:?}");
    let total: usize = sizes.iter().map(|(_, s)| s).sum();
    let tools = theme
        .statics
        .iter()
        .find(|(path, _)| path == "assets/checklist-files.js")
        .map_or(0, |(_, bytes)| bytes.len());
    assert!(tools > 0, "checklist-files.js is published");
    println!("on load: {total} bytes {sizes:?}; checklist-files.js on first use: {tools} bytes");
    assert!(
        total < 40 * 1024,
        "CSS+JS of a checklist page is {total} bytes: {sizes:?}"
    );
}

/// Saved progress is keyed by the site (`checklist_id`, else the title) and the page's path
/// without the baseurl: what the published page gives checklist.js, under any baseurl.
#[test]
fn the_storage_key_names_the_site_and_the_path_without_the_baseurl() {
    let body =
        "---\ntitle: Role\nlayout: page_with_sidebar\npermalink: /guide/role/x\nchecklist: true\n---\n## Phase\n\n- One\n";
    for (config, baseurl, site) in [
        (
            "title: Test & Co\nbaseurl: /base\nchecklist_id: our-guide\n",
            None,
            "our-guide",
        ),
        (
            "title: Test & Co\nbaseurl: /base\nchecklist_id: our-guide\n",
            Some(""),
            "our-guide",
        ),
        ("title: Test & Co\nbaseurl: /base\n", None, "Test &amp; Co"),
    ] {
        let dir = crate::support::site(&[("_config.yml", config), ("guide/role/x.md", body)]);
        let out_dir = tempfile::tempdir().expect("temp dir");
        let out = out_dir.path().join("site");
        let extra: Vec<&str> = baseurl.map_or(vec![], |b| vec!["--baseurl", b]);
        let (code, stderr) = crate::support::build(dir.path(), &out, &extra);
        assert_eq!(code, 0, "{stderr}");
        let html = std::fs::read_to_string(out.join("guide/role/x.html")).expect("page");
        let base = baseurl.unwrap_or("/base");
        assert!(
            html.contains("data-key=\"/guide/role/x\""),
            "the key has no baseurl: {html}"
        );
        assert!(
            html.contains(&format!(
                "<script src=\"{base}/assets/checklist.js\" data-checklist-site=\"{site}\" data-base=\"{base}\" defer>"
            )),
            "site {site} and baseurl {base:?} given to the script: {html}"
        );
    }
}
