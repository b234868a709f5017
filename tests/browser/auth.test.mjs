import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, shot, freshUser, signUp, signIn } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('sign up a fresh user, sign out, sign in again and see the module cards', async () => {
  const page = await newPage(browser);
  const user = freshUser('auth');

  // Unauthenticated visitors are sent to sign-in.
  await page.goto('/');
  await page.waitForURL(/\/signin/);
  await shot(page, 'auth-01-signin');

  await signUp(page, user);
  const cards = page.getByTestId('module-card');
  assert.ok((await cards.count()) > 0, 'the dashboard shows at least one module card');
  assert.match(await page.getByTestId('user-name').innerText(), /Test Candidate/);
  await shot(page, 'auth-02-dashboard');

  // Registering the same email again shows the conflict clearly.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);
  await page.goto('/signup');
  await page.getByLabel('Full name').fill(user.fullName);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /already/i);

  // A weak password is refused with the server's explanation.
  await page.getByLabel('Email').fill(freshUser('weak').email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // The rule is listed under the field before any submit; the refusal repeats it in the alert.
  await page.getByRole('alert').getByText(/at least 10 characters/i).waitFor();
  await shot(page, 'auth-03-weak-password');

  // Wrong password, then the right one.
  await page.goto('/signin');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill('Wrong-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Incorrect email or password.').waitFor();

  await signIn(page, user);
  assert.ok((await page.getByTestId('module-card').count()) > 0);

  // A token the server no longer accepts sends the user back to sign-in.
  await page.evaluate(() => localStorage.setItem('talentsync.token', 'not-a-valid-token'));
  await page.goto('/sessions');
  await page.waitForURL(/\/signin/);
});
