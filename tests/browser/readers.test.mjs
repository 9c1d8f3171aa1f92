// Reader features in a real headless Chromium: the "On this page" contents list, the guide's
// pages above the content on a phone, the printable guide (every page in order, printed to
// PDF without navigation, each page on a new sheet) and tables that fit 320px. axe-core and
// the focus walk cover these pages in accessibility.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, BASEURL } from './harness.mjs';

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

test('the contents list links to each section of the page', async () => {
  await withPage({ viewport: { width: 1280, height: 800 } }, async (page) => {
    await page.goto(site.url('/guide'));
    const links = page.locator('nav[aria-label="On this page"] a');
    const count = await links.count();
    const headings = await page.locator('.sp-prose h2[id]').evaluateAll((hs) => hs.map((h) => [h.id, h.textContent.trim()]));
    assert.ok(count >= 3, `${count} links`);
    assert.deepEqual(await links.evaluateAll((as) => as.map((a) => [a.hash.slice(1), a.textContent.trim()])), headings);
    for (let n = 0; n < count; n++) {
      await page.evaluate(() => window.scrollTo(0, 0));
      const [id] = headings[n];
      await links.nth(n).click();
      assert.equal(await page.evaluate(() => decodeURIComponent(location.hash)), `#${id}`);
      // The section's heading is at the top of the window (or as high as the page allows).
      const top = await page.evaluate((i) => document.getElementById(i).getBoundingClientRect().top, id);
      const atEnd = await page.evaluate(() => Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight);
      assert.ok(Math.abs(top) < 2 || (atEnd && top > 0 && top < 800), `#${id} is at ${top}px after its link`);
    }
  });
});

test('on a phone the guide\'s pages come first, the current one marked; on a wide screen they are in the sidebar', async () => {
  const p = '/guide/training';
  await withPage({ viewport: { width: 375, height: 700 } }, async (page) => {
    await page.goto(site.url(p));
    const list = page.locator('nav[aria-label="Pages in this guide"]');
    assert.ok(await list.isVisible(), 'page list shown at 375px');
    const listBox = await list.boundingBox();
    const contentBox = await page.locator('.sp-prose').first().boundingBox();
    assert.ok(listBox.y + listBox.height <= contentBox.y, `page list (${listBox.y}–${listBox.y + listBox.height}) is above the content (${contentBox.y})`);
    assert.ok(listBox.y < 700, `page list starts in the first screen, at ${listBox.y}px`);
    const current = list.locator('[aria-current="page"]');
    assert.equal(await current.count(), 1);
    assert.equal(await current.evaluate((e) => e.tagName), 'SPAN', 'current page is not a link');
    assert.equal((await current.textContent()).trim(), 'Training');
    assert.ok(await list.locator('a').count() >= 9);
    // The same list is not shown twice; previous/next stay after the content.
    assert.equal(await page.isVisible('.sp-sidebar__guide'), false, 'sidebar page list hidden at 375px');
    const pagination = await page.locator('.sp-pagination').boundingBox();
    assert.ok(pagination.y > contentBox.y + contentBox.height - 1, 'previous/next after the content');
  });
  await withPage({ viewport: { width: 1280, height: 900 } }, async (page) => {
    await page.goto(site.url(p));
    assert.equal(await page.isVisible('nav[aria-label="Pages in this guide"]'), false, 'no page list above the content when wide');
    assert.ok(await page.isVisible('.sp-sidebar__guide'), 'sidebar shows the guide\'s pages when wide');
    assert.ok(await page.isVisible('.sp-sidebar [aria-current="page"]'));
  });
});

test('the printable guide has every guide page in order, and prints each on a new sheet without the navigation', async (t) => {
  let order;
  let printUrl;
  await withPage({ viewport: { width: 1280, height: 900 } }, async (page) => {
    await page.goto(site.url('/guide/training'));
    const hrefs = await page.locator('.sp-sidebar__guide li > :is(a, span)').evaluateAll((es) => es.map((e) => e.getAttribute('href') ?? location.pathname));
    assert.ok(hrefs.length >= 11, hrefs.join(', '));
    // Each guide page's own title, as the printable guide heads its section.
    order = [];
    for (const href of hrefs) {
      await page.goto(site.origin + href);
      order.push((await page.locator('h1').first().textContent()).trim());
    }
    await page.goto(site.url('/guide/training'));
    const link = page.getByRole('link', { name: 'View a printable version of this guide' });
    printUrl = await link.getAttribute('href');
    assert.equal(printUrl, `${BASEURL}/guide/print`);
    await link.click();
    await page.waitForURL(`**${BASEURL}/guide/print`);
    const titles = await page.locator('.sp-print-section > h1').evaluateAll((hs) => hs.map((h) => h.textContent.trim()));
    assert.deepEqual(titles, order);
    // Links between the guide's pages stay on this page, and land on a target.
    const internal = await page.locator('.sp-print-section a[href^="#"]').evaluateAll((as) => as.map((a) => a.hash.slice(1)));
    assert.ok(internal.length > 20, `${internal.length} in-page links`);
    const missing = await page.evaluate((ids) => ids.filter((id) => !document.getElementById(decodeURIComponent(id))), internal);
    assert.deepEqual(missing, []);
    assert.equal(await page.locator(`.sp-print-section a[href^="${BASEURL}/guide"]`).count(), 0, 'no links out to guide pages');
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  });
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
  } catch {
    if (process.env.SIGNPOST_REQUIRE_BROWSER === '1') assert.fail('pdftoppm (poppler-utils) is needed to read the printed PDF');
    t.skip('SKIPPED: pdftoppm (poppler-utils) not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-guide-print-'));
  try {
    const pdf = path.join(dir, 'guide.pdf');
    await withPage({ viewport: { width: 800, height: 1100 } }, async (page) => {
      await page.goto(site.origin + printUrl);
      await page.emulateMedia({ media: 'print' });
      for (const nav of ['.sp-header__nav', '.sp-breadcrumb', '.sp-contents', '.sp-skip-link', '.sp-footer__list']) {
        if (await page.$(nav)) assert.equal(await page.isVisible(nav), false, `${nav} printed`);
      }
      await page.pdf({ path: pdf, format: 'A4', margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
    });
    execFileSync('pdftoppm', ['-r', '24', '-gray', pdf, path.join(dir, 'sheet')]);
    const sheets = fs.readdirSync(dir).filter((f) => f.startsWith('sheet')).sort();
    assert.ok(sheets.length > order.length, `${sheets.length} sheets for ${order.length} pages`);
    // Every sheet was rendered, and has something printed on it.
    for (const sheet of sheets) {
      const bytes = fs.readFileSync(path.join(dir, sheet));
      const header = bytes.toString('latin1', 0, 32).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
      assert.ok(header, `${sheet} is a PGM image`);
      const pixels = bytes.subarray(header[0].length);
      assert.ok(pixels.some((v) => v < 128), `${sheet} is blank`);
    }
    const text = (first, last) => execFileSync('pdftotext', ['-layout', '-f', String(first), '-l', String(last), pdf, '-'], { encoding: 'utf8' });
    const all = text(1, sheets.length);
    for (const nav of ['Skip to main content', 'View a printable version', 'Pages in this guide', 'Back to top']) {
      assert.ok(!all.includes(nav), `"${nav}" printed`);
    }
    // External links carry their address on paper.
    assert.ok(all.replace(/\s+/g, '').includes('(https://www.legislation.gov.uk/ukpga/1988/28/contents)'), 'external link URL printed');
    // Each guide page starts a sheet, in sidebar order.
    const starts = [];
    for (let n = 1; n <= sheets.length; n++) starts.push(text(n, n).trim().split('\n')[0].trim());
    const found = order.map((title) => starts.indexOf(title));
    assert.ok(found.every((i) => i >= 0), `each page starts a sheet: ${JSON.stringify(order)} in ${JSON.stringify(starts)}`);
    assert.deepEqual([...found].sort((a, b) => a - b), found, 'sheets in guide order');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('at 320px the phases table shows every cell, stacked with its column label', async () => {
  await withPage({ viewport: { width: 320, height: 640 } }, async (page) => {
    await page.goto(site.url('/guide'));
    const table = page.locator('table.sp-table--phases');
    const cells = await table.locator('tbody th, tbody td').evaluateAll((cs) => cs.map((c) => {
      const r = c.getBoundingClientRect();
      return { text: c.innerText.trim(), left: r.left, right: r.right, width: r.width, scrollWidth: c.scrollWidth, clientWidth: c.clientWidth };
    }));
    assert.ok(cells.length >= 24, `${cells.length} cells`);
    for (const c of cells) {
      assert.ok(c.width > 0 && c.left >= 0 && c.right <= 320, `cell "${c.text.slice(0, 40)}" at ${c.left}–${c.right}`);
      assert.ok(c.scrollWidth <= c.clientWidth + 1, `cell "${c.text.slice(0, 40)}" cut off`);
    }
    // Each cell shows its column's name before its value.
    assert.ok(cells.filter((c) => /^(Phase|What happens|Estimated time|When)\b/.test(c.text)).length === cells.length, 'every stacked cell is labelled');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320));
    // A screen reader still meets a table with its column headers.
    const snapshot = await table.evaluate((t) => [t.getAttribute('role'), t.querySelectorAll('[role=columnheader]').length]);
    assert.deepEqual(snapshot, ['table', 4]);
  });
});

test('at 320px a wide Markdown table scrolls inside a labelled, focusable region with a cue, and every cell can be reached', async (t) => {
  const bin = process.env.SIGNPOST_BIN;
  if (!bin) {
    if (process.env.SIGNPOST_REQUIRE_BROWSER === '1') assert.fail('SIGNPOST_BIN is needed to build the table site');
    t.skip('SKIPPED: SIGNPOST_BIN not set');
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-table-'));
  const head = '| Week | Practice | Delivery partner | New supplier | Current supplier | Clinical Commissioning Group |';
  const row = (n) => `| ${n} | Check the reports and the appointment books | Book the trainers and rooms | Send the data extract | Confirm the cut-off date | Approve the funding |`;
  fs.writeFileSync(path.join(root, '_config.yml'), `title: Tables\nbaseurl: ${BASEURL}\n`);
  fs.writeFileSync(path.join(root, 'index.md'), `---\ntitle: Tables\n---\n## Who does what each week\n\n${head}\n|---|---|---|---|---|---|\n${[1, 2, 3].map(row).join('\n')}\n`);
  const out = path.join(root, '_site');
  execFileSync(bin, ['build', '--root', root, '--out', out], { stdio: 'pipe' });
  const tables = await serve([[BASEURL, out]]);
  try {
    await withPage({ viewport: { width: 320, height: 640 } }, async (page) => {
      await page.goto(tables.url('/'));
      const region = page.getByRole('region', { name: 'Table: Who does what each week' });
      assert.ok(await region.isVisible());
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'the page itself does not scroll sideways');
      const box = await region.evaluate((r) => ({ scroll: r.scrollWidth, client: r.clientWidth, right: r.getBoundingClientRect().right, background: getComputedStyle(r).backgroundImage }));
      assert.ok(box.scroll > box.client, 'the table is wider than the region');
      assert.ok(box.right <= 320);
      assert.match(box.background, /gradient/, 'the region draws an edge shadow as a cue');
      // Keyboard: Tab reaches the region, the arrow keys scroll it to the last column.
      let tabs = 0;
      while (tabs < 10 && await page.evaluate(() => document.activeElement.getAttribute('role')) !== 'region') {
        await page.keyboard.press('Tab');
        tabs++;
      }
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'region', 'Tab reaches the table');
      for (let n = 0; n < 40; n++) await page.keyboard.press('ArrowRight');
      // Chromium animates keyboard scrolling: wait for the last step to finish (or time out).
      await page.waitForFunction(() => {
        const r = document.activeElement;
        return r.scrollLeft + r.clientWidth >= r.scrollWidth - 1;
      }, null, { timeout: 5000 }).catch(() => {});
      const last = await page.locator('tr:last-child td:last-child').evaluate((c) => {
        const r = c.getBoundingClientRect();
        return { left: r.left, right: r.right };
      });
      assert.ok(last.left >= 0 && last.right <= 321, `last cell scrolled into view: ${last.left}–${last.right}`);
    });
  } finally {
    await tables.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
