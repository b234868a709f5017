// The room's practice aids at desktop and phone size: timer (warns, never sends by itself), read
// aloud, a job description at start, the model answer only after answering, answering again as
// a new attempt, and a report that shows skipped questions and earlier attempts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, SIZES, REASONABLE_ANSWERS, headerBottom, focusedName, finishInterview } from './helpers.mjs';

const JD = 'Engineering manager for a platform team: resolving conflict between engineers, giving feedback and leading through change.';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Records what the page asks speechSynthesis to say (headless chromium has no voices to hear). */
function stubSpeech() {
  window.__spoken = [];
  const synth = {
    speaking: false,
    cancel() {},
    speak(u) {
      window.__spoken.push(u.text);
      setTimeout(() => u.onend?.(), 30);
    },
    getVoices: () => [],
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
}

async function questionText(page) {
  return (await page.getByTestId('question-text').innerText()).trim();
}

async function waitQuestionChange(page, prev) {
  await page.waitForFunction(
    (p) => {
      const el = document.querySelector('[data-testid="question-text"]');
      return el && el.textContent.trim() !== p;
    },
    prev,
    { timeout: 90_000 },
  );
}

for (const size of SIZES) {
  test(`room practice aids and the report at ${size.name} size (${size.width}x${size.height})`, { timeout: 360_000 }, async () => {
    const page = await newPage(browser, size);
    await page.addInitScript(stubSpeech);
    await page.clock.install();
    const tag = `craft-${size.name}`;
    const user = freshUser(`craft${size.name[0]}`);

    // The landing page says what the product is, on a phone too; the password rule shows before any submit.
    await page.goto('/signup');
    const pitch = size.name === 'phone' ? page.getByTestId('mobile-pitch') : page.locator('.auth-side');
    assert.ok(await pitch.isVisible(), 'the product is described on the sign-up page');
    assert.match(await page.getByTestId('password-rules').innerText(), /At least 10 characters/);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await shot(page, `${tag}-01-signup-rules`);
    await signUp(page, user);

    // Start form: 1-minute timer, a job description.
    await page.getByTestId('module-card').first().getByRole('button', { name: /Start interview/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('max-questions').fill('3');
    await dialog.getByLabel('Resume (optional)').selectOption('').catch(() => undefined);
    await dialog.getByTestId('timer-select').selectOption('1');
    await dialog.getByTestId('job-description').fill(JD);
    await shot(page, `${tag}-02-start-form`, { fullPage: false });
    const startReq = page.waitForRequest((r) => r.url().endsWith('/api/sessions') && r.method() === 'POST');
    await dialog.getByRole('button', { name: 'Start interview' }).click();
    assert.equal(JSON.parse((await startReq).postData() ?? '{}').job_description, JD);
    await page.waitForURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
    await page.getByTestId('question-text').waitFor({ timeout: 60_000 });

    // The room opens at its top: "Question 1 of 3" and "End interview" are not under the sticky header.
    const title = page.locator('.room-title');
    assert.match(await title.innerText(), /Question 1\s+of 3/);
    const hb = await headerBottom(page);
    assert.ok((await title.boundingBox()).y >= hb - 1, `room title below the header (${(await title.boundingBox()).y} vs ${hb})`);
    assert.ok((await page.getByRole('button', { name: 'End interview' }).boundingBox()).y >= hb - 1);
    assert.equal(await page.evaluate(() => window.scrollY), 0);
    await shot(page, `${tag}-03-room-top`, { fullPage: false });

    // Read aloud.
    const q1 = await questionText(page);
    await page.getByTestId('read-aloud').click();
    await page.waitForFunction(() => window.__spoken.length > 0);
    assert.equal((await page.evaluate(() => window.__spoken))[0], q1);

    // The timer warns at 15 s and says when time is up, but sends nothing by itself.
    let answerPosts = 0;
    page.on('request', (r) => {
      if (/\/answers$/.test(r.url()) && r.method() === 'POST') answerPosts += 1;
    });
    const timer = page.getByTestId('answer-timer');
    assert.match(await timer.innerText(), /[01]:[0-9]{2}/);
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[0]);
    await page.clock.fastForward('00:47');
    await page.waitForFunction(() => document.querySelector('[data-testid="answer-timer"]')?.className.includes('timer-warning'));
    await page.clock.fastForward('00:20');
    await page.getByTestId('time-up').waitFor();
    await shot(page, `${tag}-04-time-up`, { fullPage: false });
    assert.equal(answerPosts, 0, 'time running out sent nothing');
    assert.equal(await questionText(page), q1);
    assert.equal(await page.getByTestId('answer-input').inputValue(), REASONABLE_ANSWERS[0], 'the draft is kept');

    // Send; the reveal panel offers the model answer for the question just answered.
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await waitQuestionChange(page, q1);
    const q2 = await questionText(page);
    assert.equal(await focusedName(page), q2, 'focus moves to the new question');
    const reveal = page.getByTestId('reveal-panel');
    await reveal.waitFor();
    assert.match(await reveal.innerText(), new RegExp(q1.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await reveal.getByTestId('reveal-toggle').click();
    const model = page.getByTestId('model-answer');
    await model.getByText('A strong answer').waitFor({ timeout: 30_000 });
    assert.match(await model.innerText(), /What the interviewer listens for/i);
    await shot(page, `${tag}-05-model-answer`);

    // Answer the first question again: same question, attempt 2, then back to question 2.
    await reveal.getByTestId('answer-again').click();
    await page.getByText('Attempt 2').first().waitFor({ timeout: 30_000 });
    assert.equal(await questionText(page), q1);
    // Asked again from down the page: the room is back at its top, title below the header.
    await page.waitForFunction(() => window.scrollY === 0);
    assert.ok((await title.boundingBox()).y >= hb - 1);
    await shot(page, `${tag}-06-answer-again`, { fullPage: false });
    // A reload keeps the re-ask: same attempt, and Skip still means "keep my earlier answer".
    await page.reload();
    await page.getByText('Attempt 2').first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Keep my earlier answer' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[1]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await waitQuestionChange(page, q1);
    assert.equal(await questionText(page), q2, 'the interview goes on where it was');
    assert.match(await page.getByTestId('progress-text').innerText(), /1 of 3 answered/);

    // Skip question 2, answer question 3: the report follows.
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await waitQuestionChange(page, q2);
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[2]);
    await page.getByRole('button', { name: /Submit answer/ }).click();
    await finishInterview(page);
    await page.waitForURL(/\/report$/, { timeout: 90_000 });
    await page.getByTestId('overall-score').waitFor({ timeout: 240_000 });

    const cards = page.getByTestId('answer-card');
    assert.equal(await cards.count(), 3, 'answered, skipped and answered again: all three listed');
    assert.match(await page.locator('.page-subtitle').innerText(), /2 answered\s*· 1 skipped/);
    assert.match(await cards.nth(0).innerText(), /Attempt 2/);
    await cards.nth(0).getByTestId('earlier-attempts').locator('summary').click();
    assert.match(await cards.nth(0).getByTestId('earlier-attempts').innerText(), /Attempt 1/);
    assert.match(await cards.nth(1).innerText(), /Skipped/);
    assert.match(await cards.nth(1).getByTestId('skipped-note').innerText(), /skipped this question/);
    if (size.name === 'phone') {
      // Radar axis labels do not fit a phone: the chart is drawn as labelled bars instead.
      assert.equal(await page.locator('.recharts-polar-angle-axis').count(), 0);
      assert.ok((await page.locator('.overview-chart .recharts-bar-rectangle').count()) > 0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    }
    await shot(page, `${tag}-07-report`);
    await page.context().close();
  });
}
