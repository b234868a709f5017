import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launch, newPage, shot, freshUser, signUp, startInterview, SIZES, SCREENSHOT_DIR, focusedName } from './helpers.mjs';

// A WAV of someone speaking; chromium plays it as the microphone.
const WAV = process.env.TALENTSYNC_TEST_WAV;

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
  // The next question comes with the send's answer; the transcript may show a moment earlier
  // (its live event arrives before the follow-up search finishes).
  await page.waitForFunction(
    (prev) => document.querySelector('[data-testid="question-text"]')?.textContent !== prev,
    firstQuestion,
    { timeout: 180_000 },
  );
  const transcript = page.getByTestId('transcript');
  await transcript.waitFor({ timeout: 30_000 });
  const text = (await transcript.locator('.transcript-text').innerText()).replace(/[“”]/g, '').trim();
  assert.ok(text.length > 0, 'a non-empty transcript is shown');
  assert.ok(!/No speech was recognised/.test(text), `speech was recognised (got "${text}")`);
  const nextQuestion = await page.getByTestId('question-text').innerText();
  assert.notEqual(nextQuestion, firstQuestion, 'the next question is shown');
  assert.equal(audioPosts, 2, 'the same recording was sent a second time');
  await shot(page, 'voice-03-transcript');
});

// Live transcript while recording, and focus that never drops to <body>, at both sizes.
for (const size of SIZES) {
  test(`live transcript while recording and focus across recording at ${size.name} size`, { timeout: 240_000, skip: !WAV || !existsSync(WAV) ? 'set TALENTSYNC_TEST_WAV to a speech WAV file' : false }, async () => {
    const page = await newPage(browser, size);
    await page.context().grantPermissions(['microphone']).catch(() => undefined);
    const drafts = [];
    let recStart = 0;
    page.on('websocket', (ws) => {
      ws.on('framereceived', (frame) => {
        try {
          const msg = JSON.parse(frame.payload);
          if (msg.type === 'transcript_partial') drafts.push({ at: Date.now(), ...msg.data });
        } catch {
          // not one of our events
        }
      });
    });
    await signUp(page, freshUser(`live${size.name[0]}`));
    await startInterview(page, 2);
    await page.locator('.live-live').waitFor({ timeout: 30_000 });
    const firstQuestion = await page.getByTestId('question-text').innerText();
    await page.getByRole('tab', { name: /Speak/ }).click();

    const start = page.getByRole('button', { name: 'Start recording' });
    await start.focus();
    await page.keyboard.press('Enter');
    recStart = Date.now();
    await page.getByTestId('rec-timer').waitFor();
    assert.equal(await focusedName(page), 'Stop', 'focus on Stop once recording');
    const live = page.getByTestId('live-transcript');
    await live.waitFor();
    await page.waitForFunction(
      () => {
        const t = document.querySelector('[data-testid="live-transcript"] .live-draft-text')?.textContent ?? '';
        return t && t !== 'Listening…' && !t.startsWith('The live transcript is unavailable');
      },
      null,
      { timeout: 30_000 },
    );
    const firstShown = (Date.now() - recStart) / 1000;
    await page.waitForTimeout(6000);
    await shot(page, `voice-${size.name}-live-transcript`, { fullPage: false });
    const draftText = await live.locator('.live-draft-text').innerText();
    assert.match(draftText.toLowerCase(), /john dashwood|to consider|leisure to/, `the draft has the words being spoken ("${draftText}")`);
    await page.keyboard.press('Enter'); // Stop has focus
    await page.getByLabel('Play back your recording').waitFor();
    assert.equal(await focusedName(page), 'Send answer', 'focus on Send after stopping');

    // Re-record: the pressed button disappears while the microphone is asked for; focus must not drop.
    const firstRecording = new Set(drafts.map((d) => d.recording_id));
    await page.getByRole('button', { name: /Re-record/ }).click();
    const reRecStart = Date.now();
    await page.getByTestId('rec-timer').waitFor();
    assert.equal(await focusedName(page), 'Stop');
    await page.waitForTimeout(2500);
    await page.keyboard.press('Enter');
    await page.getByLabel('Play back your recording').waitFor();
    assert.equal(await focusedName(page), 'Send answer');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (prev) => document.querySelector('[data-testid="question-text"]')?.textContent !== prev,
      firstQuestion,
      { timeout: 180_000 },
    );
    await page.getByTestId('transcript').waitFor({ timeout: 30_000 });
    assert.notEqual(await focusedName(page), '<body>', 'focus lands on the next question, not <body>');

    // How far behind live speech the drafts were: wall-clock since recording start minus the
    // seconds of audio each draft covers.
    // Each recording's drafts against that recording's own start.
    const lags = drafts
      .filter((d) => d.audio_s > 0.5)
      .map((d) => (d.at - (firstRecording.has(d.recording_id) ? recStart : reRecStart)) / 1000 - d.audio_s);
    lags.sort((a, b) => a - b);
    const pick = (q) => (lags.length ? Math.round(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] * 100) / 100 : null);
    const summary = { size: size.name, first_text_after_s: Math.round(firstShown * 100) / 100, drafts: drafts.length, lag_p50_s: pick(0.5), lag_p90_s: pick(0.9), lag_max_s: pick(1) };
    console.log(`live transcript latency ${JSON.stringify(summary)}`);
    writeFileSync(path.join(SCREENSHOT_DIR, `live-transcript-latency-${size.name}.json`), JSON.stringify({ summary, drafts }, null, 2));
    assert.ok(drafts.length >= 2, 'several drafts arrived while speaking');
  });
}
