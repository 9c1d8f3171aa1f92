//! What a theme include can read: the context variables it reaches through nested includes
//! and the macros it calls, and the names a template binds itself.

use std::collections::{BTreeSet, HashMap};
use tera::ast::{Expr, ExprVal, FunctionCall, Node};

/// Does any template assign `name` (`set`, `set_global`) or loop with it? Then an include
/// can see another `name` than the site-wide one.
pub(super) fn bound_anywhere(tera: &tera::Tera, name: &str) -> bool {
    fn binds(body: &[Node], name: &str) -> bool {
        body.iter().any(|node| match node {
            Node::Set(_, set) => set.key == name,
            Node::Forloop(_, f, _) => {
                f.value == name
                    || f.key.as_deref() == Some(name)
                    || binds(&f.body, name)
                    || f.empty_body.as_deref().is_some_and(|b| binds(b, name))
            }
            Node::Block(_, block, _) => binds(&block.body, name),
            Node::If(branches, _) => {
                branches.conditions.iter().any(|(_, _, b)| binds(b, name))
                    || branches
                        .otherwise
                        .as_ref()
                        .is_some_and(|(_, b)| binds(b, name))
            }
            Node::FilterSection(_, section, _) => binds(&section.body, name),
            Node::MacroDefinition(_, m, _) => binds(&m.body, name),
            _ => false,
        })
    }
    tera.templates.values().any(|t| {
        binds(&t.ast, name)
            || t.blocks.values().any(|b| binds(&b.body, name))
            || t.macros.values().any(|m| binds(&m.body, name))
    })
}

/// Template `name`'s macro namespaces as Tera resolves a call inside one of its blocks
/// (namespace → file): `self` for its own macros, its imports and what they import, then its
/// parents'. None for a loop of imports.
pub(super) fn namespaces(
    tera: &tera::Tera,
    name: &str,
    depth: usize,
) -> Option<HashMap<String, String>> {
    let template = tera.templates.get(name).filter(|_| depth < 32)?;
    let mut map = HashMap::new();
    if !template.macros.is_empty() {
        map.insert("self".to_string(), name.to_string());
    }
    for (file, namespace) in &template.imported_macro_files {
        map.insert(namespace.clone(), file.clone());
        for (ns, f) in namespaces(tera, file, depth + 1)? {
            map.entry(ns).or_insert(f);
        }
    }
    for parent in &template.parents {
        for (ns, f) in namespaces(tera, parent, depth + 1)? {
            map.entry(ns).or_insert(f);
        }
    }
    Some(map)
}

/// The context variables (their first name: `site` of `site.title`) that including
/// `included` inside a block of a template with `namespaces` can read; None when that cannot
/// be known or the include does more than read (`set_global`, a function other than `range`,
/// `super()`, `break`).
pub(super) fn reads_of_include(
    tera: &tera::Tera,
    namespaces: &HashMap<String, String>,
    included: &str,
) -> Option<BTreeSet<String>> {
    let template = tera.templates.get(included)?;
    let mut reads = Reads {
        tera,
        namespaces,
        roots: BTreeSet::new(),
        macros_seen: Vec::new(),
    };
    reads.body(&template.ast, &mut Vec::new())?;
    Some(reads.roots)
}

struct Reads<'t> {
    tera: &'t tera::Tera,
    /// Every macro call in the include resolves through the including template's namespaces
    /// (Tera looks macros up by the block's template, inside macros too).
    namespaces: &'t HashMap<String, String>,
    roots: BTreeSet<String>,
    /// Macros already read (file, name): a macro may call itself.
    macros_seen: Vec<(String, String)>,
}

/// Names bound where a read happens, innermost last.
type Scope = Vec<String>;

impl Reads<'_> {
    fn body(&mut self, body: &[Node], scope: &mut Scope) -> Option<()> {
        let depth = scope.len();
        for node in body {
            match node {
                Node::Text(_) | Node::Raw(..) | Node::Comment(..) => {}
                Node::ImportMacro(..) | Node::MacroDefinition(..) => {}
                Node::VariableBlock(_, e) => self.expr(e, scope)?,
                // Bound from here to the end of this body only: a `set` inside an `if`
                // counts as a read of the context after it.
                Node::Set(_, set) if !set.global => {
                    self.expr(&set.value, scope)?;
                    scope.push(set.key.clone());
                }
                Node::FilterSection(_, section, _) => {
                    self.call(&section.filter, scope)?;
                    self.body(&section.body, scope)?;
                }
                Node::Forloop(_, f, _) => {
                    self.expr(&f.container, scope)?;
                    let before = scope.len();
                    scope.extend(f.key.iter().cloned());
                    scope.push(f.value.clone());
                    scope.push("loop".into());
                    self.body(&f.body, scope)?;
                    scope.truncate(before);
                    if let Some(empty) = &f.empty_body {
                        self.body(empty, scope)?;
                    }
                }
                Node::If(branches, _) => {
                    for (_, condition, body) in &branches.conditions {
                        self.expr(condition, scope)?;
                        self.body(body, scope)?;
                    }
                    if let Some((_, body)) = &branches.otherwise {
                        self.body(body, scope)?;
                    }
                }
                Node::Include(_, names, _) => {
                    // Each name that exists might be the one rendered.
                    let mut any = false;
                    for name in names {
                        if let Some(t) = self.tera.templates.get(name) {
                            any = true;
                            self.body(&t.ast, scope)?;
                        }
                    }
                    any.then_some(())?;
                }
                Node::Set(..)
                | Node::Super
                | Node::Break(_)
                | Node::Continue(_)
                | Node::Block(..)
                | Node::Extends(..) => return None,
            }
        }
        scope.truncate(depth);
        Some(())
    }

    fn expr(&mut self, e: &Expr, scope: &mut Scope) -> Option<()> {
        self.value(&e.val, scope)?;
        for filter in &e.filters {
            self.call(filter, scope)?;
        }
        Some(())
    }

    /// A filter's arguments (filters themselves are pure functions of their input).
    fn call(&mut self, f: &FunctionCall, scope: &mut Scope) -> Option<()> {
        for arg in f.args.values() {
            self.expr(arg, scope)?;
        }
        Some(())
    }

    fn value(&mut self, v: &ExprVal, scope: &mut Scope) -> Option<()> {
        match v {
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
            ExprVal::Ident(ident) => self.ident(ident, scope)?,
            ExprVal::Math(m) => {
                self.expr(&m.lhs, scope)?;
                self.expr(&m.rhs, scope)?;
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs, scope)?;
                self.expr(&l.rhs, scope)?;
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs, scope)?;
                self.expr(&i.rhs, scope)?;
            }
            ExprVal::Test(test) => {
                self.ident(&test.ident, scope)?;
                for arg in &test.args {
                    self.expr(arg, scope)?;
                }
            }
            ExprVal::Array(items) => {
                for item in items {
                    self.expr(item, scope)?;
                }
            }
            ExprVal::StringConcat(concat) => {
                for part in &concat.values {
                    self.value(part, scope)?;
                }
            }
            ExprVal::FunctionCall(f) if f.name == "range" => self.call(f, scope)?,
            ExprVal::FunctionCall(_) => return None,
            ExprVal::MacroCall(call) => {
                for arg in call.args.values() {
                    self.expr(arg, scope)?;
                }
                self.macro_body(&call.namespace, &call.name)?;
            }
        }
        Some(())
    }

    /// A macro's reads: its arguments are its only bindings (a macro sees no caller's
    /// variables, but it does see the context's). Its default arguments are read where it
    /// is called, as unbound names.
    fn macro_body(&mut self, namespace: &str, name: &str) -> Option<()> {
        let file = self.namespaces.get(namespace)?.clone();
        let seen = (file.clone(), name.to_string());
        if self.macros_seen.contains(&seen) {
            return Some(());
        }
        self.macros_seen.push(seen);
        let definition = self.tera.templates.get(&file)?.macros.get(name)?;
        for default in definition.args.values().flatten() {
            self.expr(default, &mut Vec::new())?;
        }
        let mut scope: Scope = definition.args.keys().cloned().collect();
        self.body(&definition.body, &mut scope)
    }

    /// `a.b.c` reads `a` unless `a` is bound; an index (`a[b]`) may read anything.
    fn ident(&mut self, ident: &str, scope: &Scope) -> Option<()> {
        if ident.contains('[') {
            return None;
        }
        let root = ident.split('.').next().unwrap_or(ident);
        if !scope.iter().any(|s| s == root) {
            self.roots.insert(root.to_string());
        }
        Some(())
    }
}
