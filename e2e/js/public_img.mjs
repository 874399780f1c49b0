// Headless Chromium loading objects the way a public web page does, with
// no credentials at all: an <img> of an object a public-read bucket policy
// serves, an <img> of an object the policy keeps private, and a cross-origin
// fetch() of the public object (CORS on an anonymous request).
//
// The plan (JSON file named by E2E_PLAN_FILE):
//   chromium   path of the chromium executable
//   page       URL of a page holding <img id="public"> and <img id="private">
// It prints one JSON document: for each image whether it loaded and its
// natural size, and what the fetch of the public image saw.
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { withTimeout, output, fail } from './lib.mjs';

const plan = JSON.parse(readFileSync(process.env.E2E_PLAN_FILE, 'utf8'));

async function main() {
  const profile = mkdtempSync(join(tmpdir(), 'stricts3-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: plan.chromium,
    headless: true,
    timeout: 60000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(20000);
    await page.goto(plan.page, { waitUntil: 'load' });
    const result = await page.evaluate(async () => {
      const img = (id) => {
        const el = document.getElementById(id);
        return { complete: el.complete, width: el.naturalWidth, height: el.naturalHeight };
      };
      const out = { public: img('public'), private: img('private') };
      try {
        // no-store: the <img> response, fetched without Origin, carries no
        // CORS headers and (as on S3) no Vary: Origin, so a cached copy
        // would fail the CORS check — the well-known S3 caching trap, not
        // what this step tests.
        const res = await fetch(document.getElementById('public').src, { cache: 'no-store' });
        out.fetch = { status: res.status, length: (await res.arrayBuffer()).byteLength };
      } catch (e) {
        out.fetch = { fetchError: String(e) };
      }
      return out;
    });
    output(result);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

withTimeout(main(), 90000, 'public_img.mjs').catch(fail);
