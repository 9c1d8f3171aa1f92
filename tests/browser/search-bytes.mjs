// What a reader downloads for one search (for docs/benchmarks.md, run by
// scripts/bench-search.sh; not a test): opens SITE_DIR's home page in headless Chromium, types
// QUERY into the search box and prints each file fetched for it, with its size as served and
// gzipped (what a host that compresses sends; Pagefind's chunks are gzipped already).
import zlib from 'node:zlib';
import { serve, launch, BASEURL } from './harness.mjs';

const QUERY = process.env.QUERY ?? 'planning';
const site = await serve();
const browser = await launch();
const page = await browser.context.newPage();
const fetched = [];
page.on('response', async (r) => {
  const url = new URL(r.url()).pathname;
  if (url.startsWith(`${BASEURL}/pagefind/`) || url.includes('/search-results.')) {
    const body = await r.body().catch(() => Buffer.alloc(0));
    fetched.push({ url: url.slice(BASEURL.length), bytes: body.length, gzipped: zlib.gzipSync(body).length });
  }
});
await page.goto(site.url('/'));
await page.click('#sp-search-input');
await page.keyboard.type(QUERY);
await page.waitForFunction((q) => document.getElementById('sp-search-status').textContent.includes(`\u2018${q}\u2019`), QUERY, { timeout: 120000 });
await page.waitForTimeout(500);
const status = await page.textContent('#sp-search-status');
const sum = (key, files) => files.reduce((s, f) => s + Math.min(f.bytes, f[key]), 0);
const index = fetched.filter((f) => /\.pf_|entry\.json/.test(f.url));
console.log(`query ‘${QUERY}’: ${status}`);
for (const f of fetched) console.log(`  ${f.url}  ${f.bytes} bytes  (${f.gzipped} gzipped)`);
console.log(`total ${fetched.length} files: ${sum('bytes', fetched)} bytes as served, ${sum('gzipped', fetched)} compressed; index chunks and fragments alone: ${sum('bytes', index)} bytes`);
await browser.close();
await site.close();
