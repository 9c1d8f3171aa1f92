// Shared set-up for the browser tests: a static server for a built site on 127.0.0.1 and
// Debian's headless Chromium driven by playwright-core. The site comes from SITE_DIR (built
// by tests/suite/browser.rs); BASEURL is its baseurl.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

export const SITE_DIR = process.env.SITE_DIR;
export const BASEURL = process.env.BASEURL ?? '/prm-practice-migration';
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = { '.ics': 'text/calendar', '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.png': 'image/png', '.ico': 'image/x-icon' };

// The guide built with baseurl "" (by tests/suite/browser.rs), for serving it at the root.
export const ROOT_SITE_DIR = process.env.ROOT_SITE_DIR;

// Serves SITE_DIR under BASEURL the way a static host does (`/a/b` → a/b.html or a/b/index.html).
// `mounts` ([prefix, folder] pairs, first match wins) serve other builds on the same origin,
// as when a guide moves to another address on one host.
export function serve(mounts = [[BASEURL, SITE_DIR]]) {
  const server = http.createServer((req, res) => {
    let url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = mounts.find(([base]) => url.startsWith(base + '/') || url === base);
    if (!mount) { res.writeHead(404).end(); return; }
    const [base, dir] = mount;
    const rel = url.slice(base.length).replace(/^\/+/, '');
    const candidates = [rel, rel + '.html', path.join(rel, 'index.html')];
    for (const c of candidates) {
      const file = path.join(dir, c);
      if (!file.startsWith(dir)) break;
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        res.end(fs.readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end('not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    resolve({ server, origin, url: (p) => origin + BASEURL + p, close: () => new Promise((r) => server.close(r)) });
  }));
}

// A fresh profile each time: nothing saved from an earlier test.
export async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1100, height: 900 },
    ...options,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); },
  };
}
