import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, newPage, shot, freshUser, signUp, REASONABLE_ANSWERS } from './helpers.mjs';

const RESUME = `Jordan Rivera
jordan.rivera@example.com | +1 415 555 0134 | github.com/jrivera

SUMMARY
Backend engineer with 6 years of experience building Python services and data pipelines.

SKILLS
Python, FastAPI, PostgreSQL, Redis, Docker, Kubernetes, AWS, Kafka

EXPERIENCE
Senior Backend Engineer, Acme Corp — Mar 2021 – Present
- Cut p95 API latency by 40% by rewriting slow PostgreSQL queries and adding Redis caching
- Led a team of 4 engineers to migrate billing to event-driven services on Kafka

Software Engineer, Initech — Jun 2018 – Feb 2021
- Built an ingestion pipeline processing 2M events per day with Python and AWS
- Reduced deployment time from 45 minutes to 8 minutes with Docker and CI

EDUCATION
University of California, Berkeley — B.S. Computer Science, 2014 – 2018
`;

let browser;
let dir;
before(async () => {
  browser = await launch();
  dir = mkdtempSync(path.join(tmpdir(), 'ts-resume-'));
});
after(async () => {
  await browser?.close();
});

test('upload a TXT resume, review extracted skills, edit and save', { timeout: 180_000 }, async () => {
  const file = path.join(dir, 'jordan-rivera.txt');
  writeFileSync(file, RESUME);
  const page = await newPage(browser);
  await signUp(page, freshUser('resume'));

  await page.getByRole('link', { name: 'Resumes' }).click();
  await page.waitForURL(/\/resumes$/);
  await shot(page, 'resume-01-empty');
  await page.getByTestId('resume-file').setInputFiles(file);

  // Parsing finishes on the review page.
  await page.waitForURL(/\/resumes\/[^/]+$/, { timeout: 120_000 });
  const skills = page.getByTestId('skills');
  await skills.waitFor({ timeout: 120_000 });
  const chips = await skills.getByTestId('chip').allInnerTexts();
  const names = chips.map((c) => c.replace(/×\s*$/, '').trim().toLowerCase());
  assert.ok(names.includes('python'), `Python was extracted (got ${names.join(', ')})`);
  assert.ok(names.includes('postgresql'), 'PostgreSQL was extracted');
  assert.ok((await page.getByTestId('role').count()) >= 1, 'at least one role was extracted');
  await shot(page, 'resume-02-review');

  // Edit: add a skill, remove one that is not needed below, then save.
  const input = skills.getByRole('textbox');
  await input.fill('Terraform');
  await input.press('Enter');
  const cleaned = chips.map((c) => c.replace(/×\s*$/, '').trim());
  const removed = cleaned.filter((c) => !['python', 'postgresql'].includes(c.toLowerCase())).pop();
  assert.ok(removed, 'there is a third skill to remove');
  await skills.getByRole('button', { name: `Remove ${removed}`, exact: true }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('saved').waitFor({ timeout: 30_000 });
  await shot(page, 'resume-03-saved');

  // The edit is stored on the server.
  await page.reload();
  await page.getByTestId('skills').waitFor({ timeout: 30_000 });
  const after = (await page.getByTestId('skills').getByTestId('chip').allInnerTexts()).map((c) => c.replace(/×\s*$/, '').trim());
  assert.ok(after.includes('Terraform'), 'the added skill persisted');
  assert.ok(!after.includes(removed), `the removed skill (${removed}) stayed removed`);

  await page.getByRole('link', { name: 'Resumes' }).first().click();
  await page.getByTestId('resume-row').first().waitFor();
  assert.match(await page.getByTestId('resume-row').first().innerText(), /parsed/i);

  // Attach it when starting an interview: after the opening questions come questions about it.
  await page.getByRole('link', { name: 'Practice' }).first().click();
  await page.getByTestId('module-card').first().getByRole('button', { name: /Start interview/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByTestId('max-questions').fill('4');
  const select = dialog.getByLabel('Resume (optional)');
  await select.waitFor();
  assert.notEqual(await select.inputValue(), '', 'the parsed resume is offered by default');
  await dialog.getByRole('button', { name: 'Start interview' }).click();
  await page.waitForURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
  let resumeQuestion = null;
  for (let i = 0; i < 4 && resumeQuestion === null; i += 1) {
    const question = page.getByTestId('question-text');
    await question.waitFor({ timeout: 60_000 });
    const text = await question.innerText();
    if (await page.getByText('From your resume').count()) {
      resumeQuestion = text;
      break;
    }
    await page.getByTestId('answer-input').fill(REASONABLE_ANSWERS[i % REASONABLE_ANSWERS.length]);
    await page.getByTestId('answer-input').press('Control+Enter');
    await page.waitForFunction(
      (prev) => document.querySelector('[data-testid="question-text"]')?.textContent !== prev,
      text,
      { timeout: 90_000 },
    );
  }
  assert.ok(resumeQuestion, 'a question drawn from the resume was asked');
  assert.match(resumeQuestion, /Acme|Initech|Kafka|Redis|PostgreSQL|latency|billing|ingestion|deployment/i,
    `the resume question is grounded in the candidate's own items: ${resumeQuestion}`);
  await shot(page, 'resume-04-question');
});

test('the Resumes page never scrolls sideways, and a resume can be deleted after confirming', { timeout: 180_000 }, async () => {
  const file = path.join(dir, 'to-delete.txt');
  writeFileSync(file, RESUME);
  const page = await newPage(browser);
  await signUp(page, freshUser('resdel'));
  await page.getByRole('link', { name: 'Resumes' }).click();
  await page.waitForURL(/\/resumes$/);

  // The hidden file input once took the viewport's width: check every common width.
  for (const width of [320, 375, 768, 1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at ${width}px (scrollWidth exceeds by ${overflow}px)`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByTestId('resume-file').setInputFiles(file);
  await page.waitForURL(/\/resumes\/[^/]+$/, { timeout: 120_000 });
  await page.getByRole('link', { name: 'Back' }).click();
  await page.waitForURL(/\/resumes$/);
  const row = page.getByTestId('resume-row').filter({ hasText: 'to-delete.txt' });
  await row.waitFor();
  for (const width of [320, 768, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scroll with a resume listed at ${width}px (${overflow}px)`);
  }
  await page.setViewportSize({ width: 375, height: 800 });
  await shot(page, 'resume-05-list-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Cancel keeps it; confirming deletes it.
  await row.getByTestId('resume-delete').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /to-delete\.txt/);
  await shot(page, 'resume-06-confirm-delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await row.count(), 1, 'cancel keeps the resume');

  await row.getByTestId('resume-delete').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete resume' }).click();
  await page.getByText('“to-delete.txt” was deleted.').waitFor({ timeout: 30_000 });
  await page.getByTestId('resume-row').filter({ hasText: 'to-delete.txt' }).waitFor({ state: 'detached', timeout: 30_000 });
  await page.reload();
  await page.getByRole('heading', { name: 'Your resumes' }).waitFor();
  assert.equal(await page.getByTestId('resume-row').filter({ hasText: 'to-delete.txt' }).count(), 0, 'gone on the server too');
  await shot(page, 'resume-07-deleted');
});
