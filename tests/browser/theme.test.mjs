// The theme in a real headless Chromium, on every page of the built guide: readable from
// 320px wide without sideways scrolling, printable without navigation, the skip link first
// for keyboard users (axe-core and the focus walk are in accessibility.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, BASEURL, SITE_DIR } from './harness.mjs';

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

test('every page sends the theme\'s Content-Security-Policy and nothing on it is blocked', async () => {
  await withPage({}, async (page) => {
    const blocked = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(`${page.url()}: ${m.text()}`); });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`));
    });
    for (const p of PAGES.concat(['/no-such-page'])) {
      const answer = await page.goto(site.url(p));
      if (p === '/no-such-page') {
        assert.equal(answer.status(), 404);
        await page.goto(site.url('/404.html'));
      }
      const policies = await page.locator('meta[http-equiv=Content-Security-Policy]').evaluateAll((m) => m.map((e) => e.content));
      assert.equal(policies.length, 1, `${p} has one policy`);
      assert.match(policies[0], /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-hashes' 'sha256-[^;]*; img-src/, p);
      // Before every script and stylesheet, or it would not cover them.
      assert.equal(await page.evaluate(() => document.head.firstElementChild.nextElementSibling.httpEquiv), 'Content-Security-Policy', p);
    }
    assert.deepEqual(blocked, []);
  });
});
