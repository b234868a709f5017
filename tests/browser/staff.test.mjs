// Staff console at 1280×800: find a candidate's session from part of their email, open its timeline
// and its Temporal link; edit a bank question and watch its embedding sync settle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, startInterview, REASONABLE_ANSWERS, finishInterview } from './helpers.mjs';

const ADMIN = { email: process.env.TALENTSYNC_ADMIN_EMAIL, password: process.env.TALENTSYNC_ADMIN_PASSWORD };
const DESKTOP = { width: 1280, height: 800 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function signInAdmin(page) {
  assert.ok(ADMIN.email && ADMIN.password, 'TALENTSYNC_ADMIN_EMAIL/PASSWORD are set by test_browser.py');
  await page.goto('/signin');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Staff', exact: true }).waitFor({ timeout: 30_000 });
}

test('staff find a session by part of the email and open its timeline and Temporal link', { timeout: 300_000 }, async () => {
  // A candidate with a finished one-question interview.
  const cand = await newPage(browser, DESKTOP);
  const user = freshUser('staffcase');
  await signUp(cand, user);
  await startInterview(cand, 1);
  const sessionId = cand.url().split('/sessions/')[1];
  await cand.getByTestId('answer-input').fill(REASONABLE_ANSWERS[0]);
  await cand.getByTestId('answer-input').press('Control+Enter');
  await finishInterview(cand);
  await cand.waitForURL(/\/report$/, { timeout: 90_000 });
  await cand.close();

  const page = await newPage(browser, DESKTOP);
  await signInAdmin(page);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await page.getByTestId('staff-email').waitFor();
  // Let the unfiltered list (newest sessions) finish first, so what follows is the search's answer.
  await page.getByTestId('staff-total').waitFor({ timeout: 30_000 });
  // Part of the address, typed in capitals: the search ignores case.
  const part = user.email.split('@')[0].slice(4).toUpperCase();
  const started = Date.now();
  await page.getByTestId('staff-email').fill(part);
  const searched = page.waitForResponse((r) => r.url().includes('/api/admin/sessions?') && r.url().includes('email='));
  await page.getByRole('button', { name: 'Search' }).click();
  await searched;
  await page.getByTestId('staff-total').filter({ hasText: /^\s*1 session · showing 1–1/ }).waitFor({ timeout: 10_000 });
  const link = page.getByTestId('staff-session-link').filter({ hasText: user.email });
  await link.first().waitFor({ timeout: 10_000 });
  const foundMs = Date.now() - started;
  console.log(`staff search: session found ${foundMs} ms after pressing Search`);
  assert.ok(foundMs < 10_000, `found in ${foundMs} ms`);
  assert.match(page.url(), /email=/, 'the search is in the URL, so it can be shared');
  await shot(page, 'staff-01-search');

  await link.first().click();
  await page.waitForURL(new RegExp(`/admin/sessions/${sessionId}$`));
  const timeline = page.getByTestId('staff-timeline');
  await timeline.waitFor({ timeout: 30_000 });
  const text = await timeline.innerText();
  assert.match(text, /Session started/);
  assert.match(text, /Answer to Q1 recorded/);
  // Back returns to the search with its filters.
  await page.getByRole('button', { name: '← Back to the search' }).click();
  await page.waitForURL(/\/admin\/sessions\?email=/);
  await link.first().click();
  await timeline.waitFor({ timeout: 30_000 });
  const temporal = await page.getByTestId('temporal-link').getAttribute('href');
  assert.ok(temporal?.endsWith(`/namespaces/default/workflows/session-${sessionId}`), temporal ?? '');
  assert.equal(await page.getByTestId('temporal-link').getAttribute('target'), '_blank');
  await shot(page, 'staff-02-timeline');
  // Refresh follows the session to its report: the score and the report appear in the timeline.
  for (let i = 0; i < 60 && !/Feedback report written/.test(await timeline.innerText()); i += 1) {
    await page.waitForTimeout(1000);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'Refresh' }).and(page.locator(':enabled')).waitFor();
  }
  const done = await timeline.innerText();
  assert.match(done, /Q1 scored \d+\/100/);
  assert.match(done, /Feedback report written/);
  assert.match(done, /Status now: completed/);
  await shot(page, 'staff-02b-timeline-completed');
});

test('staff edit a bank question and its embedding sync settles', { timeout: 240_000 }, async () => {
  const page = await newPage(browser, DESKTOP);
  await signInAdmin(page);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await page.getByRole('link', { name: 'Question bank' }).click();
  const first = page.getByTestId('bank-questions').locator('button').first();
  await first.waitFor({ timeout: 30_000 });
  await first.click();
  await page.getByTestId('edit-question').click();
  const editor = page.getByTestId('question-editor');
  await editor.waitFor();
  assert.ok((await editor.getByTestId('listening-point').count()) > 0, 'listening points are editable');
  const ideal = editor.getByLabel('Ideal answer');
  await ideal.fill(`${await ideal.inputValue()} (Reviewed ${Date.now()}.)`);
  await shot(page, 'staff-03-editor');
  await editor.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText(/An embedding sync for question \d+ started/).waitFor({ timeout: 30_000 });
  // The selected question's badge follows the sync until the stored vectors hold the new text.
  const badge = page.locator('.bank-detail').getByTestId('sync-state');
  await page.waitForFunction(
    () => document.querySelector('.bank-detail [data-testid="sync-state"]')?.getAttribute('data-state') === 'synced',
    null,
    { timeout: 120_000 },
  );
  await shot(page, 'staff-04-synced');
  assert.ok(await badge.isVisible());
});
