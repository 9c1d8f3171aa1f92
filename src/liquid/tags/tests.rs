//! Each tag rendered over the test site of `crate::liquid::testing`.

mod assign {
    use crate::liquid::testing::{error, text};

    #[test]
    fn assign_sets_a_variable() {
        assert_eq!(
            text("{% assign t = page.title | upcase %}{{ t }}"),
            "LIQUID"
        );
    }

    #[test]
    fn assign_needs_a_name() {
        assert_eq!(
            error("{% assign x %}"),
            "`{% assign %}` needs `name = value`, e.g. `{% assign total = 3 %}`"
        );
    }
}

mod capture {
    use crate::liquid::testing::text;

    #[test]
    fn capture_keeps_its_body() {
        assert_eq!(
            text("{% capture t %}<{{ page.title }}>{% endcapture %}{{ t }}{{ t }}"),
            "<Liquid><Liquid>"
        );
    }
}

mod case {
    use crate::liquid::testing::{lax_text, text};

    #[test]
    fn the_arms_that_match_run() {
        assert_eq!(
            text("{% case 2 %}{% when 1, 2 %}a{% when 2 %}b{% else %}c{% endcase %}"),
            "ab"
        );
        assert_eq!(
            text("{% case 5 %}{% when 1 %}a{% else %}c{% endcase %}"),
            "c"
        );
    }

    #[test]
    fn a_broken_subject_is_read_laxly() {
        assert_eq!(lax_text("{% case 2 3 %}{% when 2 %}a{% endcase %}"), "a");
    }
}

mod comment {
    use crate::liquid::testing::text;

    #[test]
    fn comments_print_nothing() {
        assert_eq!(
            text("a{% comment %}{% nonsense %}{% endcomment %}b{% # note %}"),
            "ab"
        );
    }
}

mod cycle {
    use crate::liquid::testing::{lax_text, text};

    #[test]
    fn cycles_go_round() {
        assert_eq!(
            text("{% for i in (1..3) %}{% cycle 'a', 'b' %}{% endfor %}"),
            "aba"
        );
        assert_eq!(
            text("{% cycle 'g': 1, 2 %}{% cycle 'g': 1, 2 %}{% cycle 1, 2 %}"),
            "121"
        );
    }

    #[test]
    fn a_broken_cycle_is_read_laxly() {
        assert_eq!(lax_text("{% cycle 'a' 'b' %}"), "a");
    }
}

mod echo {
    use crate::liquid::testing::text;

    #[test]
    fn echo_prints() {
        assert_eq!(text("{% echo page.title | append: \"!\" %}"), "Liquid!");
    }
}

mod for_ {
    use crate::liquid::testing::{lax_text, text};

    #[test]
    fn loops_walk_their_window() {
        assert_eq!(
            text("{% for i in (1..5) limit: 2 offset: 1 %}{{ i }}{% endfor %}"),
            "23"
        );
        assert_eq!(text("{% for i in page.list reversed %}{% if i == 2 %}{% continue %}{% endif %}{{ i }}{{ forloop.index }}{% endfor %}"), "3113");
        assert_eq!(
            text("{% for i in (1..9) %}{% if i > 2 %}{% break %}{% endif %}{{ i }}{% endfor %}"),
            "12"
        );
        assert_eq!(
            text("{% for i in false %}a{% else %}none{% endfor %}"),
            "none"
        );
    }

    #[test]
    fn a_broken_loop_is_read_laxly() {
        assert_eq!(
            lax_text("{% for i in (1..3) limit 2 %}{{ i }}{% endfor %}"),
            "123"
        );
    }
}

mod highlight {
    use crate::liquid::testing::text;

    #[test]
    fn code_is_escaped_and_marked_up() {
        assert_eq!(text("{% capture c %}{% highlight ruby linenos %}\na < b\n{% endhighlight %}{% endcapture %}{{ c }}"), "<figure class=\"highlight\"><pre><code class=\"language-ruby\" data-lang=\"ruby\"><span class=\"lineno\">1</span>a &lt; b</code></pre></figure>");
    }
}

mod if_ {
    use crate::liquid::testing::{lax_text, text};

    #[test]
    fn conditions_choose_a_branch() {
        assert_eq!(
            text("{% if 1 == 2 %}a{% elsif page.title == \"Liquid\" %}b{% else %}c{% endif %}"),
            "b"
        );
        assert_eq!(
            text("{% unless page.list contains 2 %}a{% else %}b{% endunless %}"),
            "b"
        );
        assert_eq!(
            text("{% if false or 1 < 2 and nil %}a{% else %}b{% endif %}"),
            "b"
        );
    }

    #[test]
    fn a_broken_condition_is_read_laxly() {
        assert_eq!(lax_text("{% if 1 == %}a{% else %}b{% endif %}"), "b");
    }
}

mod ifchanged {
    use crate::liquid::testing::text;

    #[test]
    fn only_changes_print() {
        assert_eq!(text("{% for i in (1..4) %}{% ifchanged %}{{ i | divided_by: 2 }}{% endifchanged %}{% endfor %}"), "012");
    }
}

mod include {
    use crate::liquid::testing::{error, text};

    #[test]
    fn includes_take_arguments() {
        assert_eq!(text("{% include note.html text=\"hi\" %}"), "[hi]");
    }

    #[test]
    fn a_missing_include_names_what_there_is() {
        assert_eq!(
            error("{% include zzz.html %}"),
            "`{% include zzz.html %}`: no such file in `_includes/` (available: note.html)"
        );
        assert_eq!(
            error("{% include nite.html %}"),
            "`{% include nite.html %}`: no such file; did you mean `note.html`?"
        );
    }
}

mod increment {
    use crate::liquid::testing::text;

    #[test]
    fn counters_step() {
        assert_eq!(
            text("{% increment n %}{% increment n %}{% decrement m %}{% decrement m %}"),
            "01-1-2"
        );
    }
}

mod link {
    use crate::liquid::testing::{error, text};

    #[test]
    fn links_are_urls() {
        assert_eq!(
            text("{% link guide.md %} {% link {{ \"guide\" }}.md %} {% link missing.md %}"),
            "/base/guide.html /base/guide.html /missing.md"
        );
    }

    #[test]
    fn posts_must_exist() {
        assert_eq!(
            error("{% post_url 2024-01-01-x %}"),
            "`{% post_url 2024-01-01-x %}`: there is no post `2024-01-01-x` in a `_posts/` folder"
        );
    }
}

mod liquid {
    use crate::liquid::testing::text;

    #[test]
    fn lines_are_tags() {
        assert_eq!(
            text("{% liquid\nassign x = 2\nif x == 2\necho \"two\"\nendif %}"),
            "two"
        );
    }
}

mod raw {
    use crate::liquid::testing::text;

    #[test]
    fn raw_keeps_its_text() {
        assert_eq!(text("{% raw %}{{ x }}{% endraw %}"), "{{ x }}");
        assert_eq!(text("a{% seo %}b"), "ab");
    }
}

mod tablerow {
    use crate::liquid::testing::text;

    #[test]
    fn cells_fill_rows() {
        assert_eq!(text("{% tablerow i in (1..3) cols: 2 %}{{ i }}{% endtablerow %}"), "<tr class=\"row1\">\n<td class=\"col1\">1</td><td class=\"col2\">2</td></tr>\n<tr class=\"row2\"><td class=\"col1\">3</td></tr>\n");
    }
}
