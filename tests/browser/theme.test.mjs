// The theme in a real headless Chromium, on every page of the built guide: readable from
// 320px wide without sideways scrolling, printable without navigation, the skip link first
// for keyboard users, and no WCAG 2.2 A/AA violations found by axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { serve, launch, BASEURL, SITE_DIR } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

// Every page the sitemap lists, as a path under the baseurl.
const PAGES = [...fs.readFileSync(path.join(SITE_DIR, 'sitemap.xml'), 'utf8').matchAll(/<loc>[^<]*?\/\/[^/]+([^<]*)<\/loc>/g)]
  .map((m) => m[1].slice(BASEURL.length) || '/');

let site;
before(async () => { site = await serve(); });
after(async () => { await site.close(); });

async function withPage(options, run) {
  const browser = await launch(options);
  try {
    await run(await browser.context.newPage());
  } finally {
    await browser.close();
  }
}

test('the sitemap lists the whole guide', () => {
  assert.ok(PAGES.length >= 17, PAGES.join(', '));
  assert.ok(PAGES.includes('/guide/kick-off'));
});

test('every page fits 320px without sideways scrolling, with a Back link instead of breadcrumbs', async () => {
  await withPage({ viewport: { width: 320, height: 640 } }, async (page) => {
    for (const p of PAGES) {
      await page.goto(site.url(p));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${p} scrolls sideways by ${overflow}px at 320px`);
      const crumbs = await page.$('.sp-breadcrumb');
      if (crumbs) {
        assert.equal(await page.isVisible('.sp-breadcrumb__list'), false, `${p}: full breadcrumbs shown on a phone`);
        assert.match(await page.locator('.sp-breadcrumb__backlink').innerText(), /^Back to /, p);
      }
    }
  });
});

test('printing hides the navigation and keeps the content', async () => {
  await withPage({}, async (page) => {
    for (const p of ['/guide/kick-off', '/guide']) {
      await page.goto(site.url(p));
      await page.emulateMedia({ media: 'print' });
      for (const nav of ['.sp-header__nav', '.sp-sidebar', '.sp-breadcrumb', '.sp-pagination', '.sp-skip-link']) {
        if (await page.$(nav)) assert.equal(await page.isVisible(nav), false, `${p}: ${nav} printed`);
      }
      assert.ok(await page.isVisible('h1'), `${p}: title not printed`);
      assert.ok((await page.locator('main').innerText()).length > 500, `${p}: content not printed`);
      await page.emulateMedia({ media: 'screen' });
    }
  });
});

test('the first Tab lands on the skip link, which moves focus to the main content', async () => {
  await withPage({}, async (page) => {
    await page.goto(site.url('/guide/kick-off'));
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href') }));
    assert.equal(focused.href, '#maincontent');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#maincontent');
  });
});

test('axe-core finds no WCAG 2.2 A/AA violations on any page, wide or narrow', async () => {
  for (const width of [1280, 320]) {
    await withPage({ viewport: { width, height: 900 } }, async (page) => {
      for (const p of PAGES) {
        await page.goto(site.url(p));
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
        }));
        const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
        assert.deepEqual(found, [], `${p} at ${width}px`);
      }
    });
  }
});
