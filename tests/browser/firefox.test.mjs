// Checklists in a real headless Firefox (Debian's firefox-esr driven by puppeteer-core over
// WebDriver BiDi): the same JS and CSS must work there as in Chromium, with no build step.
// Run by tests/suite/browser.rs (which builds the guide into SITE_DIR), or by hand:
//   SITE_DIR=/tmp/site node --test tests/browser/firefox.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { serve, BASEURL, SITE_DIR } from './harness.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const ROLES = ['/guide/role/practice-staff', '/guide/role/project-managers', '/guide/role/clinical-comissioning-groups'];
const CCG = ROLES[2];
const PAGES = [...fs.readFileSync(path.join(SITE_DIR, 'sitemap.xml'), 'utf8').matchAll(/<loc>[^<]*?\/\/[^/]+([^<]*)<\/loc>/g)]
  .map((m) => m[1].slice(BASEURL.length) || '/');

let site;
before(async () => { site = await serve(); });
after(async () => { await site.close(); });

// A fresh Firefox profile per test, downloads saved to a folder of their own; every script
// error or console error fails the test.
async function withPage(fn) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-firefox-'));
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-firefox-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
    defaultViewport: { width: 1100, height: 900 },
    // A fresh profile's first start can take over 30 s on a busy two-core machine.
    timeout: 120000,
    // Date fields take typed digits in the locale's order: pin it to month/day/year.
    extraPrefsFirefox: { 'intl.locale.requested': 'en-US', 'intl.regional_prefs.use_os_locales': false },
  });
  try {
    const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: console: ${m.text()}`); });
    await fn(page, downloads);
    assert.deepEqual(errors, [], 'no script or console errors');
  } finally {
    await browser.close();
    for (const dir of [profile, downloads]) fs.rmSync(dir, { recursive: true, force: true });
  }
}
const open = (page, p) => page.goto(site.url(p));
const text = (page, selector) => page.$eval(selector, (e) => e.textContent);
const value = (page, selector) => page.$eval(selector, (e) => e.value);
// Waits until the page's own state says `expected`, rather than sleeping.
async function until(page, fn, ...args) {
  await page.waitForFunction(fn, { timeout: 5000, polling: 'mutation' }, ...args);
}
const countIs = (page, n) => until(page, (n) => document.querySelector('#sp-cl-count').textContent.startsWith(`${n} of `), n);
// A part (`.sp-check__box`, `[data-field=owner]`…) of the page's nth checklist item.
async function part(page, n, selector) {
  const item = (await page.$$('.sp-check'))[n];
  assert.ok(item, `item ${n} exists`);
  return item.$(selector);
}
const tick = async (page, n) => (await part(page, n, '.sp-check__box')).click();
const openDetails = async (page, n) => (await part(page, n, '.sp-check__summary')).click();
const fieldValue = async (page, n, field) => (await part(page, n, `[data-field=${field}]`)).evaluate((e) => e.value);

// Polls the downloads folder until Firefox has finished writing `name` (no .part left).
async function downloaded(dir, name) {
  const file = path.join(dir, name);
  for (let i = 0; i < 100; i++) {
    const names = fs.readdirSync(dir);
    if (names.includes(name) && !names.some((n) => n.endsWith('.part')) && fs.statSync(file).size > 0) {
      return fs.readFileSync(file, 'utf8');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no download ${name} in ${dir}: ${fs.readdirSync(dir).join(', ')}`);
}
// Imports `csv`; when the page asks (it has saved progress), answers `choice`.
async function importCsv(page, csv, name, choice = 'replace') {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-csv-')), name);
  fs.writeFileSync(file, csv);
  const both = () => ['#sp-cl-message', '#sp-cl-alert'].map((id) => document.querySelector(id).textContent).join('');
  await page.evaluate(() => { for (const id of ['#sp-cl-message', '#sp-cl-alert']) document.querySelector(id).textContent = ''; });
  const [chooser] = await Promise.all([page.waitForFileChooser(), page.click('[data-action=import]')]);
  await chooser.accept([file]);
  await until(page, () => document.querySelector('.sp-cl__dialog').open || ['#sp-cl-message', '#sp-cl-alert'].some((id) => document.querySelector(id).textContent));
  if (await page.$eval('.sp-cl__dialog', (d) => d.open)) await page.click(`.sp-cl__dialog [data-choice="${choice}"]`);
  await until(page, (name) => ['#sp-cl-message', '#sp-cl-alert'].some((id) => document.querySelector(id).textContent.includes(name)), name);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return page.evaluate(both);
}

test('in Firefox, ticks, details and the Go Live date update the page and survive a reload', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    assert.equal(await text(page, '#sp-cl-count'), '0 of 13 done');
    await tick(page, 0);
    await tick(page, 2);
    await countIs(page, 2);
    assert.equal(await text(page, '#sp-cl-count'), '2 of 13 done');
    assert.equal(await page.$eval('#sp-cl-bar', (b) => `${b.value}/${b.max}`), '2/13');
    assert.match(await text(page, '.sp-group'), /1 of 2 done\s*In progress/);

    await openDetails(page, 1);
    await (await part(page, 1, '[data-field=owner]')).type('Priya Shah');
    await (await part(page, 1, '[data-field=date]')).type('05202031');
    await (await part(page, 1, '[data-field=status]')).select('Blocked');
    const meta = await part(page, 1, '.sp-check__meta');
    await page.waitForFunction((m) => /Status: Blocked/.test(m.textContent), { timeout: 5000, polling: 'mutation' }, meta);

    await page.type('#sp-cl-golive', '06032030');
    // Decision to migrate ends at week -14 before Go Live, Post Go Live at +2.
    await until(page, () => /Suggested target: 25 February 2030/.test(document.querySelector('.sp-group').textContent));
    assert.match(await text(page, '.sp-group[data-group="post-go-live"]'), /Suggested target: 17 June 2030/);

    await page.reload();
    for (const [n, ticked] of [[0, true], [1, false], [2, true]]) {
      assert.equal(await (await part(page, n, '.sp-check__box')).evaluate((b) => b.checked), ticked, `item ${n} after reload`);
    }
    assert.equal(await text(page, '#sp-cl-count'), '2 of 13 done');
    assert.equal(await page.$eval('#sp-cl-bar', (b) => b.value), 2);
    assert.equal(await fieldValue(page, 1, 'owner'), 'Priya Shah');
    assert.equal(await fieldValue(page, 1, 'date'), '2031-05-20');
    assert.equal(await fieldValue(page, 1, 'status'), 'Blocked');
    assert.match(await (await part(page, 1, '.sp-check__meta')).evaluate((m) => m.textContent),
      /Owner: Priya Shah\. Target date: 20 May 2031\. Suggested date: 25 February 2030 \(from the Go Live date\)\. Status: Blocked/);
    assert.equal(await value(page, '#sp-cl-golive'), '2030-06-03');
    assert.match(await text(page, '.sp-group'), /Suggested target: 25 February 2030/);
  });
});

test('in Firefox, Export CSV downloads a CSV that a fresh profile imports; a malformed CSV is refused', async () => {
  const owner = 'Sam "SJ" O\'Neil, café';
  let csv;
  await withPage(async (page, downloads) => {
    await open(page, CCG);
    await page.type('#sp-cl-golive', '06032030');
    await tick(page, 0);
    await openDetails(page, 3);
    await (await part(page, 3, '[data-field=owner]')).type(owner);
    await countIs(page, 1);
    await page.click('[data-action=export]');
    csv = await downloaded(downloads, 'clinical-comissioning-groups-checklist.csv');
  });
  assert.ok(csv.startsWith('\ufeff'), 'starts with a UTF-8 byte order mark');
  assert.ok(csv.startsWith('\ufeffPhase,Item,Done,Owner,Target date,Suggested date,Status,Notes,Link,ID,Progress changed,Owner changed,Date changed,Notes changed\r\n'), csv.slice(0, 160));
  assert.ok(csv.includes('"Sam ""SJ"" O\'Neil, café"'), 'owner quoted, UTF-8 intact');

  await withPage(async (page) => {
    await open(page, CCG);
    assert.equal(await text(page, '#sp-cl-count'), '0 of 13 done');
    assert.match(await importCsv(page, csv, 'progress.csv'), /^Imported 13 items from progress\.csv/);
    await countIs(page, 1);
    const saved = await page.evaluate(() => JSON.stringify(localStorage));

    const broken = csv.replace(/,Yes,/, ',Maybe,');
    assert.match(await importCsv(page, broken, 'broken.csv'), /^Nothing was imported from broken\.csv\. Row 3: Done is “Maybe”/);
    assert.match(await text(page, '#sp-cl-alert'), /^Nothing was imported/, 'a refusal is an alert');
    assert.equal(await page.evaluate(() => JSON.stringify(localStorage)), saved, 'saved state unchanged');

    await page.reload();
    assert.equal(await text(page, '#sp-cl-count'), '1 of 13 done');
    assert.equal(await (await part(page, 0, '.sp-check__box')).evaluate((b) => b.checked), true);
    assert.equal(await value(page, '#sp-cl-golive'), '2030-06-03');
    assert.equal(await fieldValue(page, 3, 'owner'), owner);
  });
});

test('in Firefox, combining two readers’ CSV files keeps both sides’ newer changes and says what changed', async () => {
  let fromB;
  // Reader B first: ticks item 1 and names an owner for item 3.
  await withPage(async (page, downloads) => {
    await open(page, CCG);
    await tick(page, 1);
    await openDetails(page, 3);
    await (await part(page, 3, '[data-field=owner]')).type('Ben');
    await countIs(page, 1);
    await page.click('[data-action=export]');
    fromB = await downloaded(downloads, 'clinical-comissioning-groups-checklist.csv');
  });
  // Reader A, later: ticks item 0, names a newer owner for item 3, notes item 4, then
  // combines B's file.
  await withPage(async (page) => {
    await open(page, CCG);
    await tick(page, 0);
    await openDetails(page, 3);
    await (await part(page, 3, '[data-field=owner]')).type('Ana');
    await openDetails(page, 4);
    await (await part(page, 4, '[data-field=notes]')).type('A: booked');
    await countIs(page, 1);
    const said = await importCsv(page, fromB, 'ben.csv', 'combine');
    assert.equal(said, 'Combined 13 items from ben.csv with your progress: 1 item ticked, 1 conflict resolved by date (the newer change kept).');
    await countIs(page, 2);
    await page.reload();
    assert.equal(await text(page, '#sp-cl-count'), '2 of 13 done', 'ticks from both sides');
    assert.equal(await fieldValue(page, 3, 'owner'), 'Ana', 'the newer owner wins');
    assert.equal(await fieldValue(page, 4, 'notes'), 'A: booked');
  });
});

test('in Firefox, every page loads without script errors and fits 320px, checklist details open', async () => {
  assert.ok(PAGES.length >= 17, PAGES.join(', '));
  await withPage(async (page) => {
    await page.setViewport({ width: 320, height: 640 });
    await open(page, '/');
    assert.equal(await page.evaluate(() => window.innerWidth), 320, 'the viewport really is 320px wide');
    for (const p of PAGES) {
      await open(page, p);
      if (ROLES.includes(p)) {
        // The checklist at its widest: an item ticked, its owner/date/status/notes shown.
        await openDetails(page, 0);
        await tick(page, 0);
        await countIs(page, 1);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${p} scrolls sideways by ${overflow}px at 320px in Firefox`);
    }
  });
});
