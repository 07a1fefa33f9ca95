import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where the console's screenshots go; the README links them. */
export const SCREENSHOT_DIR = resolve(__dirname, '../../docs/console');

/**
 * Debian's Chromium, headless, driven by playwright-core (no browser download). The flags keep it
 * from calling Google's hosts, which this machine's closed network refuses (see .ci/run).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * Signs in through the hub's console with the test provider's development form (any user name;
 * the grants come from the provider's settings), consenting when asked; resolves on the page the
 * hub returns to.
 */
export async function signIn(context: BrowserContext, hubUrl: string, user: string, path = '/console'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${hubUrl}${path}`);
  await page.waitForSelector('input[name="login"]');
  await page.fill('input[name="login"]', user);
  await page.fill('input[name="password"]', 'any');
  await page.click('button[type="submit"]');
  // The provider asks for consent the first time a user meets a client.
  for (let i = 0; i < 3 && !page.url().startsWith(hubUrl); i++) {
    await page.waitForLoadState('load');
    if (page.url().startsWith(hubUrl)) break;
    const consent = await page.$('button[type="submit"]');
    if (consent) await Promise.all([page.waitForNavigation(), consent.click()]);
  }
  await page.waitForURL((u) => u.href.startsWith(hubUrl));
  return page;
}

/** A full-page screenshot into docs/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
