// Employer portal at 1280×800: a recruiter opens a pipeline, a candidate joins with its code and
// takes a short typed interview for it, the recruiter sees them ranked and opens the report; the
// candidate withdraws and the recruiter loses access at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, REASONABLE_ANSWERS, finishInterview } from './helpers.mjs';

const DESKTOP = { width: 1280, height: 800 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('recruiter pipeline: join, interview, ranked report, withdraw', { timeout: 420_000 }, async () => {
  // The recruiter signs up from the employer link and lands on their pipelines.
  const rec = await newPage(browser, DESKTOP);
  const recruiter = freshUser('recruiter');
  await rec.goto('/signup?as=recruiter');
  assert.ok(await rec.getByLabel(/hire/).isChecked(), 'the employer link preselects a recruiter account');
  await rec.getByLabel('Full name').fill('Rita Recruiter');
  await rec.getByLabel('Email').fill(recruiter.email);
  await rec.getByLabel('Password', { exact: true }).fill(recruiter.password);
  await rec.getByRole('button', { name: 'Create account' }).click();
  await rec.waitForURL(/\/recruiter$/, { timeout: 30_000 });

  await rec.getByLabel('Role').fill('Engineering manager');
  await rec.getByLabel('Interview module').selectOption({ label: 'Behavioral' });
  await rec.getByRole('button', { name: 'Create pipeline' }).click();
  const code = (await rec.getByTestId('invite-code').innerText()).trim();
  assert.ok(code.length >= 32, `an unguessable invite code: ${code}`);
  await rec.getByText('No candidates yet').waitFor({ timeout: 30_000 });
  await shot(rec, 'recruiter-01-pipeline');

  // The candidate joins with the code and takes a three-question interview for it.
  const cand = await newPage(browser, DESKTOP);
  const candidate = freshUser('pipecand');
  await signUp(cand, candidate);
  await cand.getByRole('link', { name: 'Employers' }).click();
  await cand.getByTestId('invite-input').fill(code);
  await cand.getByRole('button', { name: 'Join', exact: true }).click();
  const shared = cand.getByTestId('shared-pipeline').filter({ hasText: 'Engineering manager' });
  await shared.waitFor({ timeout: 30_000 });
  await shot(cand, 'recruiter-02-candidate-joined');
  await shared.getByTestId('pipeline-question-count').selectOption('3');
  await shared.getByTestId('start-pipeline-interview').click();
  await cand.waitForURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
  const sessionId = cand.url().split('/sessions/')[1];
  for (let i = 0; i < 3; i += 1) {
    const question = cand.getByTestId('question-text');
    await question.waitFor({ timeout: 60_000 });
    const before = await question.innerText();
    await cand.getByTestId('answer-input').fill(REASONABLE_ANSWERS[i]);
    await cand.getByTestId('answer-input').press('Control+Enter');
    if (i < 2) {
      await cand.waitForFunction(
        (prev) => document.querySelector('[data-testid="question-text"]')?.textContent !== prev,
        before,
        { timeout: 90_000 },
      );
    }
  }
  await finishInterview(cand);
  await cand.waitForURL(/\/report$/, { timeout: 90_000 });
  await cand.getByTestId('overall-score').waitFor({ timeout: 240_000 });

  // The recruiter sees the candidate ranked, with a score, and opens the report.
  await rec.reload();
  const row = rec.getByTestId('candidate-row').filter({ hasText: candidate.fullName });
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /^1\b/, 'ranked first');
  await row.getByTestId('open-report').waitFor();
  await shot(rec, 'recruiter-03-ranked');
  await row.getByTestId('open-report').click();
  await rec.waitForURL(new RegExp(`/sessions/${sessionId}/report$`));
  await rec.getByTestId('overall-score').waitFor({ timeout: 60_000 });
  assert.equal(await rec.getByTestId('answer-card').count(), 3);
  await shot(rec, 'recruiter-04-report');

  // The candidate withdraws ...
  await cand.getByRole('link', { name: 'Employers' }).click();
  await shared.getByRole('button', { name: 'Withdraw' }).click();
  await cand.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click();
  await cand.getByText(/withdrawn: its recruiter can no longer open your interviews/).waitFor({ timeout: 30_000 });
  await shot(cand, 'recruiter-05-withdrawn');

  // ... and the recruiter's very next look finds nothing.
  await rec.reload();
  await rec.getByText(/Could not load the report/).waitFor({ timeout: 30_000 });
  assert.equal(await rec.getByTestId('overall-score').count(), 0);
  await shot(rec, 'recruiter-06-access-gone');
  await rec.goto('/recruiter');
  await rec.getByText('No candidates yet').waitFor({ timeout: 30_000 });
});
