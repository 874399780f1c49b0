// Headless Chromium making the everyday pre-signed URL mistake while
// playwright records a HAR, as a user's devtools "Save all as HAR" would:
// a page fetch()es a PUT whose body is a string, so the browser labels it
// text/plain;charset=UTF-8 whatever Content-Type the URL was signed with,
// then GETs an object through a valid pre-signed URL.
//
// The Go test (har_test.go) serves the page on one origin and the emulator
// on another, and passes a plan as a JSON file named by E2E_PLAN_FILE:
//   chromium    path of the chromium executable
//   artifacts   directory for screenshots
//   page        URL of the page to run fetch() from
//   put         {url, body} pre-signed PUT and the string it sends
//   get         {url} pre-signed GET
//   har         path the HAR is written to
// It prints one JSON document: the status each fetch saw.
import { readFileSync } from 'node:fs';
import { withTimeout, output, fail } from './lib.mjs';
import { openBrowser } from './chromium.mjs';

const plan = JSON.parse(readFileSync(process.env.E2E_PLAN_FILE, 'utf8'));

async function main() {
  // 'embed' keeps request bodies in the HAR (devtools' export has them
  // too); 'omit' would drop the PUT's body along with the responses'.
  const { page, result, shot, close } = await openBrowser(plan, { recordHar: { path: plan.har, content: 'embed' } });
  try {
    await page.goto(plan.page);
    Object.assign(result, await page.evaluate(async ({ put, get }) => {
      const call = async (url, init) => {
        try {
          const res = await fetch(url, init);
          return { status: res.status, bodyText: await res.text() };
        } catch (e) {
          return { fetchError: String(e) };
        }
      };
      return { put: await call(put.url, { method: 'PUT', body: put.body }), get: await call(get.url) };
    }, { put: plan.put, get: plan.get }));
    await shot('har');
  } finally {
    await close();
  }
  output(result);
}

withTimeout(main(), 150000, 'har.mjs').catch(fail);
