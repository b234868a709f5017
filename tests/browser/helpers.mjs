// Shared helpers for the browser tests: Debian's chromium driven by playwright-core (installed in
// frontend/node_modules), against a running TalentSync at TALENTSYNC_URL.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import crypto from 'node:crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../frontend/package.json'));
const { chromium } = require('playwright-core');

export const BASE_URL = (process.env.TALENTSYNC_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const SCREENSHOT_DIR = path.join(here, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches chromium; `extraArgs` e.g. the fake-microphone flags. */
export async function launch(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...extraArgs] });
}

export async function newPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: BASE_URL });
  const page = await context.newPage();
  // Surface page errors in the test output: a blank screen is otherwise hard to diagnose.
  page.on('pageerror', (err) => console.error(`[pageerror] ${err.message}`));
  return page;
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** A unique, valid account for one test run. */
export function freshUser(prefix = 'ui') {
  const id = crypto.randomBytes(5).toString('hex');
  return {
    email: `${prefix}-${id}@example.com`,
    // Satisfies the server's rules: ≥10 chars, letters plus a digit/symbol, not the email's name.
    password: `Correct-Horse-${id}-42`,
    fullName: `Test Candidate ${id.slice(0, 4)}`,
  };
}

/** Signs up through the UI and waits for the dashboard. */
export async function signUp(page, user) {
  await page.goto('/signup');
  await page.getByLabel('Full name').fill(user.fullName);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('module-card').first().waitFor({ timeout: 30_000 });
}

export async function signIn(page, user) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('module-card').first().waitFor({ timeout: 30_000 });
}

/** Opens the first module's start dialog, sets the question count and starts; resolves on the room. */
export async function startInterview(page, maxQuestions) {
  await page.getByTestId('module-card').first().getByRole('button', { name: /Start interview/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByTestId('max-questions').fill(String(maxQuestions));
  // Module questions only: resume-driven questions are covered by resume.test.mjs.
  await dialog.getByLabel('Resume (optional)').selectOption('').catch(() => undefined);
  await dialog.getByRole('button', { name: 'Start interview' }).click();
  await page.waitForURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
  await page.getByTestId('question-text').waitFor({ timeout: 60_000 });
}

/** After the last answer the room waits at its finish step (the last answer can still be answered
 * again); finishing closes the interview and opens the report. */
export async function finishInterview(page) {
  await page.getByTestId('finish-interview').click({ timeout: 90_000 });
}

export const REASONABLE_ANSWERS = [
  'In my last role at a logistics company, two senior engineers disagreed about whether to rewrite our billing service or refactor it incrementally. ' +
    'The situation was tense because a release deadline was six weeks away. I set up a meeting where each of them laid out constraints, risks and costs, ' +
    'and I proposed a phased approach: we refactored the riskiest module first behind a feature flag, measured error rates, and agreed on clear criteria for continuing. ' +
    'As a result we shipped on time, reduced billing errors by 30 percent, and the team adopted the written decision record as our process for future disagreements.',
  'When our team had to move from a monolith to event-driven services, I had two weeks to learn Kafka. I started with the official documentation and a small prototype, ' +
    'then paired with an engineer from another team who had run it in production. I wrote down what I learned in a short guide for my team, ' +
    'set up monitoring for consumer lag, and load-tested the prototype at three times our peak traffic. The migration went live with no downtime, ' +
    'and the guide became the onboarding document for new engineers joining the platform team.',
  'I would define the goal and the success metric first, then break the work into small milestones with owners and dates. I communicate progress every week, ' +
    'flag risks early, and make trade-offs explicit with stakeholders. For example, on a reporting project I cut scope to the three most used reports, ' +
    'delivered them in four weeks instead of ten, measured adoption, and then iterated based on feedback. Usage grew by forty percent in the first month, ' +
    'and what I learned is that early, visible delivery builds trust faster than a perfect plan.',
];

/** The two screen sizes every room and accessibility path is tried at. */
export const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

// Evaluated over the DevTools protocol, not added as a <script>: the app's CSP (script-src 'self')
// rightly refuses inline scripts.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (injected into the page) and returns its serious and critical violations as
 * readable lines, so a failing assertion says which rule and which elements.
 */
export async function axeProblems(page, label) {
  // Colours are judged as painted: a dialog still fading in (opacity < 1) would read as low contrast.
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
  );
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5), count: v.nodes.length }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: [${v.impact}] ${v.id} (${v.count} nodes) ${v.help} — ${v.nodes.join(' | ')}`);
}

/** Text of the focused element (its label, else its text), so a test can say where focus went. */
export async function focusedName(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body>';
    return (el.getAttribute('aria-label') || el.textContent || el.tagName).trim();
  });
}

/** Bottom edge of the sticky header, for checks that content is not hidden under it. */
export async function headerBottom(page) {
  return page.evaluate(() => document.querySelector('.app-header')?.getBoundingClientRect().bottom ?? 0);
}
