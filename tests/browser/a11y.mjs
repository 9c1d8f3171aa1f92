// Accessibility checks shared by the browser tests: the keyboard focus walk (axe cannot see
// focus) and axe-core's WCAG 2.2 A/AA and best-practice rules.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's violations on the page as it is now, one line each.
export async function axeViolations(page) {
  // Through DevTools, not a <script> tag, which the page's Content-Security-Policy blocks.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return {
    passes: result.passes.length,
    violations: result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`),
  };
}

// WCAG relative luminance and contrast ratio of two sRGB colours.
function luminance([r, g, b]) {
  const c = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

// How the focused picture differs from the unfocused one: pixels that changed at all, and
// pixels whose colour changed with at least 3:1 contrast.
function focusChange(focusedPng, unfocusedPng) {
  const a = PNG.sync.read(focusedPng);
  const b = PNG.sync.read(unfocusedPng);
  let changed = 0;
  let strong = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const p = [a.data[i], a.data[i + 1], a.data[i + 2]];
    const q = [b.data[i], b.data[i + 1], b.data[i + 2]];
    if (p.every((v, k) => Math.abs(v - q[k]) < 8)) continue;
    changed++;
    if (contrast(p, q) >= 3) strong++;
  }
  return { changed, strong };
}

// Tabs through the page from the top. For each element that takes focus, screenshots the
// area around it (indicators may sit outside the box) focused and then blurred, and returns
// the elements whose focus is not visible: under 1% of their box's pixels change with 3:1
// contrast.
export async function focusWalk(page, where) {
  await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement?.blur(); });
  const failures = [];
  let walked = 0;
  const viewport = page.viewportSize();
  for (let i = 0; i < 3000; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      // A date field takes several Tabs (day, month, year); the walk ends back at the start.
      if (e.dataset.focusWalk) return { again: true, first: e.dataset.focusWalk === '1' };
      window.focusWalked = (window.focusWalked || 0) + 1;
      e.dataset.focusWalk = String(window.focusWalked);
      // Tab scrolls just far enough to show the box; the indicator may lie outside it.
      e.scrollIntoView({ block: 'center', inline: 'nearest' });
      const r = e.getBoundingClientRect();
      const name = `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''} "${(e.getAttribute('aria-label') || e.textContent || e.id || '').trim().slice(0, 40)}"`;
      return { name, x: r.x, y: r.y, width: r.width, height: r.height };
    });
    if (!el || el.first) break;
    if (el.again) continue;
    walked++;
    const pad = 10;
    const x = Math.max(0, Math.floor(el.x - pad));
    const y = Math.max(0, Math.floor(el.y - pad));
    const clip = {
      x, y,
      width: Math.min(viewport.width, Math.ceil(el.x + el.width + pad)) - x,
      height: Math.min(viewport.height, Math.ceil(el.y + el.height + pad)) - y,
    };
    if (clip.width <= 0 || clip.height <= 0) { failures.push(`${where}: ${el.name} is focused off screen`); continue; }
    const focused = await page.screenshot({ clip, animations: 'disabled', caret: 'hide' });
    // Blurring leaves Chromium's sequential focus starting point on the element, so the
    // next Tab goes on from here.
    await page.evaluate(() => document.activeElement.blur());
    const unfocused = await page.screenshot({ clip, animations: 'disabled', caret: 'hide' });
    const { changed, strong } = focusChange(focused, unfocused);
    const area = Math.max(1, Math.min(el.width * el.height, clip.width * clip.height));
    if (strong < area * 0.01) {
      failures.push(`${where}: ${el.name} at ${Math.round(el.x)},${Math.round(el.y)}: ${changed} pixels change on focus, ${strong} with 3:1 contrast, of a ${Math.round(el.width)}x${Math.round(el.height)} box`);
    }
  }
  return { failures, walked };
}
