// Headless Chromium (Debian's, via playwright-core; no browser download)
// doing what a web page does with strictS3: submit an HTML POST form with a
// real file, PUT to a pre-signed URL with fetch() across origins (CORS), and
// read S3's error XML when a POST exceeds content-length-range.
//
// The Go test (browser_test.go) serves the pages on one origin and the
// emulator on another, and passes a plan as a JSON file named by
// E2E_PLAN_FILE (it holds file contents, too big for the environment):
//   chromium       path of the chromium executable
//   artifacts      directory for screenshots (one per step, kept on failure)
//   formPage       URL of the page holding the presign Form.HTML() form
//   formFile       {name, mimeType, base64} set on the form's file input
//   fetchPage      URL of a page on the page origin to run fetch() from
//   put            {url, base64, contentType} pre-signed PUT
//   get            {url} pre-signed GET of the same object
//   tooLarge       {url, fields, size} POST form with a small size limit
//   blockedPage    URL of a page on an origin the bucket's CORS rules do not
//                  allow, which fetches get.url again
// It prints one JSON document: what the browser saw in each step.
import { readFileSync } from 'node:fs';
import { sha256Hex, withTimeout, output, fail } from './lib.mjs';
import { openBrowser } from './chromium.mjs';

const plan = JSON.parse(readFileSync(process.env.E2E_PLAN_FILE, 'utf8'));

async function main() {
  const { page, result, shot, close } = await openBrowser(plan);
  try {
    const stepRun = async (name, fn) => {
      try {
        result[name] = await fn();
      } catch (e) {
        result[name] = { error: String((e && e.stack) || e) };
      }
      await shot(name);
    };

    await stepRun('form', async () => {
      await page.goto(plan.formPage);
      const input = page.locator('form input[type=file]');
      await input.setInputFiles({
        name: plan.formFile.name,
        mimeType: plan.formFile.mimeType,
        buffer: Buffer.from(plan.formFile.base64, 'base64'),
      });
      const [response] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.evaluate(() => document.querySelector('form').requestSubmit()),
      ]);
      return {
        finalUrl: page.url(),
        status: response ? response.status() : 0,
        bodyText: (await page.content()).slice(0, 8192),
      };
    });

    await stepRun('put', async () => {
      await page.goto(plan.fetchPage);
      return await page.evaluate(async ({ url, base64, contentType }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        try {
          const res = await fetch(url, { method: 'PUT', body: bytes, headers: { 'Content-Type': contentType } });
          return { status: res.status, etag: res.headers.get('ETag'), bodyText: await res.text(), origin: location.origin };
        } catch (e) {
          return { fetchError: String(e), origin: location.origin };
        }
      }, plan.put);
    });

    await stepRun('get', async () => {
      await page.goto(plan.fetchPage);
      const r = await page.evaluate(async ({ url }) => {
        try {
          const res = await fetch(url);
          const buf = new Uint8Array(await res.arrayBuffer());
          let bin = '';
          for (const b of buf) bin += String.fromCharCode(b);
          return { status: res.status, base64: btoa(bin) };
        } catch (e) {
          return { fetchError: String(e) };
        }
      }, plan.get);
      if (r.base64 !== undefined) {
        const body = Buffer.from(r.base64, 'base64');
        delete r.base64;
        r.bodySha256 = sha256Hex(body);
        r.bodyLength = body.length;
      }
      return r;
    });

    await stepRun('tooLarge', async () => {
      await page.goto(plan.fetchPage);
      return await page.evaluate(async ({ url, fields, size }) => {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        form.append('file', new Blob([new Uint8Array(size).fill(120)], { type: 'application/octet-stream' }), 'big.bin');
        try {
          const res = await fetch(url, { method: 'POST', body: form });
          return {
            status: res.status,
            contentType: res.headers.get('Content-Type'),
            bodyText: await res.text(),
          };
        } catch (e) {
          return { fetchError: String(e) };
        }
      }, plan.tooLarge);
    });

    await stepRun('blocked', async () => {
      await page.goto(plan.blockedPage);
      return await page.evaluate(async ({ url }) => {
        try {
          const res = await fetch(url);
          return { status: res.status, origin: location.origin };
        } catch (e) {
          return { fetchError: String(e), origin: location.origin };
        }
      }, plan.get);
    });
  } finally {
    await close();
  }
  output(result);
}

withTimeout(main(), 150000, 'browser.mjs').catch(fail);
