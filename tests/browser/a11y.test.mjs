// axe-core over every page a candidate sees, at desktop and phone size: no serious or critical
// violations (contrast, names, labels, ARIA). Screenshots of each page go to screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, startInterview, SIZES, REASONABLE_ANSWERS, axeProblems, finishInterview } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const size of SIZES) {
  test(`no serious or critical axe violations on any page at ${size.name} size`, { timeout: 300_000 }, async () => {
    const page = await newPage(browser, size);
    const problems = [];
    const check = async (label) => {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      problems.push(...(await axeProblems(page, `${size.name} ${label}`)));
      await shot(page, `a11y-${size.name}-${label}`);
    };

    await page.goto('/signin');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await check('signin');
    await page.goto('/signup');
    await page.getByRole('button', { name: 'Create account' }).waitFor();
    await check('signup');

    await signUp(page, freshUser(`a11y${size.name[0]}`));
    await check('dashboard');
    await page.getByTestId('module-card').first().getByRole('button', { name: /Start interview/ }).click();
    await page.getByRole('dialog').getByTestId('timer-select').waitFor();
    await check('start-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await startInterview(page, 2);
    await check('room');
    const first = await page.getByTestId('question-text').innerText();
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[0]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await page.waitForFunction(
      (p) => document.querySelector('[data-testid="question-text"]')?.textContent !== p,
      first,
      { timeout: 90_000 },
    );
    await page.getByTestId('reveal-toggle').click();
    await page.getByTestId('model-answer').getByText('A strong answer').waitFor({ timeout: 30_000 });
    await check('room-model-answer');
    await page.getByRole('tab', { name: /Speak/ }).click();
    await check('room-voice-tab');
    await page.getByRole('tab', { name: /Type/ }).click();
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[1]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await finishInterview(page);
    await page.waitForURL(/\/report$/, { timeout: 90_000 });
    await page.getByTestId('overall-score').waitFor({ timeout: 240_000 });
    await check('report');

    // History: the list of past sessions, wherever the navigation puts it.
    await page.goto('/sessions');
    await page.waitForTimeout(500);
    await check('history');
    await page.goto('/resumes');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await check('resumes');

    assert.deepEqual(problems, [], `axe found serious/critical problems:\n${problems.join('\n')}`);
    await page.context().close();
  });
}
