//! Heading ids match kramdown 2.4: every row of the measured table, in one page, in order.

use crate::support::SiteTest;
use serde_json::Value;

#[test]
fn every_measured_kramdown_id_matches_in_one_page() {
    let table: Value = serde_json::from_str(&crate::support::read(
        crate::support::repo().join("tests/fixtures/kramdown-heading-ids.json"),
    ))
    .expect("json");
    let rows = table["rows"].as_array().expect("rows");
    let body: String = rows
        .iter()
        .map(|r| format!("## {}\n\n", r["markdown"].as_str().expect("markdown")))
        .collect();
    let built = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &format!("---\nlayout: none\n---\n{body}")),
    ])
    .build()
    .success();
    let html = built.file("index.html");
    let found: Vec<Option<String>> = html
        .lines()
        .filter(|l| l.starts_with("<h2"))
        .map(|l| {
            l.split("id=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        })
        .collect();
    assert_eq!(found.len(), rows.len(), "{html}");
    for (row, id) in rows.iter().zip(&found) {
        assert_eq!(
            id.as_deref(),
            row["id"].as_str(),
            "heading {:?}",
            row["markdown"]
        );
    }
}
