import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, startInterview, REASONABLE_ANSWERS, finishInterview } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a typed three-question interview reaches a scored report and shows up in history', { timeout: 300_000 }, async () => {
  const page = await newPage(browser);
  await signUp(page, freshUser('interview'));
  await startInterview(page, 3);
  const sessionUrl = page.url();
  const sessionId = sessionUrl.split('/sessions/')[1];
  assert.ok(sessionId, 'navigated to the interview room');

  await shot(page, 'interview-01-room');
  assert.match(await page.getByTestId('progress-text').innerText(), /0 of 3 answered/);

  for (let i = 0; i < 3; i += 1) {
    const question = page.getByTestId('question-text');
    await question.waitFor({ timeout: 60_000 });
    const before = await question.innerText();
    assert.ok(before.length > 10, 'a question is shown');
    const box = page.getByTestId('answer-input');
    await box.fill(REASONABLE_ANSWERS[i]);
    assert.match(await page.getByTestId('word-count').innerText(), /\d+ words/);
    if (i === 0) await shot(page, 'interview-02-typed');
    // Ctrl+Enter submits, as the button hints.
    await box.press('Control+Enter');
    if (i < 2) {
      await page.waitForFunction(
        (prev) => {
          const el = document.querySelector('[data-testid="question-text"]');
          return el && el.textContent !== prev;
        },
        before,
        { timeout: 90_000 },
      );
    }
  }

  await finishInterview(page);
  await page.waitForURL(/\/report$/, { timeout: 90_000 });
  // The pending state shows while scoring; the report replaces it.
  await page.getByTestId('overall-score').waitFor({ timeout: 240_000 });
  await shot(page, 'interview-03-report');

  const ring = await page.getByTestId('overall-score').getByRole('img').getAttribute('aria-label');
  assert.match(ring ?? '', /Overall score: \d+ out of 100/);
  const cards = page.getByTestId('answer-card');
  assert.equal(await cards.count(), 3, 'one card per answered question');
  const keyPoints = page.getByTestId('key-points').first().locator('li');
  assert.ok((await keyPoints.count()) > 0, 'key points are listed');
  const kpText = await page.getByTestId('key-points').first().innerText();
  assert.match(kpText, /[✓✗]/);
  assert.equal(await page.getByTestId('focus-areas').locator('li').count(), 3);

  await page.getByRole('link', { name: 'Progress' }).click();
  const row = page.getByTestId('history-row').filter({ has: page.locator(`a[href="/sessions/${sessionId}/report"]`) });
  await row.first().waitFor({ timeout: 30_000 });
  assert.match(await row.first().innerText(), /Completed|Scoring/);
  await shot(page, 'interview-04-history');

  // The report on a phone-sized screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/sessions/${sessionId}/report`);
  await page.getByTestId('overall-score').waitFor({ timeout: 60_000 });
  await shot(page, 'interview-05-report-mobile');
});
