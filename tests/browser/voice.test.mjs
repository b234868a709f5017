import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { launch, newPage, shot, freshUser, signUp, startInterview } from './helpers.mjs';

// A WAV of someone speaking; chromium plays it as the microphone.
const WAV = process.env.TALENTSYNC_TEST_WAV;

/** Text of the focused element (its label, else its text), so a test can say where focus went. */
async function focusedName(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body>';
    return (el.getAttribute('aria-label') || el.textContent || el.tagName).trim();
  });
}

let browser;
before(async () => {
  if (!WAV || !existsSync(WAV)) return;
  browser = await launch([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${WAV}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
});
after(async () => {
  await browser?.close();
});

test('record a spoken answer, play it back, send it and see the transcript', { timeout: 240_000, skip: !WAV || !existsSync(WAV) ? 'set TALENTSYNC_TEST_WAV to a speech WAV file' : false }, async () => {
  const page = await newPage(browser);
  await page.context().grantPermissions(['microphone']).catch(() => undefined);
  await signUp(page, freshUser('voice'));
  await startInterview(page, 3);
  const firstQuestion = await page.getByTestId('question-text').innerText();

  await page.getByRole('tab', { name: /Speak/ }).click();
  await page.getByRole('button', { name: 'Start recording' }).click();
  await page.getByTestId('rec-timer').waitFor();
  // Focus moves to the next control instead of falling to <body> when the pressed button goes.
  assert.equal(await focusedName(page), 'Stop');
  await page.waitForTimeout(1500);
  const level = Number(await page.getByRole('meter', { name: 'Microphone level' }).getAttribute('aria-valuenow'));
  await shot(page, 'voice-01-recording');
  await page.waitForTimeout(2700);
  assert.match(await page.getByTestId('rec-timer').innerText(), /0:0[3-9]/);
  await page.getByRole('button', { name: /Stop/ }).click();

  await page.getByLabel('Play back your recording').waitFor();
  await shot(page, 'voice-02-recorded');
  assert.ok(level >= 0, 'the level meter reports a value');
  assert.equal(await focusedName(page), 'Send answer');

  // The first send meets a server that is restarting: the room says so, keeps the recording and
  // offers to send the same audio again, which then goes through.
  let audioPosts = 0;
  await page.route('**/answers/audio', async (route) => {
    audioPosts += 1;
    if (audioPosts === 1) {
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ detail: 'The interview service is busy or restarting.' }),
      });
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: 'Send answer' }).click();
  const failed = page.getByTestId('voice-send-failed');
  await failed.waitFor({ timeout: 30_000 });
  assert.match(await failed.innerText(), /busy or restarting/);
  await page.getByLabel('Play back your recording').waitFor();
  assert.equal(await focusedName(page), 'Try sending again');
  assert.equal(await page.getByRole('button', { name: /Record again/ }).count(), 1);
  await shot(page, 'voice-02b-send-failed');
  await page.getByRole('button', { name: 'Try sending again' }).click();
  const transcript = page.getByTestId('transcript');
  await transcript.waitFor({ timeout: 180_000 });
  const text = (await transcript.locator('.transcript-text').innerText()).replace(/[“”]/g, '').trim();
  assert.ok(text.length > 0, 'a non-empty transcript is shown');
  assert.ok(!/No speech was recognised/.test(text), `speech was recognised (got "${text}")`);
  const nextQuestion = await page.getByTestId('question-text').innerText();
  assert.notEqual(nextQuestion, firstQuestion, 'the next question is shown');
  assert.equal(audioPosts, 2, 'the same recording was sent a second time');
  await shot(page, 'voice-03-transcript');
});
