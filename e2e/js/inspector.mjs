// Headless Chromium (Debian's, via playwright-core) on strictS3's request
// inspector page: it loads the page, then a bad request is made (from
// Node, as any client would), and the page must show it within a few
// polls with its S3 code and cause ids; opening it must show the
// canonical request and string to sign; the "rejected only" filter must
// keep rejected rows only.
//
// The Go test (inspector_browser_test.go) passes a plan in the JSON file
// named by E2E_PLAN_FILE:
//   chromium    path of the chromium executable
//   artifacts   directory for screenshots
//   page        URL of the inspector page (<endpoint>/_stricts3/)
//   badUrl      a URL that strictS3 refuses (an expired pre-signed GET)
// It prints one JSON document: what the browser saw.
import { readFileSync } from 'node:fs';
import { withTimeout, output, fail } from './lib.mjs';
import { openBrowser } from './chromium.mjs';

const plan = JSON.parse(readFileSync(process.env.E2E_PLAN_FILE, 'utf8'));

async function main() {
  const { page, result, shot, close } = await openBrowser(plan);
  try {
    await page.goto(plan.page);
    await page.waitForFunction(() => /keeping the last/.test(document.getElementById('status').textContent));
    result.rowsBefore = await page.locator('#requests tbody tr').count();

    // The bad request, made after the page is up: it must arrive live.
    const bad = await fetch(plan.badUrl);
    result.badStatus = bad.status;
    result.requestId = bad.headers.get('x-amz-request-id');
    await bad.arrayBuffer();

    const row = page.locator(`#requests tbody tr[data-id="${result.requestId}"]`);
    await row.waitFor();
    result.row = {
      className: await row.getAttribute('class'),
      cells: await row.locator('td').allTextContents(),
    };
    await row.click();
    await page.waitForFunction((id) => document.getElementById('detail-title').textContent !== ''
      && !document.getElementById('detail').hidden
      && document.getElementById('detail-fields').textContent.includes(id), result.requestId);
    result.detail = {
      title: await page.locator('#detail-title').textContent(),
      fields: await page.locator('#detail-fields').textContent(),
      diagnosis: await page.locator('#detail-diagnosis').textContent(),
      causes: await page.locator('#detail-causes li').evaluateAll((lis) => lis.map((li) => li.dataset.cause)),
      canonicalRequest: await page.locator('#detail-canonical').textContent(),
      stringToSign: await page.locator('#detail-sts').textContent(),
    };
    await shot('detail');

    await page.locator('#rejected-only').check();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#requests tbody tr')];
      return rows.length > 0 && rows.every((r) => r.classList.contains('rejected') || r.classList.contains('warned'));
    });
    result.rejectedOnlyRows = await page.locator('#requests tbody tr').count();
    await shot('rejected-only');
  } catch (e) {
    await shot('failure');
    result.error = String((e && e.stack) || e);
  } finally {
    await close();
  }
  output(result);
}

withTimeout(main(), 150000, 'inspector.mjs').catch(fail);
