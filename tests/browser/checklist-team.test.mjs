// Checklists as a team's tool, in a real headless Chromium: the calendar file (read back by
// Python's `icalendar`), combining two readers' CSV files, suggested dates, what needs
// attention as the clock moves, the copied summary, and progress surviving a move of the
// guide to another address. Run by tests/suite/browser.rs, or by hand:
//   SITE_DIR=/tmp/site ROOT_SITE_DIR=/tmp/root-site node --test tests/browser/checklist-team.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { serve, launch, BASEURL, SITE_DIR, ROOT_SITE_DIR } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CCG = '/guide/role/clinical-comissioning-groups';
const KEY = `signpost-checklist:v2:gp-migration-guide:${CCG}`;
// Python with the `icalendar` package (PyPI): .ci/run installs it in tests/browser/.venv.
const VENV = new URL('./.venv/bin/python', import.meta.url).pathname;
const PYTHON = process.env.ICAL_PYTHON ?? (fs.existsSync(VENV) ? VENV : 'python3');

let site;
before(async () => { site = await serve([[BASEURL, SITE_DIR], ...(ROOT_SITE_DIR ? [['', ROOT_SITE_DIR]] : [])]); });
after(async () => { await site.close(); });

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
const open = (page, p) => page.goto(site.url(p));
const item = (page, n) => page.locator('.sp-check').nth(n);
const status = (page) => page.locator('#sp-cl-message').textContent();
async function setField(page, n, field, value) {
  const it = item(page, n);
  if (!(await it.locator('details').evaluate((d) => d.open))) await it.locator('.sp-check__summary').click();
  if (field === 'status') await it.locator('[data-field=status]').selectOption(value);
  else await it.locator(`[data-field=${field}]`).fill(value);
}
async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action=${action}]`)]);
  return { name: file.suggestedFilename(), text: fs.readFileSync(await file.path(), 'utf8') };
}
async function importCsv(page, text, name, choice) {
  await page.evaluate(() => { for (const id of ['#sp-cl-message', '#sp-cl-alert']) document.querySelector(id).textContent = ''; });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-action=import]')]);
  await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  const dialog = page.locator('.sp-cl__dialog');
  const said = page.locator('#sp-cl-message, #sp-cl-alert').filter({ hasText: /./ }).first();
  await Promise.race([dialog.waitFor({ state: 'visible' }), said.waitFor()]);
  let asked = '';
  if (await dialog.isVisible()) {
    asked = await dialog.innerText();
    await dialog.locator(`[data-choice="${choice}"]`).click();
  }
  await said.waitFor();
  return { said: await said.textContent(), asked };
}
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

// Reads a calendar file with Python's icalendar: its events as JSON, or why it cannot.
function readIcs(text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-ics-'));
  const file = path.join(dir, 'plan.ics');
  fs.writeFileSync(file, text);
  const script = `
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = {'version': str(cal['VERSION']), 'prodid': str(cal['PRODID']), 'events': []}
for ev in cal.walk('VEVENT'):
    out['events'].append({'uid': str(ev['UID']), 'summary': str(ev['SUMMARY']),
        'start': ev.decoded('DTSTART').isoformat(), 'end': ev.decoded('DTEND').isoformat(),
        'allday': ev['DTSTART'].params.get('VALUE') == 'DATE', 'description': str(ev['DESCRIPTION']),
        'url': str(ev.get('URL', '')), 'dtstamp': ev.decoded('DTSTAMP').isoformat()})
print(json.dumps(out))
`;
  try {
    return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
function icalendarMissing() {
  try { execFileSync(PYTHON, ['-c', 'import icalendar'], { stdio: 'ignore' }); return null; } catch { return `${PYTHON} has no icalendar package (pip install icalendar)`; }
}

test('Add to calendar writes an RFC 5545 file that icalendar reads, with Go Live, phases and items, and stable UIDs', async (t) => {
  const missing = icalendarMissing();
  if (missing) {
    if (process.env.SIGNPOST_REQUIRE_BROWSER === '1') assert.fail(missing);
    t.skip(`*** SKIPPED: ${missing} ***`);
    return;
  }
  let first, second, ids, longLine;
  await withPage(async (page) => {
    await open(page, CCG);
    // Nothing dated yet: the page says what to do, in the alert region.
    // The file actions' script loads on the first click, so the alert comes after it.
    await page.click('[data-action=calendar]');
    await page.locator('#sp-cl-alert', { hasText: 'Nothing to add' }).waitFor();
    assert.match(await page.locator('#sp-cl-alert').textContent(), /^Nothing to add to a calendar yet: set the Go Live date/);
    await page.fill('#sp-cl-golive', '2030-06-03');
    ids = await page.locator('.sp-check').evaluateAll((els) => els.map((e) => e.id));
    // Text that needs escaping (comma, semicolon, backslash, newline) and folding (long, UTF-8).
    longLine = 'Ring the CSU; ask for Zoë, Priya and Siân \\ then the supplier. ' + 'Confirm the dates with everyone — '.repeat(4);
    await setField(page, 3, 'owner', 'Zoë, CSU; IT');
    await setField(page, 3, 'notes', longLine + '\nSecond line');
    await setField(page, 3, 'date', '2030-04-01');
    await item(page, 0).locator('.sp-check__box').check();
    first = await download(page, 'calendar');
    assert.match(await status(page), /^Saved clinical-comissioning-groups-plan\.ics with the Go Live date, 3 phases and 13 items\./);
    // The Go Live date moves: every date moves with it, no UID changes.
    await page.fill('#sp-cl-golive', '2030-07-01');
    second = await download(page, 'calendar');
  });
  assert.equal(first.name, 'clinical-comissioning-groups-plan.ics');
  for (const line of first.text.split('\r\n')) {
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `line of ${Buffer.byteLength(line, 'utf8')} octets: ${line}`);
  }
  assert.ok(first.text.endsWith('END:VCALENDAR\r\n'), 'CRLF line ends');
  assert.doesNotMatch(first.text.replace(/\r\n/g, ''), /\n/, 'no bare line feeds');
  assert.match(first.text, /\r\n /, 'long lines are folded');

  const a = readIcs(first.text);
  const b = readIcs(second.text);
  assert.equal(a.version, '2.0');
  const byUid = Object.fromEntries(a.events.map((e) => [e.uid, e]));
  assert.equal(a.events.length, 1 + 3 + 13, 'Go Live, three phases, every item (own or suggested date)');
  assert.equal(Object.keys(byUid).length, a.events.length, 'UIDs are unique');
  for (const e of a.events) assert.equal(e.allday, true, `${e.summary} is an all-day event`);

  const golive = byUid['go-live.gp-migration-guide.guide.role.clinical-comissioning-groups@gp-migration-guide.signpost'];
  assert.ok(golive, `a Go Live event: ${Object.keys(byUid).join(' ')}`);
  assert.deepEqual([golive.start, golive.end], ['2030-06-03', '2030-06-04']);
  // Decision to migrate and funding: weeks -16 to -14 from Go Live; DTEND is the day after.
  const decision = byUid['phase-decision-to-migrate-and-funding.gp-migration-guide.guide.role.clinical-comissioning-groups@gp-migration-guide.signpost'];
  assert.ok(decision, 'the first phase as an event spanning its weeks');
  assert.deepEqual([decision.start, decision.end], ['2030-02-11', '2030-02-26']);
  assert.match(decision.summary, /^Decision to migrate and funding/);
  // Items: UID from the item id; the description has text, owner, status and a link back.
  const ticked = byUid[`${ids[0]}@gp-migration-guide.signpost`];
  assert.deepEqual([ticked.start, ticked.end], ['2030-02-25', '2030-02-26'], 'the suggested date: the end of its phase');
  assert.match(ticked.summary, /^Done: Has the practice completed the GPSoC business case/);
  assert.match(ticked.description, /Status: Done\nSuggested date, the end of The decision to migrate and funding: 25 February 2030/);
  const own = byUid[`${ids[3]}@gp-migration-guide.signpost`];
  assert.deepEqual([own.start, own.end], ['2030-04-01', '2030-04-02'], 'the reader’s own target date wins');
  assert.equal(own.summary, 'Agree a provisional Go Live date');
  assert.ok(own.description.startsWith('Agree a provisional Go Live date\nOwner: Zoë, CSU; IT\nStatus: Not started\nTarget date: 1 April 2030\nNotes: '
    + longLine + '\nSecond line\n'), `escaped text comes back exactly: ${own.description}`);
  assert.equal(own.url, `${site.origin}${BASEURL}${CCG}#${ids[3]}`);
  assert.ok(own.description.endsWith(own.url), 'the description links back to the item');

  // The second file: same UIDs, dates moved four weeks (the item's own date stays).
  assert.deepEqual(b.events.map((e) => e.uid).sort(), a.events.map((e) => e.uid).sort());
  const moved = Object.fromEntries(b.events.map((e) => [e.uid, e]));
  assert.equal(moved[golive.uid].start, '2030-07-01');
  assert.equal(moved[decision.uid].start, '2030-03-11');
  assert.equal(moved[ticked.uid].start, '2030-03-25');
  assert.equal(moved[own.uid].start, '2030-04-01');
});

test('combining two readers’ CSV files keeps both sides’ newer changes and says what changed', async () => {
  // Reader A and reader B work on the same role page in their own browsers.
  const a = await launch();
  const b = await launch();
  try {
    const pa = await a.context.newPage();
    const pb = await b.context.newPage();
    await open(pa, CCG);
    await open(pb, CCG);
    await pa.fill('#sp-cl-golive', '2030-06-03');
    await item(pa, 0).locator('.sp-check__box').check();
    await setField(pa, 3, 'owner', 'Ana');
    await setField(pa, 5, 'notes', 'A: asked the supplier');
    // B, later: ticks another item, takes over item 3, notes item 4, blocks item 6.
    await item(pb, 1).locator('.sp-check__box').check();
    await setField(pb, 3, 'owner', 'Ben');
    await setField(pb, 4, 'notes', 'B: booked the room');
    await setField(pb, 6, 'status', 'Blocked');
    const fromB = await download(pb, 'export');
    // A, later still: a note on item 5 again (newer than anything B did there: nothing).
    await setField(pa, 5, 'notes', 'A: supplier replied');

    const { said, asked } = await importCsv(pa, fromB.text, 'ben.csv', 'combine');
    assert.match(asked, /Combine with my progress\s+The newer change of each field is kept: 1 item ticked, 1 status changed, 1 owner set, 1 note changed, 1 conflict resolved by date \(the newer change kept\)\./);
    assert.match(asked, /Replace my progress\s+The file is taken as it is: 1 item ticked, 1 item unticked, 1 status changed, 1 owner set, 2 notes changed/);
    assert.equal(said, 'Combined 13 items from ben.csv with your progress: 1 item ticked, 1 status changed, 1 owner set, 1 note changed, 1 conflict resolved by date (the newer change kept).');
    const boxes = await pa.locator('.sp-check__box').evaluateAll((bs) => bs.map((x) => x.checked));
    assert.deepEqual(boxes.slice(0, 2), [true, true], 'ticks made on both sides are kept');
    assert.equal(await item(pa, 3).locator('[data-field=owner]').inputValue(), 'Ben', 'B’s owner is newer');
    assert.equal(await item(pa, 4).locator('[data-field=notes]').inputValue(), 'B: booked the room');
    assert.equal(await item(pa, 5).locator('[data-field=notes]').inputValue(), 'A: supplier replied', 'A’s own newer note stays');
    assert.equal(await item(pa, 6).locator('[data-field=status]').inputValue(), 'Blocked');
    assert.equal(await pa.inputValue('#sp-cl-golive'), '2030-06-03', 'B set no Go Live date: A’s stays');
    assert.equal(await pa.locator('#sp-cl-count').textContent(), '2 of 13 done');
    // Combining the same file again changes nothing.
    assert.equal((await importCsv(pa, fromB.text, 'ben.csv', 'combine')).said, 'Combined 13 items from ben.csv with your progress: nothing changed.');

    // An old file, without the time and suggested-date columns, still imports and combines:
    // its ticks are added, ticks here kept, blanks filled, nothing here overwritten.
    const rows = parseCsv(fromB.text.slice(1));
    const keep = [0, 1, 2, 3, 4, 6, 7, 8, 9];
    const old = rows.map((r) => r.filter((_, i) => keep.includes(i)));
    old[2][2] = 'Yes'; // item 0 ticked in the old file as well
    old[4][3] = 'Old owner'; // item 2's owner, blank here
    old[5][3] = 'Someone else'; // item 3's owner, set here: kept
    const oldCsv = '\ufeff' + old.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
    assert.ok(oldCsv.startsWith('\ufeffPhase,Item,Done,Owner,Target date,Status,Notes,Link,ID\r\n'));
    assert.equal((await importCsv(pa, oldCsv, 'old.csv', 'combine')).said, 'Combined 13 items from old.csv with your progress: 1 owner set.');
    assert.equal(await item(pa, 2).locator('[data-field=owner]').inputValue(), 'Old owner');
    assert.equal(await item(pa, 3).locator('[data-field=owner]').inputValue(), 'Ben');
    await pa.reload();
    assert.equal(await pa.locator('#sp-cl-count').textContent(), '2 of 13 done');
  } finally {
    await a.close();
    await b.close();
  }
});

test('the attention panel and the home page list what is overdue once the clock passes its date, soonest first', async () => {
  await withPage(async (page) => {
    await page.clock.install({ time: new Date('2030-01-10T09:00:00') });
    await open(page, CCG);
    const panel = page.locator('.sp-cl__attention');
    // No Go Live date: the panel says how to set one, and links to the field.
    assert.match(await panel.textContent(), /No Go Live date is set/);
    await panel.getByRole('link', { name: 'Set the Go Live date' }).click();
    assert.equal(await page.evaluate(() => location.hash), '#sp-cl-golive');
    await page.fill('#sp-cl-golive', '2030-06-03');
    await setField(page, 2, 'date', '2030-01-20');
    await setField(page, 4, 'date', '2030-01-15');
    await setField(page, 7, 'status', 'Blocked');
    assert.match(await panel.textContent(), /0 overdue, 1 blocked:/);
    assert.doesNotMatch(await panel.textContent(), /No Go Live date/);

    // A week later both dated items are overdue, the sooner first; the blocked one last.
    await page.clock.setFixedTime(new Date('2030-01-22T09:00:00'));
    await page.reload();
    assert.match(await panel.textContent(), /Needs attention\s*2 overdue, 1 blocked:/);
    const links = panel.locator('li a');
    const ids = await page.locator('.sp-check').evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(await links.evaluateAll((as) => as.map((x) => x.getAttribute('href'))), [`#${ids[4]}`, `#${ids[2]}`, `#${ids[7]}`]);
    assert.match(await panel.locator('li').first().textContent(), /Overdue \(target date 15 January 2030\)$/);
    await links.first().click();
    assert.equal(await page.evaluate(() => location.hash), `#${ids[4]}`);

    // The home page's card for this role says the same, linking to the items.
    await open(page, '/');
    const card = page.locator(`.sp-card[data-role-url="${BASEURL}${CCG}"]`);
    assert.equal(await card.locator('.sp-role-progress').textContent(), '0 of 13 done, 2 overdue, 1 blocked');
    assert.deepEqual(await card.locator('.sp-role-attention a').evaluateAll((as) => as.map((x) => x.getAttribute('href'))),
      [`${BASEURL}${CCG}#${ids[4]}`, `${BASEURL}${CCG}#${ids[2]}`, `${BASEURL}${CCG}#${ids[7]}`]);
    await card.locator('.sp-role-attention a').first().click();
    await page.waitForURL(`**${CCG}#${ids[4]}`);

    // Ticking one clears it from both.
    await item(page, 4).locator('.sp-check__box').check();
    assert.match(await panel.textContent(), /1 overdue, 1 blocked:/);
  });
});

test('Copy summary puts each role’s plain-text status on the clipboard, and says so', async () => {
  await withPage(async (page, context) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    await page.clock.install({ time: new Date('2030-01-22T09:00:00') });
    await open(page, CCG);
    await page.fill('#sp-cl-golive', '2030-06-03');
    await item(page, 0).locator('.sp-check__box').check();
    await setField(page, 5, 'status', 'Blocked');
    await setField(page, 6, 'date', '2030-01-15');
    await open(page, '/');
    await page.click('[data-action=summary]');
    await page.locator('#sp-cl-message', { hasText: 'Copied' }).waitFor();
    assert.equal(await status(page), 'Copied the status of 3 roles to the clipboard.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const lines = copied.trimEnd().split('\n');
    assert.equal(lines[0], 'GP Clinical System Migration Guide: checklist status on 22 January 2030');
    assert.match(copied, /\nPractice managers and staff: no progress saved in this browser\.\n/);
    // The first phase not yet over on 22 January 2030: weeks -16 to -14 from Go Live.
    assert.match(copied, /\nClinical Commissioning Groups: 1 of 13 done, 1 overdue, 1 blocked\. Go Live 3 June 2030\. Next phase: Decision to migrate and funding, 11 February 2030 to 25 February 2030\.\n/);
    // The same from a role page's toolbar.
    await open(page, CCG);
    await page.click('[data-action=summary]');
    await page.locator('#sp-cl-message', { hasText: 'Copied' }).waitFor();
    // (The sidebar names the roles more briefly than the home page's cards.)
    const fromRole = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(fromRole.split('\n').length, 5);
    assert.equal(fromRole.split('\n')[3], lines[3]);
  });
});

test('progress saved under baseurl /prm-practice-migration is still there when the guide is served under /', async (t) => {
  if (!ROOT_SITE_DIR) {
    if (process.env.SIGNPOST_REQUIRE_BROWSER === '1') assert.fail('ROOT_SITE_DIR not set');
    t.skip('*** SKIPPED: ROOT_SITE_DIR (the guide built with baseurl "") not set ***');
    return;
  }
  const recorded = JSON.parse(fs.readFileSync(new URL('../fixtures/checklist-saved-v1.json', import.meta.url), 'utf8'));
  await withPage(async (page) => {
    await open(page, '/guide/role/practice-staff');
    await item(page, 1).locator('.sp-check__box').check();
    await setField(page, 2, 'owner', 'Kit');
    // And progress an older signpost saved for another page, under the old key.
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [recorded.storageKey, JSON.stringify(recorded.saved)]);

    // The same origin, the guide now at its root.
    await page.goto(`${site.origin}/guide/role/practice-staff`);
    assert.equal(await page.evaluate(() => document.querySelector('link[rel=stylesheet]').getAttribute('href')), '/assets/signpost.css', 'served from the root build');
    assert.equal(await item(page, 1).locator('.sp-check__box').isChecked(), true);
    assert.equal(await item(page, 2).locator('[data-field=owner]').inputValue(), 'Kit');
    await page.goto(`${site.origin}${CCG}`);
    assert.equal(await page.locator('#sp-cl-count').textContent(), '4 of 13 done', 'old-key progress carried over');
    assert.equal(await page.inputValue('#sp-cl-golive'), recorded.saved.golive);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), recorded.storageKey), null, 'the old copy is removed');
    assert.ok(await page.evaluate((k) => localStorage.getItem(k), KEY), 'kept under the site and path');
    await page.goto(`${site.origin}/`);
    assert.equal(await page.locator(`[data-role-url="${CCG}"] .sp-role-progress`).first().textContent(), '4 of 13 done');
  });
});

test('the new controls pass axe-core, with the attention panel filled and the import question open', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await page.fill('#sp-cl-golive', '2020-01-06');
    await setField(page, 3, 'status', 'Blocked');
    const { text } = await download(page, 'export');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-action=import]')]);
    await chooser.setFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await page.locator('.sp-cl__dialog').waitFor({ state: 'visible' });
    await page.evaluate(AXE_SOURCE);
    const run = () => page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }));
    const found = (r) => r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
    assert.deepEqual(found(await run()), []);
    await page.keyboard.press('Escape');
    assert.ok((await page.locator('.sp-cl__attention li').count()) > 5, 'the panel lists overdue items');
    assert.deepEqual(found(await run()), []);
    await open(page, '/');
    await page.evaluate(AXE_SOURCE);
    assert.ok(await page.locator('.sp-role-attention li').count() > 0);
    assert.deepEqual(found(await run()), []);
  });
});

test('when the file tools cannot be fetched, the page says so in the alert region, and a retry works', async () => {
  await withPage(async (page) => {
    await open(page, CCG);
    await page.route('**/assets/checklist-files.js', (route) => route.abort());
    await page.click('[data-action=export]');
    await page.locator('#sp-cl-alert', { hasText: 'could not be loaded' }).waitFor();
    assert.equal(await page.locator('#sp-cl-alert').textContent(), 'The export and import tools could not be loaded. Check the connection and try again.');
    await page.unroute('**/assets/checklist-files.js');
    const { name } = await download(page, 'export');
    assert.equal(name, 'clinical-comissioning-groups-checklist.csv');
    assert.match(await status(page), /^Exported 13 items/);
  });
});
