#!/usr/bin/env ruby
# frozen_string_literal: true

# Builds every site under tests/fixtures/jekyll/*/site with Jekyll 4.3 and writes what it
# published beside it, in expected.json: the HTML files (so the URLs) and the ids of each
# (headings, footnotes: every anchor a link may point at). tests/jekyll_sites.rs requires signpost to publish every one of them. Run it again
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
    Dir.glob("**/*.html", base: out).sort.each do |path|
      html = File.read(File.join(out, path), encoding: "UTF-8")
      pages[path] = html.scan(/<[a-z][a-z0-9]*\s[^>]*\bid="([^"]*)"/).flatten
    end
    File.write(File.join(fixture, "expected.json"), JSON.pretty_generate({ "pages" => pages }) + "\n")
    puts "#{File.basename(fixture)}: #{pages.size} pages"
  end
end
