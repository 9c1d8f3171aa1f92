#!/usr/bin/env ruby
# frozen_string_literal: true

# Builds every site under tests/fixtures/jekyll/*/site with Jekyll 4.3 and writes what it
# published beside it, in expected.json: the HTML files (so the URLs), the ids of each
# (headings, footnotes: every anchor a link may point at), the links of each in order, its
# text (tags removed, spaces collapsed: signpost's page must contain it), and the other
# files it copied. tests/jekyll_sites.rs requires signpost to publish every one of them. Run it again
# after changing a fixture:
#
#   apt-get install -y jekyll
#   TZ=UTC ruby scripts/jekyll-oracle.rb

require "json"
require "tmpdir"

ROOT = File.expand_path("..", __dir__)

Dir.glob(File.join(ROOT, "tests/fixtures/jekyll/*/site")).sort.each do |site|
  fixture = File.dirname(site)
  Dir.mktmpdir do |out|
    ok = system("jekyll", "build", "--quiet", "--source", site, "--destination", out)
    abort "jekyll build failed for #{site}" unless ok
    pages = {}
    links = {}
    texts = {}
    Dir.glob("**/*.html", base: out).sort.each do |path|
      html = File.read(File.join(out, path), encoding: "UTF-8")
      pages[path] = html.scan(/<[a-z][a-z0-9]*\s[^>]*\bid="([^"]*)"/).flatten
      hrefs = html.scan(/<a\s[^>]*\bhref="([^"]*)"/).flatten
      links[path] = hrefs unless hrefs.empty?
      # A redirect page's wording is the theme's own.
      texts[path] = html.gsub(/<[^>]*>/, " ").split.join(" ") unless html.include?('http-equiv="refresh"')
    end
    files = Dir.glob("**/*", base: out).select { |f| File.file?(File.join(out, f)) && !f.end_with?(".html") }.sort
    expected = { "pages" => pages, "links" => links, "texts" => texts, "files" => files }
    File.write(File.join(fixture, "expected.json"), JSON.pretty_generate(expected) + "\n")
    puts "#{File.basename(fixture)}: #{pages.size} pages"
  end
end
