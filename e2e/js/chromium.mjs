// Debian's chromium through playwright-core, as every browser script of
// the e2e suite drives it: a throw-away profile, headless, the page's
// console collected, and screenshots into plan.artifacts.
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const STEP_TIMEOUT = 20000;

/**
 * openBrowser launches chromium for plan ({chromium, artifacts}) and
 * returns its page, the result document (browserVersion, screenshots,
 * console) the script adds its steps to, shot(name) to keep a screenshot,
 * and close() to end the browser and delete the profile. contextOptions
 * are added to playwright's launch options (recordHar, for one: the HAR is
 * written when close() ends the context).
 */
export async function openBrowser(plan, contextOptions = {}) {
  mkdirSync(plan.artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'stricts3-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...contextOptions,
    executablePath: plan.chromium,
    headless: true,
    timeout: 60000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const result = { browserVersion: context.browser() ? context.browser().version() : '', screenshots: {}, console: [] };
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  let page;
  try {
    page = context.pages()[0] || await context.newPage();
  } catch (e) {
    await close();
    throw e;
  }
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT);
  page.on('console', (m) => result.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => result.console.push(`pageerror: ${e}`));
  const shot = async (name) => {
    const path = join(plan.artifacts, `${name}.png`);
    try {
      await page.screenshot({ path, fullPage: true, timeout: 10000 });
      result.screenshots[name] = path;
    } catch (e) {
      result.console.push(`screenshot ${name}: ${e}`);
    }
  };
  return { page, result, shot, close };
}
