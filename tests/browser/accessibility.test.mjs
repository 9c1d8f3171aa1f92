// Accessibility of every built page in a real headless Chromium: a keyboard focus walk that
// compares each focusable element's pixels focused and unfocused (axe cannot see focus),
// axe-core's WCAG 2.2 A/AA and best-practice rules on every page (redirects and 404
// included) at 1280 and 320px, and a role page printed to PDF and rendered to an image.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, SITE_DIR } from './harness.mjs';
import { focusWalk, axeViolations } from './a11y.mjs';

const ROLE = '/guide/role/clinical-comissioning-groups';

// Every HTML file of the built site, by the path a reader asks for (`guide/x.html` → `/guide/x`).
function builtPages(dir = SITE_DIR, prefix = '') {
  const pages = new Map();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) for (const [p, file] of builtPages(path.join(dir, entry.name), rel)) pages.set(p, file);
    else if (entry.name.endsWith('.html')) pages.set(rel.replace(/(\/index)?\.html$/, '') || '/', path.join(dir, entry.name));
  }
  return pages;
}
const FILES = builtPages();
const PAGES = [...FILES.keys()].sort();
const REDIRECTS = PAGES.filter((p) => /http-equiv="refresh"/.test(fs.readFileSync(FILES.get(p), 'utf8')));

let site;
before(async () => { site = await serve(); });
after(async () => { await site.close(); });

async function withPage(options, run) {
  const browser = await launch(options);
  const page = await browser.context.newPage();
  try {
    await run(page);
  } finally {
    await browser.close();
  }
}

// Opens a built page. Redirect pages refresh at once, so they are served without their
// refresh to be read as they arrive.
async function open(page, p) {
  const url = site.url(p);
  if (REDIRECTS.includes(p)) {
    const body = fs.readFileSync(FILES.get(p), 'utf8').replace(/<meta http-equiv="refresh"[^>]*>/, '');
    await page.route(url, (route) => route.fulfill({ body, contentType: 'text/html; charset=utf-8' }));
  }
  await page.goto(url);
}

test('every focusable element on every page shows a visible focus indicator', async () => {
  const failures = [];
  let total = 0;
  await withPage({ viewport: { width: 1280, height: 900 } }, async (page) => {
    for (const p of PAGES) {
      await open(page, p);
      const { failures: f, walked } = await focusWalk(page, p);
      failures.push(...f);
      total += walked;
    }
    // A role page with some items ticked and every item's details open: each field too.
    await page.goto(site.url(ROLE));
    for (const n of [0, 2]) await page.locator('.sp-check__box').nth(n).check();
    // Reloaded so the walk starts at the top, not after the last box ticked.
    await page.reload();
    await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
    const { failures: f, walked } = await focusWalk(page, `${ROLE} (details open)`);
    failures.push(...f);
    total += walked;
    assert.ok(walked > 100, `only ${walked} focusable elements on the opened role page`);
  });
  // On a phone the header has a menu button instead of links.
  await withPage({ viewport: { width: 320, height: 640 } }, async (page) => {
    for (const p of ['/guide/kick-off', ROLE]) {
      await open(page, p);
      assert.ok(await page.isVisible('.sp-header__toggle'), `${p}: menu button at 320px`);
      const { failures: f, walked } = await focusWalk(page, `${p} at 320px`);
      failures.push(...f);
      total += walked;
    }
  });
  assert.ok(total > 400, `only ${total} elements walked`);
  assert.deepEqual(failures, []);
});

test('axe-core finds no WCAG 2.2 A/AA or best-practice violations on any page, redirects included, wide or narrow', async () => {
  assert.ok(REDIRECTS.length >= 2, `redirect pages: ${REDIRECTS.join(', ')}`);
  assert.ok(PAGES.includes('/404'));
  for (const width of [1280, 320]) {
    await withPage({ viewport: { width, height: 900 } }, async (page) => {
      for (const p of PAGES) {
        await open(page, p);
        const { violations, passes } = await axeViolations(page);
        assert.deepEqual(violations, [], `${p} at ${width}px`);
        assert.ok(passes > 10, `axe ran on ${p}`);
      }
    });
  }
});

test('a redirect page is a small complete page: main, heading, link, refresh and canonical, no script', () => {
  for (const p of REDIRECTS) {
    const html = fs.readFileSync(FILES.get(p), 'utf8');
    const target = html.match(/<link rel="canonical" href="([^"]+)">/)?.[1];
    assert.ok(target, `${p}: canonical link`);
    assert.match(html, new RegExp(`<meta http-equiv="refresh" content="0; url=${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`), p);
    assert.match(html, /<main[^>]*>[\s\S]*<h1[^>]*>[\s\S]*<\/h1>[\s\S]*<a href="[^"]+"[\s\S]*<\/main>/, p);
    assert.ok(html.includes(`<a href="${target}">`), `${p}: link to ${target}`);
    assert.doesNotMatch(html, /<script/, p);
    assert.match(html, /<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;; script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;;/, `${p}: the theme's policy first`);
  }
});

// Reads a binary greyscale PGM (P5) image as `pdftoppm -gray` writes it.
function readPgm(file) {
  const bytes = fs.readFileSync(file);
  const header = bytes.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
  assert.ok(header, `${file} is an 8-bit PGM image`);
  const [, width, height] = header.map(Number);
  const data = bytes.subarray(header[0].length);
  return { width, height, at: (x, y) => data[y * width + x] };
}

test('a role page printed to PDF shows its progress bar partly filled in black and white, and its owners, dates and notes', async (t) => {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
  } catch {
    if (process.env.SIGNPOST_REQUIRE_BROWSER === '1') assert.fail('pdftoppm (poppler-utils) is needed to read the printed PDF');
    t.skip('SKIPPED: pdftoppm (poppler-utils) not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-print-'));
  const width = 800;
  const height = 1100;
  await withPage({ viewport: { width, height } }, async (page) => {
    await page.goto(site.url(ROLE));
    const boxes = page.locator('.sp-check__box');
    const total = await boxes.count();
    const ticked = Math.round(total / 4);
    for (let n = 0; n < ticked; n++) await boxes.nth(n).check();
    assert.match(await page.locator('#sp-cl-count').textContent(), new RegExp(`${ticked} of ${total}`));
    const item = page.locator('.sp-check').nth(ticked);
    await item.locator('.sp-check__summary').click();
    await item.locator('[data-field=owner]').fill('Sam Okafor');
    await item.locator('[data-field=date]').fill('2027-03-01');
    await item.locator('[data-field=notes]').fill('Waiting for the supplier');
    // Where the bar sits on paper: lay the page out for print at the paper's width.
    await page.emulateMedia({ media: 'print' });
    const bar = await page.locator('#sp-cl-bar').evaluate((b) => {
      const r = b.getBoundingClientRect();
      const style = getComputedStyle(b);
      return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height, borderLeft: parseFloat(style.borderLeftWidth), borderRight: parseFloat(style.borderRightWidth) };
    });
    // Backgrounds off, as browsers print by default.
    const pdf = path.join(dir, 'role.pdf');
    await page.pdf({ path: pdf, width: `${width}px`, height: `${height}px`, margin: { top: 0, right: 0, bottom: 0, left: 0 }, printBackground: false });
    const sheet = Math.floor(bar.y / height) + 1;
    // 72 dpi in PDF points is 96 CSS pixels per inch: one image pixel per CSS pixel.
    execFileSync('pdftoppm', ['-r', '96', '-gray', '-f', String(sheet), '-l', String(sheet), pdf, path.join(dir, 'sheet')]);
    // The words print too: the count, and the owner, date and notes under their item.
    const words = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const expected of [`${ticked} of ${total} done`, 'Owner: Sam Okafor', 'Target date: 1 March 2027', 'Notes: Waiting for the supplier']) {
      assert.ok(words.includes(expected), `printed page says "${expected}"`);
    }
    const file = fs.readdirSync(dir).find((f) => f.startsWith('sheet'));
    const image = readPgm(path.join(dir, file));
    const dark = (v) => v < 128;
    // Find the bar near where the print layout put it (the PDF may place it a little
    // differently): a dark row across its whole width, and another one bar-height below.
    const top = Math.round(bar.y - (sheet - 1) * height);
    const left = Math.round(bar.x);
    const right = Math.round(bar.x + bar.width) - 1;
    const darkAcross = (y) => { let n = 0; for (let x = left; x <= right; x++) if (dark(image.at(x, y))) n++; return n / (right - left + 1) > 0.98; };
    let edge = null;
    for (let y = Math.max(0, top - 60); edge === null && y < Math.min(image.height, top + 60); y++) {
      if (!darkAcross(y)) continue;
      for (let d = -2; d <= 2; d++) if (darkAcross(y + Math.round(bar.height) - 1 + d)) edge = y;
    }
    assert.ok(edge !== null, `printed bar has a border above and below (near row ${top})`);
    const middle = edge + Math.round(bar.height / 2);
    // Along the middle row: the side borders dark, inside them dark from the left, then light.
    const inside = Math.ceil(left + bar.borderLeft);
    const end = Math.floor(right - bar.borderRight);
    const sides = [left, right].map((x) => dark(image.at(x, middle)));
    let fill = inside;
    while (fill <= end && dark(image.at(fill, middle))) fill++;
    let light = 0;
    for (let x = fill; x <= end; x++) if (!dark(image.at(x, middle))) light++;
    fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(sides, [true, true], 'printed bar has borders at both ends');
    const filled = (fill - inside) / (end - inside + 1);
    assert.ok(Math.abs(filled - ticked / total) < 0.05, `printed bar is ${Math.round(filled * 100)}% filled at row ${middle}; ${ticked} of ${total} ticked`);
    assert.ok(light >= (end - fill + 1) * 0.95, 'after the fill the printed bar is light to its end');
  });
});
