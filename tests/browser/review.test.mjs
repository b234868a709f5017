// The resume review page at desktop and phone size shows what the parser found beyond the editable
// basics (projects, certifications, publications) and, under each item, the line it was read from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, newPage, shot, freshUser, signUp, SIZES, axeProblems } from './helpers.mjs';

const RESUME = `Priya Nair
priya.nair@example.com | +44 20 7946 0958

SUMMARY
Platform engineer who likes quiet pagers.

SKILLS
Go, Kubernetes, Terraform, PostgreSQL

EXPERIENCE
Staff Engineer, Example Payments — Jan 2021 – Present
- Cut the monthly Google Cloud bill by 38% by moving batch jobs to spot VMs
- Led 5 engineers through the move of 40 services to Terraform

PROJECTS
kube-budget - a kubectl plugin that prints the monthly cost of each namespace; 400k downloads.

CERTIFICATIONS
Certified Kubernetes Administrator (CKA), 2021
HashiCorp Certified: Terraform Associate, 2022

PUBLICATIONS
P. Nair. "Paved roads, not golden cages: platform teams that scale". PlatformCon 2023.

EDUCATION
University of Edinburgh — BSc Computer Science, 2012 – 2016
`;

let browser;
let dir;
before(async () => {
  browser = await launch();
  dir = mkdtempSync(path.join(tmpdir(), 'ts-review-'));
});
after(async () => {
  await browser?.close();
});

for (const size of SIZES) {
  test(`resume review shows projects, certifications, publications and source lines at ${size.name} size`, { timeout: 180_000 }, async () => {
    const file = path.join(dir, `priya-${size.name}.txt`);
    writeFileSync(file, RESUME);
    const page = await newPage(browser, size);
    await signUp(page, freshUser(`review${size.name[0]}`));
    await page.goto('/resumes');
    await page.getByTestId('resume-file').setInputFiles(file);
    await page.waitForURL(/\/resumes\/[^/]+$/, { timeout: 120_000 });
    await page.getByTestId('skills').waitFor({ timeout: 120_000 });

    const projects = page.getByTestId('sec-projects');
    assert.match(await projects.getByTestId('project').first().innerText(), /kube-budget/);
    const certs = await page.getByTestId('certification').allInnerTexts();
    assert.ok(certs.some((c) => c.includes('Certified Kubernetes Administrator (CKA)')), certs.join(' | '));
    assert.ok(certs.some((c) => c.includes('Terraform Associate')), certs.join(' | '));
    assert.match(await page.getByTestId('publication').first().innerText(), /Paved roads, not golden cages/);

    // Source lines: the number of the line in the uploaded text, and the line itself.
    const lines = RESUME.split('\n');
    const lineOf = (needle) => lines.findIndex((l) => l.includes(needle)) + 1;
    const certSource = page.getByTestId('certification').first().getByTestId('source-line');
    assert.match(await certSource.innerText(), new RegExp(`^Line ${lineOf('Certified Kubernetes Administrator')}\\b`));
    const achSource = page.locator('.ach-row').first().getByTestId('source-line');
    assert.match(await achSource.innerText(), new RegExp(`Line ${lineOf('Cut the monthly')}\\b[\\s\\S]*Cut the monthly Google Cloud bill`));
    assert.match(await page.getByTestId('role').first().getByTestId('source-line').innerText(), /Staff Engineer, Example Payments/);
    assert.match(await projects.getByTestId('source-line').first().innerText(), new RegExp(`Line ${lineOf('kube-budget')}\\b`));

    assert.deepEqual(await axeProblems(page, `review ${size.name}`), []);
    if (size.name === 'phone') {
      await shot(page, `review-${size.name}-00-before-overflow-check`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      // Name the widest elements, so a failure says what pushes the page sideways.
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(-4)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      );
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px): ${wide.join(', ')}`);
    }
    await shot(page, `review-${size.name}-01-page`);
    await projects.scrollIntoViewIfNeeded();
    await shot(page, `review-${size.name}-02-extras`, { fullPage: false });

    // Saving an edit keeps the read-only lists and their sources (they travel with the parsed resume).
    await page.getByTestId('resume-name').fill('Priya R. Nair');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('saved').waitFor({ timeout: 30_000 });
    await page.reload();
    await page.getByTestId('skills').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('resume-name').inputValue(), 'Priya R. Nair');
    assert.ok((await page.getByTestId('certification').count()) >= 2);
    assert.match(await page.getByTestId('certification').first().getByTestId('source-line').innerText(), /^Line \d+/);
    await page.context().close();
  });
}
