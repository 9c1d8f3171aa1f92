#!/usr/bin/env ruby
# frozen_string_literal: true

# Renders tests/fixtures/liquid/cases.liquid with Jekyll 4.3 (Ruby Liquid 5) and writes
# what Jekyll printed for each case to tests/fixtures/liquid/expected.json, which
# tests/liquid_corpus.rs compares signpost's output with. Run it again after adding cases:
#
#   apt-get install -y jekyll ruby-liquid
#   TZ=UTC ruby scripts/liquid-oracle.rb
#
# Each case becomes the page cases/NAME.html of a copy of tests/fixtures/liquid/site, with
# the front matter below (the Rust test uses the same), built with `jekyll build`.

require "fileutils"
require "json"
require "tmpdir"

ROOT = File.expand_path("..", __dir__)
FIXTURE = File.join(ROOT, "tests/fixtures/liquid")

FRONT_MATTER = <<~YAML
  ---
  layout: null
  title: "Liquid & Jekyll"
  tags: [beta, alpha, gamma]
  count: 3
  empty_list: []
  nothing: null
  date: 2024-03-05 14:07:09 +0100
  ---
YAML

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

cases = read_cases(File.join(FIXTURE, "cases.liquid"))
abort "duplicate case names" if cases.map(&:first).uniq.size != cases.size

expected = {}
Dir.mktmpdir do |dir|
  site = File.join(dir, "site")
  FileUtils.cp_r(File.join(FIXTURE, "site"), site)
  FileUtils.mkdir_p(File.join(site, "cases"))
  cases.each do |name, body|
    File.write(File.join(site, "cases", "#{name}.html"), FRONT_MATTER + body)
  end
  out = File.join(dir, "_site")
  ok = system("jekyll", "build", "--quiet", "--source", site, "--destination", out)
  abort "jekyll build failed" unless ok
  cases.each do |name, _|
    expected[name] = File.read(File.join(out, "cases", "#{name}.html"), encoding: "UTF-8")
  end
end

File.write(File.join(FIXTURE, "expected.json"), JSON.pretty_generate(expected) + "\n")
puts "#{expected.size} cases written to tests/fixtures/liquid/expected.json"
