#!/usr/bin/env ruby
# frozen_string_literal: true

# Converts every case of tests/fixtures/kramdown/cases.md with Jekyll 4.3 (kramdown 2.4,
# input GFM, Jekyll's default kramdown settings) and writes the HTML Jekyll produced for each
# case to tests/fixtures/kramdown/expected.json, which tests/kramdown_corpus.rs compares
# signpost's output with. Run it again after adding or changing cases:
#
#   apt-get install -y jekyll ruby-kramdown ruby-kramdown-parser-gfm
#   ruby scripts/kramdown-oracle.rb
#
# Each case becomes the page cases/NAME.md of a copy of tests/fixtures/kramdown/site (whose
# _config.yml sets no kramdown options, so Jekyll's defaults apply), with the front matter
# below (the Rust test uses the same), built with `jekyll build`. `layout: null` makes the
# output file the converted body alone.

require "fileutils"
require "json"
require "tmpdir"

ROOT = File.expand_path("..", __dir__)
FIXTURE = File.join(ROOT, "tests/fixtures/kramdown")

FRONT_MATTER = "---\nlayout: null\n---\n"

def read_cases(path)
  text = File.read(path, encoding: "UTF-8")
  cases = []
  text.split(/^=== /).drop(1).each do |chunk|
    name, body = chunk.split("\n", 2)
    body = (body || "").delete_suffix("\n")
    cases << [name.strip, body]
  end
  cases
end

cases = read_cases(File.join(FIXTURE, "cases.md"))
names = cases.map(&:first)
dups = names.select { |n| names.count(n) > 1 }.uniq
abort "duplicate case names: #{dups.join(', ')}" unless dups.empty?
bad = cases.select { |_, body| body.include?("{{") || body.include?("{%") }
abort "cases must not contain Liquid: #{bad.map(&:first).join(', ')}" unless bad.empty?
# Jekyll highlights fenced code that names a language with Rouge, which signpost does not
# reproduce, so only unnamed or `plaintext` fences belong here.
lang = /^ {0,3}(?:`{3,}|~{3,})[ \t]*(?!plaintext\b)[^\s`~]/
fenced = cases.select { |_, body| body.match?(lang) }
abort "cases must not name a fence language: #{fenced.map(&:first).join(', ')}" unless fenced.empty?

expected = {}
Dir.mktmpdir do |dir|
  site = File.join(dir, "site")
  FileUtils.cp_r(File.join(FIXTURE, "site"), site)
  FileUtils.mkdir_p(File.join(site, "cases"))
  cases.each do |name, body|
    File.write(File.join(site, "cases", "#{name}.md"), FRONT_MATTER + body)
  end
  out = File.join(dir, "_site")
  ok = system("jekyll", "build", "--quiet", "--source", site, "--destination", out)
  abort "jekyll build failed" unless ok
  cases.each do |name, _|
    expected[name] = File.read(File.join(out, "cases", "#{name}.html"), encoding: "UTF-8")
  end
end

File.write(File.join(FIXTURE, "expected.json"), JSON.pretty_generate(expected) + "\n")
puts "#{expected.size} cases written to tests/fixtures/kramdown/expected.json"
