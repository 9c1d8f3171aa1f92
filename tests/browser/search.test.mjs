// The search box in real headless Chromium, on the built guide under its baseurl (BASEURL;
// tests/suite/browser.rs also runs this file on a build with no baseurl): a word on one page is
// found, announced with its count, and its section link lands on the section, by keyboard;
// nothing of the index loads before the box is used; axe and the focus walk pass with the
// results open; without JavaScript there is no box.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, SITE_DIR, BASEURL } from './harness.mjs';
import { focusWalk, axeViolations } from './a11y.mjs';

const WORD = 'rectifying';
const PAGE = '/guide/kick-off';
const TITLE = 'Kick-off Meeting';
const SECTION = 'common-data-issues-housekeeping-and-clean-up-tasks';
const WAIT = { timeout: 60000 };

let site;
before(async () => { site = await serve(); });
after(async () => { await site.close(); });

// The text of every built page's main content, by file.
function mainTexts(dir = SITE_DIR) {
  const texts = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) texts.push(...mainTexts(file));
    else if (entry.name.endsWith('.html')) {
      const html = fs.readFileSync(file, 'utf8');
      const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
      texts.push({ file, text: main.replace(/<[^>]*>/g, ' ') });
    }
  }
  return texts;
}

async function withPage(options, run) {
  const browser = await launch(options);
  const page = await browser.context.newPage();
  try {
    await run(page);
  } finally {
    await browser.close();
  }
}

// Types `query` into the box as a person would and waits for the count to be announced.
async function search(page, query) {
  await page.click('#sp-search-input');
  await page.fill('#sp-search-input', '');
  await page.keyboard.type(query);
  await page.waitForFunction(
    (q) => document.getElementById('sp-search-status').textContent.includes(`\u2018${q}\u2019`),
    query, WAIT,
  );
}

test('the test word is on exactly one page of the guide', () => {
  // The printable guide repeats every guide page; it is not indexed (a query finds the page).
  const pages = mainTexts().filter((p) => path.relative(SITE_DIR, p.file) !== 'guide/print.html').filter((p) => new RegExp(`\\b${WORD.slice(0, 7)}`, 'i').test(p.text));
  assert.deepEqual(pages.map((p) => path.relative(SITE_DIR, p.file)), ['guide/kick-off.html']);
});

test('a word on one page is found and announced, and its section link lands on the section by keyboard', async () => {
  await withPage({}, async (page) => {
    const fetched = [];
    page.on('response', async (r) => {
      const url = new URL(r.url()).pathname;
      if (url.startsWith(`${BASEURL}/pagefind/`) || url.includes('/search-results.')) {
        fetched.push({ url, status: r.status(), bytes: (await r.body().catch(() => Buffer.alloc(0))).length });
      }
    });
    await page.goto(site.url('/'));
    assert.ok(await page.isVisible('#sp-search-input'), 'the box is shown');
    assert.equal(await page.getAttribute('.sp-search form', 'role'), 'search');
    assert.equal(await page.locator('label[for=sp-search-input]').textContent(), 'Search this site');
    await page.waitForTimeout(500);
    assert.deepEqual(fetched, [], 'nothing of the search loads before the box is used');

    await search(page, WORD);
    const status = page.locator('#sp-search-status');
    assert.equal(await status.getAttribute('role'), 'status');
    assert.match(await status.textContent(), /^1 result for ‘rectifying’$/);
    assert.equal(await page.locator('.sp-search__result').count(), 1);
    const title = page.locator('.sp-search__link');
    assert.equal(await title.textContent(), TITLE);
    assert.equal(await title.getAttribute('href'), `${BASEURL}${PAGE}`);
    const section = page.locator('.sp-search__section-link').first();
    assert.equal(await section.textContent(), 'Common data issues, housekeeping and clean-up tasks');
    assert.equal(await section.getAttribute('href'), `${BASEURL}${PAGE}#${SECTION}`);
    assert.match(await page.locator('.sp-search__section .sp-search__excerpt').first().innerHTML(), /<mark>rectifying<\/mark>/);
    assert.ok(fetched.length > 0 && fetched.every((f) => f.status === 200), JSON.stringify(fetched));
    const bytes = fetched.reduce((sum, f) => sum + f.bytes, 0);
    console.log(`# one query fetched ${fetched.length} files, ${bytes} bytes: ${fetched.map((f) => `${f.url.replace(BASEURL, '')} ${f.bytes}`).join(', ')}`);

    // From the box: Tab past the button to the page's link, then its section's, and Enter.
    await page.focus('#sp-search-input');
    for (const expected of ['sp-search__submit', 'sp-search__link', 'sp-search__section-link']) {
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.className), expected);
    }
    await Promise.all([page.waitForURL((u) => u.hash === `#${SECTION}`, WAIT), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.pathname, `${BASEURL}${PAGE}`);
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      // Scrolled to the top of the window (to within a pixel: layout is fractional).
      return r.top > -2 && r.top < window.innerHeight / 2;
    }, SECTION, WAIT);
  });
});

test('no results are announced as such, and Escape closes the panel back to the box', async () => {
  await withPage({}, async (page) => {
    await page.goto(site.url(PAGE));
    await search(page, 'zqxjkv');
    assert.equal(await page.textContent('#sp-search-status'), 'No results for ‘zqxjkv’');
    assert.equal(await page.locator('.sp-search__result').count(), 0);
    assert.ok(await page.isVisible('#sp-search-results'));
    await search(page, WORD);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sp-search-input');
    // Still closed a moment later (focus back in the box does not open them again).
    await page.waitForTimeout(1000);
    assert.ok(await page.isHidden('#sp-search-results'), 'Escape closes the results');
    // Enter shows them again; focus leaving the box closes them, so they never cover what
    // has focus.
    await page.keyboard.press('Enter');
    await page.waitForSelector('#sp-search-results:not([hidden])', WAIT);
    await page.focus('#maincontent a[href]');
    assert.ok(await page.isHidden('#sp-search-results'), 'leaving the box closes the results');
  });
});

test('with results showing, axe-core finds no violations and every control shows its focus, wide and narrow', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }, { width: 320, height: 640 }]) {
    await withPage({ viewport }, async (page) => {
      await page.goto(site.url(PAGE));
      await search(page, 'migration');
      assert.ok(await page.locator('.sp-search__result').count() > 1, 'several results');
      const box = await page.locator('#sp-search-results').boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `results fit at ${viewport.width}px: ${JSON.stringify(box)}`);
      const { violations, passes } = await axeViolations(page);
      assert.deepEqual(violations, [], `results at ${viewport.width}px`);
      assert.ok(passes > 10);
      const { failures, walked } = await focusWalk(page, `${PAGE} with results at ${viewport.width}px`);
      assert.deepEqual(failures, []);
      assert.ok(walked > 10, `${walked} walked`);
    });
  }
});

test('without JavaScript there is no search box', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(site.url(PAGE));
    assert.equal(await page.locator('.sp-search').count(), 1);
    assert.ok(await page.isHidden('.sp-search'));
    assert.ok(await page.isHidden('#sp-search-input'));
  });
});
