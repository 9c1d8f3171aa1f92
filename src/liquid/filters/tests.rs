//! Each filter family rendered over the test site of `crate::liquid::testing`.

mod array {
    use crate::liquid::testing::text;

    #[test]
    fn lists_are_joined_sorted_and_picked() {
        assert_eq!(text(r#"{{ page.list | reverse | join: "-" }}"#), "3-2-1");
        assert_eq!(text("{{ page.list | last }}{{ page.list | size }}"), "33");
        assert_eq!(text(r#"{{ "b,a" | split: "," | sort | first }}"#), "a");
    }
}

mod dates {
    use crate::liquid::testing::text;

    #[test]
    fn dates_are_formatted() {
        assert_eq!(text(r#"{{ "2024-03-05" | date: "%Y/%m" }}"#), "2024/03");
        assert_eq!(
            text(r#"{{ "2024-03-05" | date_to_string: "ordinal", "US" }}"#),
            "Mar 5th, 2024"
        );
    }
}

mod jekyll {
    use crate::liquid::testing::text;

    #[test]
    fn jekyll_text_filters() {
        assert_eq!(text(r#"{{ "The A-Team!" | slugify }}"#), "the-a-team");
        assert_eq!(text("{{ page.list | jsonify }}"), "[1,2,3]");
        assert_eq!(
            text(r#"{{ page.list | array_to_sentence_string: "or" }}"#),
            "1, 2, or 3"
        );
    }
}
