// Checklists in a real headless Chromium: persistence, counts, planner, CSV export and
// import, reset, keyboard use, no network, and axe-core's WCAG 2.2 A/AA rules.
// Run by tests/suite/browser.rs (which builds the guide into SITE_DIR), or by hand:
//   SITE_DIR=/tmp/site node --test tests/browser/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { serve, launch, BASEURL } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ROLES = ['/guide/role/practice-staff', '/guide/role/project-managers', '/guide/role/clinical-comissioning-groups'];
const CCG = ROLES[2];
const KEY = `signpost-checklist:v2:gp-migration-guide:${CCG}`;
const OLD_KEY = `signpost-checklist:v1:${BASEURL}${CCG}`;

let site;
before(async () => { site = await serve(); });
after(async () => { await site.close(); });

// A fresh browser profile per test; every page error fails the test.
async function withPage(fn, options = {}) {
  const browser = await launch(options);
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await fn(page, browser.context);
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await browser.close();
  }
}
const open = (page, path) => page.goto(site.url(path));
const box = (page, n) => page.locator('.sp-check__box').nth(n);
const saved = (page) => page.evaluate((k) => localStorage.getItem(k), KEY);
const count = (page) => page.locator('#sp-cl-count').textContent();

async function exportCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
  return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
}
// Imports `text`. When the page has saved progress it asks (a modal dialog): the answer is
// `choice` ('combine', 'replace' or 'cancel'). Returns the message (status or alert).
async function importCsv(page, text, name = 'progress.csv', choice = 'replace') {
  // Clear the last messages first, so the wait below sees this import's answer, not the last.
  await page.evaluate(() => { for (const id of ['#sp-cl-message', '#sp-cl-alert']) document.querySelector(id).textContent = ''; });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-action=import]')]);
  await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  const dialog = page.locator('.sp-cl__dialog');
  const said = page.locator('#sp-cl-message, #sp-cl-alert').filter({ hasText: /./ }).first();
  await Promise.race([dialog.waitFor({ state: 'visible' }), said.waitFor()]);
  if (await dialog.isVisible()) {
    page.lastDialog = await dialog.innerText();
    await dialog.locator(`[data-choice="${choice === 'cancel' ? '' : choice}"]`).click();
  }
  await said.waitFor();
  return message(page);
}
// What the page last said, in either live region.
const message = (page) => page.evaluate(() => ['#sp-cl-message', '#sp-cl-alert'].map((id) => document.querySelector(id).textContent).join(''));
// Presses Tab until `selector` has focus: proves it is reachable by keyboard alone.
async function tabTo(page, selector) {
  for (let i = 0; i < 600; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}
// Minimal RFC 4180 reader for checking exports (the page has its own).
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r') continue;
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  return rows;
}

test('ticking an item survives a reload and updates counts, progress bar and group line', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    assert.equal(await count(page), '0 of 13 done');
    await box(page, 0).check();
    await box(page, 2).check();
    assert.equal(await count(page), '2 of 13 done');
    assert.equal(await page.locator('#sp-cl-bar').evaluate((b) => [b.value, b.max].join('/')), '2/13');
    assert.match(await page.locator('.sp-group').first().textContent(), /^1 of 2 done In progress/);
    await page.reload();
    assert.equal(await box(page, 0).isChecked(), true);
    assert.equal(await box(page, 1).isChecked(), false);
    assert.equal(await box(page, 2).isChecked(), true);
    assert.equal(await count(page), '2 of 13 done');
    assert.equal(await page.locator('#sp-cl-count').getAttribute('aria-live'), 'polite');
    await box(page, 0).uncheck();
    await page.reload();
    assert.equal(await count(page), '1 of 13 done');

    // The role's progress shows on the home page card and in the sidebar.
    await open(page, '/');
    const card = page.locator(`[data-role-url="${BASEURL}${CCG}"] .sp-role-progress`);
    assert.equal(await card.textContent(), '1 of 13 done');
    assert.equal(await card.isVisible(), true);
    assert.equal(await page.locator(`[data-role-url="${BASEURL}${ROLES[0]}"] .sp-role-progress`).isVisible(), false);
    await open(page, '/guide/kick-off');
    assert.equal(await page.locator(`.sp-sidebar [data-role-url="${BASEURL}${CCG}"] .sp-role-progress`).textContent(), '1 of 13 done');
  });
});

test('clicking the text of a linked item ticks it; clicking its link follows the link', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    const item = page.locator('.sp-check').filter({ has: page.locator('.sp-check__text a') }).first();
    const id = await item.getAttribute('id');
    // The link is outside any label, and the checkbox is named by the item text.
    assert.equal(await item.locator('label a').count(), 0);
    const name = await item.locator('.sp-check__box').evaluate((b) => document.getElementById(b.getAttribute('aria-labelledby')).textContent);
    assert.equal(name, await item.locator('.sp-check__text a').textContent());
    // A plain-text item's label is clickable as a whole.
    await page.locator('label.sp-check__text').first().click();
    assert.equal(await box(page, 0).isChecked(), true);
    // Clicking the linked item's text beside its link ticks it.
    const text = item.locator('.sp-check__text');
    const width = (await text.boundingBox()).width;
    assert.ok(width > (await text.locator('a').boundingBox()).width + 20, 'text is wider than its link');
    await text.click({ position: { x: width - 5, y: 5 } });
    assert.equal(await item.locator('.sp-check__box').isChecked(), true);
    await item.locator('.sp-check__text a').click();
    await page.waitForURL(/\/guide/);
    assert.notEqual(new URL(page.url()).pathname, `${BASEURL}${CCG}`, `link of ${id} followed`);
  });
});

test('owner, target date, status and notes persist; status Done ticks and back', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    const item = page.locator('.sp-check').nth(1);
    await item.locator('.sp-check__summary').click();
    await item.locator('[data-field=owner]').fill('Priya Shah');
    await item.locator('[data-field=date]').fill('2031-05-20');
    await item.locator('[data-field=status]').selectOption('Blocked');
    await item.locator('[data-field=notes]').fill('Waiting for the board, "maybe" June');
    await page.reload();
    assert.equal(await item.locator('[data-field=owner]').inputValue(), 'Priya Shah');
    assert.equal(await item.locator('[data-field=date]').inputValue(), '2031-05-20');
    assert.equal(await item.locator('[data-field=status]').inputValue(), 'Blocked');
    assert.equal(await item.locator('[data-field=notes]').inputValue(), 'Waiting for the board, "maybe" June');
    assert.match(await item.locator('.sp-check__meta').textContent(), /Owner: Priya Shah\. Target date: 20 May 2031\. Status: Blocked/);
    assert.match(await page.locator('.sp-group').first().textContent(), /0 of 2 done Blocked/);

    await item.locator('.sp-check__summary').click();
    await item.locator('[data-field=status]').selectOption('Done');
    assert.equal(await box(page, 1).isChecked(), true);
    await box(page, 1).uncheck();
    assert.equal(await item.locator('[data-field=status]').inputValue(), 'Not started');
    await box(page, 1).check();
    assert.equal(await item.locator('[data-field=status]').inputValue(), 'Done');
  });
});

test('the Go Live date gives each mapped phase a target date that open items inherit', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await page.fill('#sp-cl-golive', '2030-06-03');
    // Decision to migrate ends at week -14, Ordering the new system at week -10, Post Go Live at +2.
    const group = (id) => page.locator(`.sp-group[data-group="${id}"]`);
    assert.match(await group('the-decision-to-migrate-and-funding').textContent(), /Suggested target: 25 February 2030, the end of Decision to migrate and funding/);
    assert.match(await group('engage-the-gp-it-delivery-partner').textContent(), /Suggested target: 25 March 2030/);
    assert.match(await group('post-go-live').textContent(), /Suggested target: 17 June 2030/);
    const first = page.locator('.sp-check').first();
    assert.match(await first.locator('.sp-check__meta').textContent(), /^Suggested date: 25 February 2030 \(from the Go Live date\)$/);
    // An item's own date wins over the phase's.
    await first.locator('.sp-check__summary').click();
    await first.locator('[data-field=date]').fill('2030-01-15');
    // Both dates show, the reader's first, as in the CSV and on paper.
    assert.match(await first.locator('.sp-check__meta').textContent(), /^Target date: 15 January 2030\. Suggested date: 25 February 2030 \(from the Go Live date\)$/);
    // The next open items are listed by target date.
    assert.match(await page.locator('.sp-cl__next li').first().textContent(), /\(by 15 January 2030\)/);
    await page.reload();
    assert.equal(await page.inputValue('#sp-cl-golive'), '2030-06-03');

    // A Go Live date in the past makes open items overdue; done ones are not flagged.
    await page.fill('#sp-cl-golive', '2020-01-06');
    await box(page, 2).check();
    assert.equal(await page.locator('.sp-check').nth(1).locator('.sp-tag', { hasText: 'Overdue' }).count(), 1);
    assert.equal(await page.locator('.sp-check').nth(2).locator('.sp-tag', { hasText: 'Overdue' }).count(), 0);
    assert.match(await group('the-decision-to-migrate-and-funding').textContent(), /Overdue/);
  });
});

test('export gives the expected CSV, and importing it into a fresh profile restores the state', async () => {
  let csv;
  await withPage(async (page) => {
    await open(page, CCG);
    await page.fill('#sp-cl-golive', '2030-06-03');
    await box(page, 0).check();
    const item = page.locator('.sp-check').nth(3);
    await item.locator('.sp-check__summary').click();
    await item.locator('[data-field=owner]').fill('Sam "SJ" O\'Neil, CSU');
    await item.locator('[data-field=status]').selectOption('In progress');
    await item.locator('[data-field=notes]').fill('Line one\nLine two; café');
    await item.locator('[data-field=date]').fill('2030-04-01');
    csv = await exportCsv(page);
  });
  assert.equal(csv.name, 'clinical-comissioning-groups-checklist.csv');
  assert.ok(csv.text.startsWith('\ufeff'), 'starts with a UTF-8 byte order mark');
  assert.ok(csv.text.includes('\r\n'), 'CRLF line ends');
  const rows = parseCsv(csv.text.slice(1));
  assert.deepEqual(rows[0], ['Phase', 'Item', 'Done', 'Owner', 'Target date', 'Suggested date', 'Status', 'Notes', 'Link', 'ID',
    'Progress changed', 'Owner changed', 'Date changed', 'Notes changed']);
  assert.deepEqual(rows[1].slice(0, 12), ['Plan', 'Go Live date', '', '', '2030-06-03', '', '', '', '', 'go-live', '', '']);
  assert.match(rows[1][12], /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'when the Go Live date was set');
  assert.equal(rows.length, 2 + 13);
  assert.deepEqual(rows[2].slice(0, 3), ['The decision to migrate and funding', 'Has the practice completed the GPSoC business case justification template for the migration and provided evidence of the drivers, practice considerations and strategic fit?', 'Yes']);
  assert.equal(rows[2][6], 'Done');
  // The planner's date travels in its own column: the end of the phase, week -14.
  assert.equal(rows[2][5], '2030-02-25');
  assert.equal(rows[2][4], '', 'no date of the reader’s own');
  assert.match(rows[2][10], /^20\d\d-/, 'when it was ticked');
  assert.deepEqual(rows[2].slice(11), ['', '', ''], 'fields never changed have no time');
  const sam = rows[5];
  assert.deepEqual(sam.slice(2, 8), ['No', 'Sam "SJ" O\'Neil, CSU', '2030-04-01', '2030-03-25', 'In progress', 'Line one\nLine two; café']);
  assert.equal(sam[1], 'Agree a provisional Go Live date');
  assert.match(sam[8], /^http:\/\/127\.0\.0\.1:\d+\/prm-practice-migration\/guide#agree-a-provisional-go-live-date$/);
  assert.match(sam[9], /^item-[0-9a-f]{12}$/);
  for (const t of sam.slice(10)) assert.match(t, /^20\d\d-\d\d-\d\dT/, 'each changed field has its time');
  assert.ok(csv.text.includes('"Sam ""SJ"" O\'Neil, CSU"'), 'quotes doubled inside a quoted field');

  await withPage(async (page) => {
    await open(page, CCG);
    assert.equal(await count(page), '0 of 13 done');
    assert.match(await importCsv(page, csv.text), /Imported 13 items from progress\.csv/);
    assert.equal(await count(page), '1 of 13 done');
    await page.reload();
    assert.equal(await box(page, 0).isChecked(), true);
    assert.equal(await page.inputValue('#sp-cl-golive'), '2030-06-03');
    const item = page.locator('.sp-check').nth(3);
    assert.equal(await item.locator('[data-field=owner]').inputValue(), 'Sam "SJ" O\'Neil, CSU');
    assert.equal(await item.locator('[data-field=status]').inputValue(), 'In progress');
    assert.equal(await item.locator('[data-field=notes]').inputValue(), 'Line one\nLine two; café');
    assert.equal(await item.locator('[data-field=date]').inputValue(), '2030-04-01');
    // Exporting again gives the same rows (links aside, which carry the server's port).
    const again = parseCsv((await exportCsv(page)).text.slice(1)).map((r) => r.slice(0, 8).concat(r.slice(9)));
    assert.deepEqual(again, rows.map((r) => r.slice(0, 8).concat(r.slice(9))));
  });
});

test('export guards every cell a spreadsheet would run as a formula, and import gives the text back exactly', async () => {
  // OWASP's CSV-injection list: = + - @ first, also after a TAB or CR; a leading ' is the
  // guard itself, so a reader's own leading ' must survive the round trip too.
  const texts = ['\t=HYPERLINK("http://x.example","x")', '\r@SUM(1+1)', '=1+2', '+1', '-1', '@x', "'=already quoted", "''+two", '\t plain tab', ' spaced ', "it's fine"];
  let csv, ids;
  await withPage(async (page) => {
    await open(page, CCG);
    ids = await page.locator('.sp-check').evaluateAll((els) => els.map((e) => e.id));
    // Saved state, because no text field can hold a CR typed by a reader.
    await page.evaluate(([k, ids, texts]) => localStorage.setItem(k, JSON.stringify({
      v: 1, items: Object.fromEntries(texts.map((t, i) => [ids[i], { done: false, owner: t, date: '', status: 'Not started', notes: texts[texts.length - 1 - i] }])),
    })), [KEY, ids, texts]);
    await page.reload();
    // And one typed in the page.
    const item = page.locator('.sp-check').nth(texts.length);
    await item.locator('.sp-check__summary').click();
    await item.locator('[data-field=owner]').fill('\t-2+3');
    await item.locator('[data-field=notes]').fill("=cmd|' /C calc'!A0");
    csv = await exportCsv(page);
  });
  const rows = parseCsv(csv.text.slice(1));
  for (const row of rows) {
    for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)} is guarded`);
  }
  const owners = rows.slice(2, 2 + texts.length).map((r) => r[3]);
  assert.deepEqual(owners.slice(0, 8), ["'\t=HYPERLINK(\"http://x.example\",\"x\")", "'\r@SUM(1+1)", "'=1+2", "'+1", "'-1", "'@x", "''=already quoted", "'''+two"]);
  assert.deepEqual(owners.slice(8), ["'\t plain tab", ' spaced ', "it's fine"]);
  assert.ok(csv.text.includes('"\'\t=HYPERLINK(""http://x.example"",""x"")"'), 'a guarded cell is quoted, its quotes doubled');
  assert.ok(csv.text.includes(',"\'=1+2",'), 'every guarded cell is quoted');

  await withPage(async (page) => {
    await open(page, CCG);
    assert.match(await importCsv(page, csv.text), /Imported 13 items/);
    const stored = JSON.parse(await saved(page)).items;
    assert.deepEqual(texts.map((t, i) => stored[ids[i]].owner), texts);
    assert.deepEqual(texts.map((t, i) => stored[ids[i]].notes), texts.slice().reverse());
    assert.equal(stored[ids[texts.length]].owner, '\t-2+3');
    assert.equal(stored[ids[texts.length]].notes, "=cmd|' /C calc'!A0");
    await page.reload();
    assert.equal(await page.locator('.sp-check').nth(texts.length).locator('[data-field=notes]').inputValue(), "=cmd|' /C calc'!A0");
    // Exported again, the file is the same.
    const again = parseCsv((await exportCsv(page)).text.slice(1)).map((r) => r.slice(0, 8).concat(r.slice(9)));
    assert.deepEqual(again, rows.map((r) => r.slice(0, 8).concat(r.slice(9))));
  });
});

// Every Content-Security-Policy violation on the page, from its first byte (an init script is
// not subject to the page's policy), plus the console's CSP errors.
async function watchCsp(page) {
  const console = [];
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) console.push(m.text()); });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  return async () => (await page.evaluate(() => window.__cspViolations)).concat(console);
}

test('under the theme\'s Content-Security-Policy the checklist works and nothing the theme sends is blocked', async () => {
  await withPage(async (page) => {
    const violations = await watchCsp(page);
    await open(page, CCG);
    const policy = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
    // 'wasm-unsafe-eval' (search's WebAssembly) allows no eval of script text.
    assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);
    await box(page, 0).check();
    const item = page.locator('.sp-check').nth(1);
    await item.locator('.sp-check__summary').click();
    await item.locator('[data-field=owner]').fill('Priya Shah');
    await page.reload();
    assert.equal(await box(page, 0).isChecked(), true);
    assert.equal(await item.locator('[data-field=owner]').inputValue(), 'Priya Shah');
    assert.equal(await count(page), '1 of 13 done');
    await open(page, '/');
    assert.equal(await page.locator(`[data-role-url="${BASEURL}${CCG}"] .sp-role-progress`).textContent(), '1 of 13 done');
    await page.setViewportSize({ width: 320, height: 640 });
    await open(page, '/guide/kick-off');
    await page.click('.sp-header__toggle');
    assert.equal(await page.locator('.sp-header__toggle').getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await violations(), [], 'no CSP violations');

    // The policy is in force: an inline handler or script that reached the page does not run.
    const ran = await page.evaluate(async () => {
      window.ran = [];
      const div = document.createElement('div');
      div.innerHTML = '<img src="data:," onerror="window.ran.push(\'handler\')"><p style="color: red">x</p>' +
        '<table><tr><td id="aligned" style="text-align: right">1</td></tr></table>';
      document.body.appendChild(div);
      const s = document.createElement('script');
      s.textContent = 'window.ran.push("script")';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 200));
      return window.ran;
    });
    assert.deepEqual(ran, []);
    // Markdown's table alignments are allowed by their hashes, and only they.
    assert.equal(await page.locator('#aligned').evaluate((td) => getComputedStyle(td).textAlign), 'right');
    const blocked = await violations();
    assert.ok(blocked.some((v) => v.startsWith('script-src-attr')), blocked.join('; '));
    assert.ok(blocked.some((v) => v.startsWith('script-src-elem')), blocked.join('; '));
    assert.equal(blocked.filter((v) => v.startsWith('style-src-attr')).length, 1, blocked.join('; '));
  });
});

test('a malformed CSV is refused with its row and reason, and nothing saved is lost', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await box(page, 0).check();
    await page.fill('#sp-cl-golive', '2030-06-03');
    const good = (await exportCsv(page)).text;
    const before = await saved(page);
    const lines = good.split('\r\n');
    const cases = [
      [lines.slice(0, 4).concat(lines[4].replace(/,No,/, ',Maybe,')).join('\r\n'), /Row 5: Done is “Maybe”; use Yes or No/],
      [lines.slice(0, 3).concat(lines[3].replace(/,(Not started|Done),/, ',Finished,')).join('\r\n'), /Row 4: status “Finished” is not one of Not started, In progress, Done, Blocked/],
      [lines.slice(0, 3).concat(lines[3] + ',extra').join('\r\n'), /Row 4: it has 15 fields, the header has 14/],
      [lines.slice(0, 3).concat(lines[3].replace(/,item-[0-9a-f]{12},/, ',not-an-id,')).join('\r\n'), /Row 4: “not-an-id” is not a checklist item ID/],
      [lines.slice(0, 2).concat(lines[2].replace(/,Yes,,/, ',Yes,,"2030-13-45')).join('\r\n'), /never closed/],
      [lines.slice(0, 2).concat(lines[2].replace(/,Yes,,,/, ',Yes,,2030-02-30,')).join('\r\n'), /Row 3: “2030-02-30” is not a date/],
      ['Name,Done\r\nx,Yes\r\n', /Row 1: there is no “Phase” column/],
      [lines.slice(0, 2).concat(lines[2].replace(/,(20\d\d-\d\d-\d\dT[^,]*),/, ',last Tuesday,')).join('\r\n'), /Row 3: Progress changed “last Tuesday” is not a time/],
    ];
    for (const [text, reason] of cases) {
      const said = await importCsv(page, text, 'broken.csv');
      assert.match(said, /^Nothing was imported from broken\.csv\./);
      assert.match(said, reason);
      assert.equal(await page.locator('#sp-cl-alert').textContent(), said, 'a refusal is an alert');
      assert.equal(await saved(page), before, 'saved state unchanged');
    }
    assert.equal(await count(page), '1 of 13 done');
    await page.reload();
    assert.equal(await box(page, 0).isChecked(), true);
    assert.equal(await page.inputValue('#sp-cl-golive'), '2030-06-03');
  });
});

test('a five-digit year, tampered storage or full storage never break the page', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    const id = await page.locator('.sp-check').first().getAttribute('id');
    const tools = async () => page.locator('[data-action=export]').isVisible()
      && page.locator('[data-action=reset]').isVisible() && page.locator('#sp-cl-golive').isVisible();

    // A five-digit year typed into the Go Live date is not saved, and leaving the field
    // says so.
    await page.fill('#sp-cl-golive', '2030-06-03');
    await page.evaluate(() => {
      const f = document.querySelector('#sp-cl-golive');
      f.focus();
      f.value = '20245-01-01';
      f.dispatchEvent(new Event('change', { bubbles: true }));
      f.blur();
    });
    assert.match(await message(page), /“20245-01-01” is not a date this page can use, so it was not saved/);
    assert.equal(JSON.parse(await saved(page)).golive, '2030-06-03');
    await page.reload();
    assert.equal(await page.inputValue('#sp-cl-golive'), '2030-06-03');

    // State saved with such a year (by an older version), or tampered with, still loads:
    // the tools are there, bad values are dropped, ticking works.
    await page.evaluate(([k, id]) => localStorage.setItem(k, JSON.stringify({
      v: 1, golive: '20245-01-01', total: 'x', done: {},
      items: { [id]: 5, 'item-0123456789ab': { done: 'yes', owner: {}, date: '99999-01-01', status: 'Weird' }, __proto__: { done: true } },
    })), [KEY, id]);
    await page.reload();
    assert.ok(await tools(), 'export, reset and the Go Live field are shown');
    assert.equal(await page.inputValue('#sp-cl-golive'), '');
    assert.equal(await count(page), '0 of 13 done');
    await box(page, 0).check();
    assert.equal(await count(page), '1 of 13 done');
    assert.equal(JSON.parse(await saved(page)).items[id].done, true);
    await page.evaluate((k) => localStorage.setItem(k, '{"v":1,"items":[1,2]}'), KEY);
    await page.reload();
    assert.ok(await tools());

    // Storage full: an import says nothing was imported and changes nothing; a tick says it
    // was not saved.
    await page.evaluate((k) => localStorage.removeItem(k), KEY);
    await page.reload();
    await box(page, 0).check();
    const before = await saved(page);
    const csv = (await exportCsv(page)).text.replace(/,No,/g, ',Yes,');
    await page.evaluate(() => {
      // Fill this origin's storage to the last few bytes.
      let size = 8 * 1024 * 1024, n = 0;
      while (size >= 16) {
        try { localStorage.setItem('filler-' + n, 'x'.repeat(size)); n++; } catch (e) { size = Math.floor(size / 2); }
      }
    });
    const said = await importCsv(page, csv, 'full.csv');
    assert.match(said, /^Nothing was imported from full\.csv: it could not be saved/);
    assert.equal(await saved(page), before, 'saved state unchanged');
    assert.equal(await count(page), '1 of 13 done', 'the page shows what is saved');
    await box(page, 2).check();
    assert.match(await message(page), /was not saved: this browser’s storage for this site is full/);
  });
});

// Chromium's accessibility tree, as a screen reader gets it.
async function axTree(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  return { cdp, nodes };
}

test('messages are heard: live regions exist from the start and each action is announced', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    const { nodes } = await axTree(page);
    const roles = nodes.filter((n) => !n.ignored).map((n) => n.role && n.role.value);
    assert.ok(roles.includes('status') && roles.includes('alert'), `live regions in the tree before any message: ${roles.filter((r) => r === 'status' || r === 'alert')}`);
    const status = () => page.locator('#sp-cl-message').textContent();
    const alarm = () => page.locator('#sp-cl-alert').textContent();

    await box(page, 0).check();
    const { text } = await exportCsv(page);
    assert.match(await status(), /^Exported 13 items as /);
    assert.match(await importCsv(page, text.replace(/,No,/, ',Yes,')), /^Replaced your progress with 13 items from progress\.csv: 1 item ticked\.$/);
    assert.match(await status(), /^Replaced/);
    await importCsv(page, 'Name,Done\r\nx,Yes\r\n', 'broken.csv');
    assert.match(await alarm(), /^Nothing was imported from broken\.csv\./);
    assert.equal(await status(), '', 'one message at a time');
    await page.fill('#sp-cl-golive', '2030-06-03');
    assert.match(await status(), /^Go Live date set to 3 June 2030: \d+ suggested target dates? changed\.$/);
    assert.doesNotMatch(await status(), /: 0 suggested/);
  });
});

test('every checklist field is named with its item, uniquely', async () => {
  await withPage(async (page) => {
    await open(page, ROLES[1]);
    // Fields in closed details are out of the tree: open them all, as a reader would.
    await page.locator('details.sp-check__details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
    const { cdp } = await axTree(page);
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '.sp-check [data-field]' });
    const items = await page.locator('.sp-check [data-field]').evaluateAll((fields) => fields.map((f) => f.closest('.sp-check').querySelector('.sp-check__text').textContent.replace(/\s+/g, ' ').trim()));
    assert.equal(nodeIds.length, items.length);
    assert.ok(nodeIds.length >= 40, `${nodeIds.length} fields`);
    const names = [];
    for (const [i, nodeId] of nodeIds.entries()) {
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
      const name = (nodes[0].name && nodes[0].name.value) || '';
      assert.ok(name.replace(/\s+/g, ' ').includes(items[i]), `field ${i} is named “${name}”, not with its item “${items[i]}”`);
      names.push(name);
    }
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(repeated, [], 'no two fields share a name');
  });
});

test('importing over saved progress asks first, says what changes, and Cancel keeps everything', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await box(page, 0).check();
    const { text } = await exportCsv(page);
    await box(page, 1).check();
    const before = await saved(page);
    assert.equal(await importCsv(page, text, 'older.csv', 'cancel'), 'Import cancelled. Nothing was changed.');
    // The question names the file and says what each answer would do.
    assert.match(page.lastDialog, /Import older\.csv\?/);
    assert.match(page.lastDialog, /Combine with my progress\s+The newer change of each field is kept: nothing changed\./);
    assert.match(page.lastDialog, /Replace my progress\s+The file is taken as it is: 1 item unticked\./);
    assert.equal(await saved(page), before);
    assert.equal(await count(page), '2 of 13 done');
    // Escape is Cancel too. The last answer is cleared first, so the wait below sees this one's.
    await page.evaluate(() => { document.querySelector('#sp-cl-message').textContent = ''; });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-action=import]')]);
    await chooser.setFiles({ name: 'older.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await page.locator('.sp-cl__dialog').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-choice')), 'combine', 'focus moves into the dialog');
    await page.keyboard.press('Escape');
    await page.locator('#sp-cl-message', { hasText: 'cancelled' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-action')), 'import', 'focus returns to Import');
    assert.equal(await saved(page), before);
    assert.equal(await importCsv(page, text, 'older.csv', 'combine'), 'Combined 13 items from older.csv with your progress: nothing changed.');
    assert.equal(await count(page), '2 of 13 done');
    assert.equal(await importCsv(page, text, 'older.csv', 'replace'), 'Replaced your progress with 13 items from older.csv: 1 item unticked.');
    assert.equal(await count(page), '1 of 13 done');
  });
});

test('the skip link moves focus into main, and the warning callout says "Important" once', async () => {
  await withPage(async (page) => {
    await open(page, '/guide/cutover-and-go-live');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'sp-skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'maincontent');
    const labels = await page.locator('.sp-warning-callout__label').allTextContents();
    assert.ok(labels.length > 0);
    for (const label of labels) assert.doesNotMatch(label, /Important:\s*Important/);
  });
});

test('reset asks first, and clears only when confirmed', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await box(page, 0).check();
    page.once('dialog', (d) => d.dismiss());
    await page.click('[data-action=reset]');
    assert.equal(await box(page, 0).isChecked(), true);
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await page.click('[data-action=reset]');
    assert.match(asked, /Clear every tick/);
    assert.equal(await box(page, 0).isChecked(), false);
    assert.equal(await count(page), '0 of 13 done');
    assert.equal(await saved(page), null);
    await page.reload();
    assert.equal(await box(page, 0).isChecked(), false);
  });
});

test('saved items no longer on the page are ignored but kept for export', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    const id = await page.locator('.sp-check').first().getAttribute('id');
    await page.evaluate(([k, id]) => localStorage.setItem(k, JSON.stringify({
      v: 1, items: {
        [id]: { done: true, owner: 'Kim', date: '', status: 'Done', notes: '' },
        'item-0123456789ab': { done: true, owner: 'Lee', date: '2030-01-01', status: 'Done', notes: 'old', item: 'A question the page dropped', phase: 'Old phase' },
      },
    })), [KEY, id]);
    await page.reload();
    assert.equal(await count(page), '1 of 13 done');
    await box(page, 1).check();
    const rows = parseCsv((await exportCsv(page)).text.slice(1));
    assert.deepEqual(rows.at(-1), ['Old phase', 'A question the page dropped', 'Yes', 'Lee', '2030-01-01', '', 'Done', 'old', '', 'item-0123456789ab', '', '', '', '']);
    assert.ok(JSON.parse(await saved(page)).items['item-0123456789ab'], 'kept in storage');
  });
});

test('keyboard alone (Tab, Space, typing) ticks, edits, plans, exports and resets', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await tabTo(page, '#sp-cl-golive');
    await page.keyboard.type('06032030');
    assert.equal(await page.inputValue('#sp-cl-golive'), '2030-06-03');
    const first = await page.locator('.sp-check__box').first().getAttribute('id');
    await tabTo(page, `#${first}`);
    await page.keyboard.press('Space');
    assert.equal(await box(page, 0).isChecked(), true);
    assert.equal(await count(page), '1 of 13 done');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'sp-check__summary');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ada');
    await page.keyboard.press('Tab');
    await page.keyboard.type('01022030');
    const item = page.locator('.sp-check').first();
    // Chromium's date picker button takes a Tab stop of its own.
    await tabTo(page, `#${await item.getAttribute('id')}-status`);
    await page.keyboard.press('ArrowUp'); // Done (set by the tick) → In progress
    await page.keyboard.press('Tab');
    await page.keyboard.type('Asked on the phone');
    assert.equal(await item.locator('[data-field=owner]').inputValue(), 'Ada');
    assert.equal(await item.locator('[data-field=date]').inputValue(), '2030-01-02');
    assert.equal(await item.locator('[data-field=status]').inputValue(), 'In progress');
    assert.equal(await box(page, 0).isChecked(), false, 'status In progress unticks');
    assert.equal(await item.locator('[data-field=notes]').inputValue(), 'Asked on the phone');

    await tabTo(page, '[data-action=export]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Space')]);
    assert.match(fs.readFileSync(await download.path(), 'utf8'), /,Ada,2030-01-02,2030-02-25,In progress,Asked on the phone,/);

    await tabTo(page, '[data-action=reset]');
    page.once('dialog', (d) => d.accept());
    await page.keyboard.press('Space');
    assert.equal(await saved(page), null);
    assert.equal(await item.locator('[data-field=owner]').inputValue(), '');
  }, { locale: 'en-US' });
});

test('no request leaves the page and no cookie is set', async () => {
  await withPage(async (page, context) => {
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await open(page, CCG);
    await page.waitForLoadState('networkidle');
    for (const url of requests) assert.ok(url.startsWith(site.origin + '/'), `page load asked only its own site: ${url}`);
    requests.length = 0;
    await box(page, 0).check();
    await page.locator('.sp-check__summary').first().click();
    await page.locator('[data-field=owner]').first().fill('Ana');
    await page.fill('#sp-cl-golive', '2030-06-03');
    const { text } = await exportCsv(page);
    await importCsv(page, text);
    page.once('dialog', (d) => d.accept());
    await page.click('[data-action=reset]');
    await page.waitForTimeout(300);
    // Only the site's own file tools, loaded the first time one is used.
    assert.deepEqual(requests.filter((u) => !u.startsWith('blob:')), [`${site.origin}${BASEURL}/assets/checklist-files.js`], 'no other requests after load');
    assert.deepEqual(await context.cookies(), []);
  });
});

test('without JavaScript the page is a plain list that says what JavaScript adds', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    assert.equal(await page.locator('.sp-cl__nojs').isVisible(), true);
    assert.equal(await page.locator('.sp-check__box').first().isVisible(), false);
    assert.equal(await page.locator('.sp-cl__tools').isVisible(), false);
    assert.equal(await page.locator('.sp-check__details').first().isVisible(), false);
    assert.equal(await page.locator('.sp-check__text').first().isVisible(), true);
    assert.equal(await page.locator('.sp-check__subs li').first().textContent(), 'If so, is there sufficent mechanisims to pay for the new requirements?');
  }, { javaScriptEnabled: false });
});

test('phases with #### questions show one group per phase with its sub-groups, and progress per phase', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    // The summary: three phases; the second lists its two question headings under it.
    const phases = page.locator('.sp-cl__phases > li');
    assert.equal(await phases.count(), 3);
    assert.match(await page.locator('.sp-cl p').first().textContent(), /13 items in 3 phases/);
    const engage = phases.nth(1);
    assert.match(await engage.textContent(), /^Engage the GP IT delivery partner: 8 items/);
    assert.deepEqual(await engage.locator('.sp-cl__subgroups > li').allTextContents(), [
      'Do you have an agreed date for when the practice will Go Live on the new system?: 5 items',
      'Has the practice had a Technical survey?: 2 items',
    ]);
    assert.ok(await engage.locator('.sp-cl__subgroups a').first().isVisible());
    const line = (id) => page.locator(`.sp-group[data-group="${id}"] .sp-group__progress`);
    const ENGAGE = 'engage-the-gp-it-delivery-partner';
    const DATE = 'do-you-have-an-agreed-date-for-when-the-practice-will-go-live-on-the-new-system';
    assert.match(await line(ENGAGE).textContent(), /^0 of 8 done/);
    assert.match(await line(DATE).textContent(), /^0 of 5 done/);
    // Ticking a question's item moves its sub-group and its phase, nothing else.
    await page.locator(`.sp-check[data-subgroup="${DATE}"] .sp-check__box`).first().check();
    assert.match(await line(ENGAGE).textContent(), /^1 of 8 done/);
    assert.match(await line(DATE).textContent(), /^1 of 5 done/);
    assert.match(await line('the-decision-to-migrate-and-funding').textContent(), /^0 of 2 done/);
    // A question's items take their phase's suggested date from the Go Live date.
    await page.fill('#sp-cl-golive', '2027-05-10');
    await page.locator('#sp-cl-golive').blur();
    const meta = page.locator(`.sp-check[data-subgroup="${DATE}"] .sp-check__meta`).nth(1);
    assert.match(await meta.textContent(), /Suggested date: \d+ \w+ 2027 \(from the Go Live date\)/);
  });
});

test('progress saved before sub-groups existed still applies to every item', async () => {
  const recorded = JSON.parse(fs.readFileSync(new URL('../fixtures/checklist-saved-v1.json', import.meta.url), 'utf8'));
  assert.equal(recorded.storageKey, OLD_KEY);
  await withPage(async (page) => {
    await open(page, CCG);
    // Saved under the old key (baseurl + path): carried over once to the new key, then removed.
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [OLD_KEY, JSON.stringify(recorded.saved)]);
    await page.reload();
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), OLD_KEY), null, 'the old copy is removed');
    assert.equal(JSON.parse(await saved(page)).golive, recorded.saved.golive, 'carried over to the new key');
    const ticked = Object.entries(recorded.saved.items).filter(([, r]) => r.done).map(([id]) => id);
    assert.equal(ticked.length, 4);
    for (const id of ticked) assert.equal(await page.locator(`#${id}-box`).isChecked(), true, id);
    assert.match(await count(page), /^4 of 13 done/);
    assert.equal(await page.inputValue('#sp-cl-golive'), recorded.saved.golive);
    const noted = Object.entries(recorded.saved.items).find(([, r]) => r.owner)[0];
    assert.match(await page.locator(`#${noted}-meta`).textContent(), /Owner: Priya\. .*Notes: Asked the supplier on Monday/);
    // Phase lines count the saved ticks of their sub-groups too.
    assert.match(await page.locator('.sp-group[data-group="engage-the-gp-it-delivery-partner"] .sp-group__progress').textContent(), /^3 of 8 done/);
  });
});

test('print hides navigation and tools and keeps ticks, owners and dates', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await box(page, 0).check();
    await page.locator('.sp-check__summary').first().click();
    await page.locator('[data-field=owner]').first().fill('Mo');
    await page.fill('#sp-cl-golive', '2030-06-03');
    await page.locator('[data-field=date]').first().fill('2030-01-15');
    await page.emulateMedia({ media: 'print' });
    // The reader's date and the planner's, both, as the CSV has them.
    assert.ok(await page.locator('.sp-check__meta').first().isVisible());
    assert.match(await page.locator('.sp-check__meta').first().innerText(), /Target date: 15 January 2030\. Suggested date: 25 February 2030 \(from the Go Live date\)/);
    for (const hidden of ['.sp-header__nav', '.sp-sidebar', '.sp-cl__toolbar', '.sp-check__details']) {
      assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} hidden in print`);
    }
    assert.equal(await box(page, 0).isVisible(), true);
    assert.equal(await box(page, 0).evaluate((b) => getComputedStyle(b).printColorAdjust), 'exact');
    assert.match(await page.locator('.sp-check__meta').first().textContent(), /Owner: Mo/);
  });
});

for (const role of ROLES) {
  test(`axe-core finds no WCAG 2.2 A/AA or best-practice violations on ${role} with items ticked and details open`, async () => {
    await withPage(async (page) => {
      await open(page, role);
      await page.fill('#sp-cl-golive', '2020-01-06');
      for (const n of [0, 1, 4]) await box(page, n).check();
      for (const n of [0, 2]) {
        const item = page.locator('.sp-check').nth(n);
        await item.locator('.sp-check__summary').click();
        await item.locator('[data-field=owner]').fill('Jo');
      }
      // Through DevTools, not a <script> tag, which the page's Content-Security-Policy blocks.
      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      }));
      const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
      assert.deepEqual(found, []);
      assert.ok(result.passes.length > 10, 'axe ran its rules');
    });
  });
}
