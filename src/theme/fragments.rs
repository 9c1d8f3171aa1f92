//! Includes whose output is the same on most pages: a layout's header, footer or sidebar
//! reads only the site-wide values (`site`, `base`, `preview`, and `nav`, which differs only on
//! the pages it marks current). Each such include in a layout's blocks is rendered once per
//! build for the pages `nav` does not mark, instead of once per page (Hugo's `partialCached`,
//! found without the author asking). Output is byte for byte what the include gives.
//!
//! How: Tera's parsed templates are read for the variables each include can reach (through
//! nested includes and the macros it calls); an include in a `{% block %}` that reads only
//! site-wide values is replaced in the parsed layout by a variable holding its output, and a
//! small template (the including template's macro imports, and the include inside a block, as
//! Tera resolves macros) renders that output on its own.

mod reads;

use reads::{bound_anywhere, namespaces, reads_of_include};
use std::collections::HashMap;
use std::sync::OnceLock;
use tera::ast::{Expr, ExprVal, FunctionCall, Node};

/// The context keys every page of a build sees the same, but for `nav`'s current marks (emit
/// builds them so; see `Emitter::page`).
const SITE_WIDE: [&str; 4] = ["site", "base", "nav", "preview"];

/// The planned includes, and which of them each template's render needs.
#[derive(Default)]
pub(super) struct Fragments {
    /// Each fragment's wrapper template and the context key its output goes under (None: the
    /// wrapper could not see the same macros, the include is left as it was).
    list: Vec<Option<Fragment>>,
    /// Template name → the fragments in it and its parents.
    by_template: HashMap<String, Vec<usize>>,
}

struct Fragment {
    /// The including template and the included one.
    site: (String, String),
    wrapper: String,
    key: String,
}

/// The outputs of a build's fragments for the pages `nav` marks nothing on, made as the first
/// such page needs each.
pub struct FragmentMemo(Vec<OnceLock<String>>);

impl Fragments {
    /// Finds the fragments among `tera`'s templates, adds their wrappers and rewrites the
    /// includes; `tera` as it was before is the caller's to keep.
    pub(super) fn plan(tera: &mut tera::Tera) -> tera::Result<Fragments> {
        let allowed: Vec<&str> = SITE_WIDE
            .into_iter()
            .filter(|name| !bound_anywhere(tera, name))
            .collect();
        let mut names: Vec<String> = tera.templates.keys().cloned().collect();
        names.sort();
        let mut planned: Vec<(String, String)> = Vec::new();
        for name in &names {
            let template = &tera.templates[name];
            let Some(namespaces) = namespaces(tera, name, 0) else {
                continue;
            };
            let mut found = Vec::new();
            for block in template.blocks.values() {
                let mut body = block.body.clone();
                rewrite(&mut body, true, &mut |included: &str| {
                    found.push(included.to_string());
                    None
                });
            }
            for included in found {
                let shared = reads_of_include(tera, &namespaces, &included)
                    .is_some_and(|roots| roots.iter().all(|r| allowed.contains(&r.as_str())));
                let pair = (name.clone(), included);
                if shared && !planned.contains(&pair) {
                    planned.push(pair);
                }
            }
        }
        if planned.is_empty() {
            return Ok(Fragments::default());
        }
        // Each wrapper imports what its template and the template's parents import, so its
        // macro namespaces are the template's (checked below: a template's own macros cannot
        // be imported as `self`).
        let wrapper_of = |id: usize| format!("__signpost/fragment-{id}.html");
        let mut wrappers = Vec::new();
        for (id, (template, included)) in planned.iter().enumerate() {
            let t = &tera.templates[template];
            let mut source = String::new();
            let chain = std::iter::once(template).chain(&t.parents);
            for file in chain {
                for (imported, namespace) in &tera.templates[file].imported_macro_files {
                    source.push_str(&format!("{{% import {imported:?} as {namespace} %}}"));
                }
            }
            source.push_str(&format!(
                "{{% block fragment %}}{{% include {included:?} %}}{{% endblock fragment %}}"
            ));
            wrappers.push((wrapper_of(id), source));
        }
        tera.add_raw_templates(wrappers.iter().map(|(n, s)| (n.as_str(), s.as_str())))?;
        let list: Vec<Option<Fragment>> = planned
            .iter()
            .enumerate()
            .map(|(id, (template, included))| {
                let same = namespaces(tera, &wrapper_of(id), 0) == namespaces(tera, template, 0);
                same.then(|| Fragment {
                    site: (template.clone(), included.clone()),
                    wrapper: wrapper_of(id),
                    key: format!("__signpost_fragment_{id}"),
                })
            })
            .collect();
        let key_of = |template: &str, included: &str| {
            planned
                .iter()
                .position(|(t, i)| t == template && i == included)
                .and_then(|id| list[id].as_ref())
                .map(|f| f.key.clone())
        };
        for (name, template) in tera.templates.iter_mut() {
            let ast_name = name.clone();
            rewrite(&mut template.ast, false, &mut |i| key_of(&ast_name, i));
            for block in template.blocks.values_mut() {
                rewrite(&mut block.body, true, &mut |i| key_of(&ast_name, i));
            }
            for definitions in template.blocks_definitions.values_mut() {
                for (defined_in, block) in definitions.iter_mut() {
                    let defined_in = defined_in.clone();
                    rewrite(&mut block.body, true, &mut |i| key_of(&defined_in, i));
                }
            }
        }
        let by_template = tera
            .templates
            .iter()
            .map(|(name, template)| {
                let chain: Vec<&String> = std::iter::once(name).chain(&template.parents).collect();
                let used = (0..planned.len())
                    .filter(|&id| {
                        list[id]
                            .as_ref()
                            .is_some_and(|f| chain.contains(&&f.site.0))
                    })
                    .collect();
                (name.clone(), used)
            })
            .collect();
        Ok(Fragments { list, by_template })
    }

    /// The shared includes, as `template → included`.
    #[cfg(test)]
    pub(super) fn sites(&self) -> Vec<String> {
        let list = self.list.iter().flatten();
        list.map(|f| format!("{} → {}", f.site.0, f.site.1))
            .collect()
    }

    pub(super) fn memo(&self) -> FragmentMemo {
        FragmentMemo((0..self.list.len()).map(|_| OnceLock::new()).collect())
    }

    /// Puts the output of each fragment template `name` needs into `context`, from `memo`
    /// when given (the context's `nav` marks nothing) or rendered now.
    pub(super) fn fill(
        &self,
        tera: &tera::Tera,
        name: &str,
        context: &mut tera::Context,
        memo: Option<&FragmentMemo>,
    ) -> tera::Result<()> {
        for &id in self.by_template.get(name).map_or(&[][..], Vec::as_slice) {
            let Some(fragment) = &self.list[id] else {
                continue;
            };
            let kept = memo.and_then(|m| m.0[id].get());
            let output = match kept {
                Some(output) => output.clone(),
                None => {
                    let output = tera.render(&fragment.wrapper, context)?;
                    if let Some(memo) = memo {
                        // Another thread may have set it first: the same bytes.
                        let _ = memo.0[id].set(output.clone());
                    }
                    output
                }
            };
            context.insert(fragment.key.as_str(), &output);
        }
        Ok(())
    }
}

/// Replaces each `{% include %}` of one template inside a block (`in_block`, or below a
/// `{% block %}` in `body`) by the variable `key_of` names for it, if it names one.
fn rewrite(body: &mut [Node], in_block: bool, key_of: &mut impl FnMut(&str) -> Option<String>) {
    for node in body.iter_mut() {
        match node {
            Node::Include(ws, names, false) if in_block && names.len() == 1 => {
                if let Some(key) = key_of(&names[0]) {
                    let safe = FunctionCall {
                        name: "safe".into(),
                        args: HashMap::new(),
                    };
                    *node = Node::VariableBlock(
                        *ws,
                        Expr::with_filters(ExprVal::Ident(key), vec![safe]),
                    );
                }
            }
            Node::Block(_, block, _) => rewrite(&mut block.body, true, key_of),
            Node::If(branches, _) => {
                for (_, _, body) in &mut branches.conditions {
                    rewrite(body, in_block, key_of);
                }
                if let Some((_, body)) = &mut branches.otherwise {
                    rewrite(body, in_block, key_of);
                }
            }
            Node::Forloop(_, for_loop, _) => {
                rewrite(&mut for_loop.body, in_block, key_of);
                if let Some(body) = &mut for_loop.empty_body {
                    rewrite(body, in_block, key_of);
                }
            }
            Node::FilterSection(_, section, _) => rewrite(&mut section.body, in_block, key_of),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tera(templates: &[(&str, &str)]) -> tera::Tera {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .expect("templates");
        tera
    }

    /// Plans `templates` and renders `layout` for each context both ways: with the memo
    /// (each context must then be a `shared` one) and as written. Returns how many fragments.
    fn same_both_ways(
        templates: &[(&str, &str)],
        layout: &str,
        contexts: &[serde_json::Value],
    ) -> usize {
        let plain = tera(templates);
        let mut planned = plain.clone();
        let fragments = Fragments::plan(&mut planned).expect("plan");
        let memo = fragments.memo();
        for value in contexts {
            let context = tera::Context::from_value(value.clone()).expect("context");
            let expected = plain.render(layout, &context).expect("plain render");
            for shared in [Some(&memo), None] {
                let mut context = context.clone();
                fragments
                    .fill(&planned, layout, &mut context, shared)
                    .expect("fill");
                let got = planned.render(layout, &context).expect("render");
                assert_eq!(got, expected, "{value}");
            }
        }
        fragments.list.iter().flatten().count()
    }

    const BASE: &str = "<html>{% block header %}{% include \"header.html\" %}{% endblock header %}\
        {% block content %}{% endblock content %}{% block footer %}{% include \"footer.html\" %}{% endblock footer %}</html>";

    #[test]
    fn a_site_wide_include_is_rendered_once_and_gives_the_same_bytes() {
        let templates = [
            ("base.html", BASE),
            (
                "page.html",
                "{% extends \"base.html\" %}{% import \"macros.html\" as m %}\
                 {% block content %}<h1>{{ page.title }}</h1>{% include \"side.html\" %}{% include \"meta.html\" %}{% endblock content %}",
            ),
            ("header.html", "<header>{{ site.title | upper }}{% if base %} at {{ base }}{% endif %}</header>"),
            ("footer.html", "{% set year = 2026 %}<footer>{{ site.title }} {{ year }}</footer>"),
            (
                "side.html",
                "<ul>{% for item in nav.sidebar %}<li>{{ m::entry(item=item) }}</li>{% endfor %}</ul>",
            ),
            (
                "macros.html",
                "{% macro entry(item) %}{% if item.current %}<b>{{ item.title }}</b>{% else %}<a href=\"{{ base }}{{ item.url }}\">{{ item.title }}</a>{% endif %}{{ self::sub(item=item) }}{% endmacro entry %}\
                 {% macro sub(item) %}{% for s in item.subitems %}{{ self::entry(item=s) }}{% endfor %}{% endmacro sub %}",
            ),
            ("meta.html", "<p>{{ page.url }}</p>"),
        ];
        let nav = json!({"sidebar": [{"title": "A & B", "url": "/a", "current": false, "subitems": [
            {"title": "C", "url": "/c", "current": false, "subitems": []}]}]});
        let contexts: Vec<_> = ["One", "Two", "Three"]
            .iter()
            .map(|t| json!({"site": {"title": "Guide <1>"}, "base": "/b", "nav": nav, "page": {"title": t, "url": format!("/{t}")}}))
            .collect();
        // header, footer and side (with its macros); meta reads `page`.
        assert_eq!(same_both_ways(&templates, "page.html", &contexts), 3);
    }

    #[test]
    fn includes_that_read_more_than_the_site_are_left_alone() {
        let cases = [
            ("header.html", "{{ page.title }}"),
            ("header.html", "{{ now() }}"),
            ("header.html", "{% set_global x = 1 %}"),
            ("header.html", "{{ site.pages[page.n] }}"),
            (
                "header.html",
                "{% for x in site.list %}{% set y = x %}{% endfor %}{{ y }}",
            ),
            (
                "header.html",
                "{% if site.a %}{% set title = site.a %}{% endif %}{{ title }}",
            ),
            ("header.html", "{{ m::reads_page() }}"),
        ];
        for (name, text) in cases {
            let templates = [
                ("base.html", BASE),
                ("footer.html", "{{ page.title }}"),
                (name, text),
                (
                    "macros.html",
                    "{% macro reads_page() %}{{ page.title }}{% endmacro reads_page %}",
                ),
                (
                    "page.html",
                    "{% extends \"base.html\" %}{% import \"macros.html\" as m %}",
                ),
            ];
            let mut tera = tera(&templates);
            let fragments = Fragments::plan(&mut tera).expect("plan");
            assert_eq!(fragments.list.iter().flatten().count(), 0, "{text}");
        }
    }

    #[test]
    fn a_layout_that_assigns_a_site_wide_name_turns_its_sharing_off() {
        let templates = [
            ("base.html", BASE),
            ("page.html", "{% extends \"base.html\" %}{% block content %}{% set site = page %}{% endblock content %}"),
            ("header.html", "{{ site.title }}"),
            ("footer.html", "{{ base }}"),
        ];
        let mut tera = tera(&templates);
        let fragments = Fragments::plan(&mut tera).expect("plan");
        let keys: Vec<&str> = fragments
            .list
            .iter()
            .flatten()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(keys.len(), 1, "only the footer: {keys:?}");
        let footer = tera.render("page.html", &{
            let mut c = tera::Context::from_value(
                json!({"site": {"title": "S"}, "base": "/x", "page": {"title": "P"}}),
            )
            .expect("context");
            fragments
                .fill(&tera, "page.html", &mut c, None)
                .expect("fill");
            c
        });
        // Tera escapes `/` by default.
        assert_eq!(footer.expect("render"), "<html>S&#x2F;x</html>");
    }
}
