import { chromium } from 'playwright-core';
import { serveDirectory } from './playground/serve.mjs';
const { server, url } = await serveDirectory('playground/dist');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text())); page.on('requestfailed', r => console.log('failed', r.url())); page.on('response', r => r.status() >= 400 && console.log('status', r.status(), r.url()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
await page.waitForSelector('#findings[data-state="idle"]', { timeout: 60000 });
console.log(await page.textContent('#status'), await page.getAttribute('#findings', 'data-first-findings-ms'));
console.log((await page.$$eval('.finding', (els) => els.map((e) => e.dataset.rule + ' ' + e.dataset.line + ':' + e.dataset.column))).join('\n'));
for (const i of [4]) {
  await page.selectOption('#example', String(i));
  await page.waitForFunction(() => document.querySelector('#findings').dataset.state === 'idle', null, { timeout: 60000 });
  await page.waitForTimeout(500);
  await page.waitForFunction(() => document.querySelector('#findings').dataset.state === 'idle', null, { timeout: 60000 });
  console.log(i, await page.textContent('#status'));
  console.log((await page.$$eval('.finding', (els) => els.map((e) => e.textContent))).join(' | '));
}
await page.screenshot({ path: '/tmp/pg.png' });
await browser.close();
server.close();
