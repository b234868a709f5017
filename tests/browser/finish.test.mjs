// The room's finish step at desktop and phone size: after the last answer the interview waits for
// "Finish" instead of closing, so the last question can be compared with its model answer and
// answered again like the others; finishing opens the report with both attempts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, startInterview, SIZES, REASONABLE_ANSWERS, axeProblems, focusedName } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function questionText(page) {
  return (await page.getByTestId('question-text').innerText()).trim();
}

for (const size of SIZES) {
  test(`the last question can be answered again before finishing at ${size.name} size`, { timeout: 300_000 }, async () => {
    const page = await newPage(browser, size);
    const tag = `finish-${size.name}`;
    await signUp(page, freshUser(`finish${size.name[0]}`));
    await startInterview(page, 2);
    const q1 = await questionText(page);
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[0]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await page.waitForFunction((p) => document.querySelector('[data-testid="question-text"]')?.textContent.trim() !== p, q1, {
      timeout: 90_000,
    });
    const last = await questionText(page);

    // The last answer: no report yet, the finish step instead, with the reveal panel for that answer.
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[1]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    const step = page.getByTestId('finish-step');
    await step.waitFor({ timeout: 90_000 });
    assert.match(page.url(), /\/sessions\/[^/]+$/, 'still in the room');
    assert.match(await page.locator('.room-title').innerText(), /All questions answered/);
    assert.match(await step.innerText(), /answered 2 of 2 questions/);
    assert.equal(await focusedName(page), 'That was the last question', 'focus lands on the finish step');
    assert.equal(await page.getByRole('button', { name: 'End interview' }).count(), 0, 'one way out: Finish');
    const reveal = page.getByTestId('reveal-panel');
    assert.match(await reveal.innerText(), new RegExp(last.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await reveal.getByTestId('reveal-toggle').click();
    await page.getByTestId('model-answer').getByText('A strong answer').waitFor({ timeout: 30_000 });
    assert.deepEqual(await axeProblems(page, `${tag} finish step`), []);
    await shot(page, `${tag}-01-finish-step`);
    if (size.name === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    }

    // Answer the last question again: the same question as attempt 2, then the finish step again.
    await reveal.getByTestId('answer-again').click();
    await page.getByText('Attempt 2').first().waitFor({ timeout: 30_000 });
    assert.equal(await questionText(page), last);
    assert.equal(await step.count(), 0, 'the finish step gives way to the question');
    await shot(page, `${tag}-02-last-again`, { fullPage: false });
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[2]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await step.waitFor({ timeout: 90_000 });
    assert.match(await page.getByTestId('progress-text').innerText(), /2 of 2 answered/, 'a re-answer is not another question');

    // A reload keeps the step (the workflow says it is waiting for "Finish") and the last answer's panel.
    await page.reload();
    await step.waitFor({ timeout: 30_000 });
    await page.getByTestId('reveal-panel').getByTestId('answer-again').waitFor({ timeout: 30_000 });
    assert.match(await step.innerText(), /answer it again below/);
    assert.match(page.url(), /\/sessions\/[^/]+$/);

    await page.getByTestId('finish-interview').click();
    await page.waitForURL(/\/report$/, { timeout: 90_000 });
    await page.getByTestId('overall-score').waitFor({ timeout: 240_000 });
    const cards = page.getByTestId('answer-card');
    assert.equal(await cards.count(), 2);
    assert.match(await cards.nth(1).innerText(), /Attempt 2/, 'the last question shows its second attempt');
    await shot(page, `${tag}-03-report`, { fullPage: false });
    await page.context().close();
  });
}
