// The candidate's progress page and data controls, at a laptop size (1280×800) and a phone size
// (390×844): charts per module, repeatedly missed listening points, delivery trends, past interviews
// opening their reports, "Practise this", the data export and deleting the account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, newPage, shot, freshUser, signUp } from './helpers.mjs';

const WAV = process.env.TALENTSYNC_TEST_WAV;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const WEAK = 'I would just do my best and work hard on it with the team.';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** API calls with the page's own token: interviews are set up fast, the UI is what is tested. */
async function apiCall(page, method, url, body) {
  const token = await page.evaluate(() => localStorage.getItem('talentsync.token'));
  const res = await page.request.fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    data: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok(), `${method} ${url} → ${res.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function waitReport(page, sid) {
  const token = await page.evaluate(() => localStorage.getItem('talentsync.token'));
  for (let i = 0; i < 600; i += 1) {
    const res = await page.request.get(`/api/sessions/${sid}/report`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status() === 200) return res.json();
    assert.equal(res.status(), 202, await res.text());
    await page.waitForTimeout(300);
  }
  throw new Error('report not ready');
}

/** One interview in `module`; the answer at `voiceAt` is the WAV, every other one typed. */
async function interview(page, moduleId, n, { voiceAt = -1 } = {}) {
  const started = await apiCall(page, 'POST', '/api/sessions', { module_id: moduleId, max_questions: n });
  let q = started.question;
  let i = 0;
  while (q) {
    let next;
    if (i === voiceAt && WAV && existsSync(WAV)) {
      const token = await page.evaluate(() => localStorage.getItem('talentsync.token'));
      const res = await page.request.post(`/api/sessions/${started.id}/answers/audio`, {
        headers: { Authorization: `Bearer ${token}` },
        multipart: { question_id: q.id, file: { name: 'answer.wav', mimeType: 'audio/wav', buffer: readFileSync(WAV) } },
      });
      assert.ok(res.ok(), await res.text());
      next = await res.json();
    } else {
      next = await apiCall(page, 'POST', `/api/sessions/${started.id}/answers`, { question_id: q.id, text: WEAK });
    }
    q = next.question;
    i += 1;
  }
  await waitReport(page, started.id);
  return started.id;
}

async function behavioral(page) {
  const modules = await apiCall(page, 'GET', '/api/modules');
  return modules.find((m) => m.slug === 'behavioral') ?? modules[0];
}

test('progress: charts, repeated misses, delivery, past reports and "Practise this"', { timeout: 420_000 }, async () => {
  const page = await newPage(browser, DESKTOP);
  await signUp(page, freshUser('progress'));
  const module = await behavioral(page);
  const first = await interview(page, module.id, 2, { voiceAt: 1 });
  await interview(page, module.id, 1);
  await interview(page, module.id, 2);

  await page.getByRole('link', { name: 'Progress' }).click();
  await page.waitForURL(/\/progress$/);
  await page.getByTestId('overall-trend').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('overall-change').innerText(), /since your first session|no change/);
  assert.ok((await page.getByTestId('dimension-trends').locator('li').count()) >= 5, 'one small chart per dimension');
  // Three sessions: the overall line has three points.
  assert.equal(await page.getByTestId('overall-trend').locator('.recharts-line-dot').count(), 3);
  const missed = page.getByTestId('missed-point');
  assert.ok((await missed.count()) > 0, 'missed listening points are listed');
  assert.match(await missed.first().innerText(), /Missed \d+×|Partly covered \d+×/);
  if (WAV && existsSync(WAV)) {
    await page.getByTestId('delivery-trends').waitFor();
    assert.match(await page.getByTestId('delivery-trends').innerText(), /Pace[\s\S]*Fillers[\s\S]*Long pauses/);
  }
  assert.equal(await page.getByTestId('history-row').count(), 3);
  await page.mouse.move(0, 0);
  await shot(page, 'progress-01-desktop');

  // A past interview opens its report: questions, answers, feedback, the recording.
  await page.locator(`a[href="/sessions/${first}/report"]`).first().click();
  await page.getByTestId('overall-score').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('answer-card').count(), 2);
  if (WAV && existsSync(WAV)) {
    // The recording is fetched with the token, then offered in an <audio> player.
    await page.getByTestId('answer-audio').first().waitFor({ timeout: 30_000 });
    await shot(page, 'progress-04-past-report', { fullPage: false });
  }
  await page.goBack();
  await page.getByTestId('overall-trend').waitFor();

  // Phone size: charts stack, nothing overflows sideways.
  await page.setViewportSize(PHONE);
  await page.mouse.move(0, 0); // no chart tooltip left open under the pointer
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scroll on a phone (overflow ${overflow}px)`);
  await shot(page, 'progress-02-phone');
  await page.setViewportSize(DESKTOP);

  // "Practise this": a short session on the weak points.
  await page.getByTestId('practise-button').click();
  await page.waitForURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
  await page.getByTestId('question-text').waitFor({ timeout: 60_000 });
  assert.match(await page.getByTestId('progress-text').innerText(), /of 3/);
  await shot(page, 'progress-03-practice-room');
});

for (const [label, size] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
]) {
  test(`settings (${label}): export my data, then delete my account after typing the email`, { timeout: 240_000 }, async () => {
    const page = await newPage(browser, size);
    const user = freshUser(`settings-${label}`);
    await signUp(page, user);
    const module = await behavioral(page);
    await interview(page, module.id, 1);

    await page.goto('/settings');
    await page.getByTestId('export-button').waitFor();
    await shot(page, `settings-01-${label}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
    const saved = path.join(await import('node:os').then((os) => os.tmpdir()), `export-${label}-${Date.now()}.zip`);
    await download.saveAs(saved);
    const zip = readFileSync(saved);
    assert.equal(zip.subarray(0, 2).toString(), 'PK', 'a zip file');
    for (const name of ['account.json', 'sessions.json', 'resumes.json', 'README.txt']) {
      assert.ok(zip.includes(Buffer.from(name)), `${name} in the export`);
    }
    assert.match(download.suggestedFilename(), /^talentsync-export-\d{8}-\d{6}\.zip$/);
    await page.getByText(/Your export \(.+\) has been downloaded/).waitFor();

    await page.getByTestId('delete-account-button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const confirm = dialog.getByTestId('delete-confirm-button');
    assert.ok(await confirm.isDisabled(), 'nothing happens before the email is typed');
    await dialog.getByTestId('delete-confirm-input').fill('someone-else@example.com');
    assert.ok(await confirm.isDisabled(), 'a different email does not unlock it');
    await dialog.getByTestId('delete-confirm-input').fill(user.email.toUpperCase());
    assert.ok(await confirm.isEnabled());
    await shot(page, `settings-02-confirm-${label}`, { fullPage: false });
    await confirm.click();
    await page.waitForURL(/\/signin/, { timeout: 60_000 });
    await page.getByText('Your account was deleted').waitFor();
    await shot(page, `settings-03-deleted-${label}`);

    // The account is gone: signing in again fails.
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Incorrect email or password.').waitFor();
  });
}
