import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Logo } from '../components/Layout';
import { Alert, Spinner } from '../components/ui';
import { hasRole } from '../lib/format';

/** The server's password rules (talentsync/security.py password_problems), shown before a submit. */
function passwordRules(password: string, email: string): { text: string; ok: boolean }[] {
  const name = email.split('@')[0]?.toLowerCase() ?? '';
  return [
    { text: 'At least 10 characters', ok: password.length >= 10 && password.length <= 128 },
    { text: 'Letters and at least one digit or symbol', ok: /[A-Za-z]/.test(password) && /[\d\W_]/.test(password) },
    { text: 'Does not contain the name part of your email', ok: !!name && !(name.length >= 3 && password.toLowerCase().includes(name)) },
  ];
}

function safeNext(next: string | null): string {
  // Only same-app paths: an open redirect to another origin would be a phishing aid.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function AuthPage({ mode }: { mode: 'signin' | 'signup' }) {
  const { user, signIn, signUp, expired } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fullName, setFullName] = useState('');
  // `/signup?as=recruiter` (the employer link) preselects a recruiter account.
  const [accountType, setAccountType] = useState<'candidate' | 'recruiter'>(params.get('as') === 'recruiter' ? 'recruiter' : 'candidate');
  const [showPassword, setShowPassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = { email: useId(), password: useId(), name: useId(), pwHelp: useId() };
  const isSignup = mode === 'signup';
  // Set by the settings page after DELETE /api/me answered 204; shown once.
  const [deleted] = useState(() => {
    const email = sessionStorage.getItem('talentsync.account-deleted');
    sessionStorage.removeItem('talentsync.account-deleted');
    return email;
  });

  // Recruiters land on their pipelines unless they were sent somewhere specific.
  const home = (roles: readonly string[] | undefined) => (next === '/' && hasRole(roles, 'recruiter') ? '/recruiter' : next);

  useEffect(() => {
    if (user) navigate(home(user.roles), { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user, next, navigate]);

  useEffect(() => {
    setError(null);
    document.title = `${isSignup ? 'Create account' : 'Sign in'} · TalentSync`;
  }, [isSignup]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const signedIn = isSignup
        ? await signUp(email.trim(), password, fullName.trim(), accountType)
        : await signIn(email.trim(), password);
      navigate(home(signedIn.roles), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const conflict = error instanceof ApiError && error.status === 409;
  const weak = error instanceof ApiError && error.status === 422;
  const otherMode = isSignup ? '/signin' : '/signup';
  const otherHref = params.get('next') ? `${otherMode}?next=${encodeURIComponent(next)}` : otherMode;

  return (
    <div className="auth-page">
      <div className="auth-side">
        <div className="auth-side-inner">
          <Logo />
          <h2>Practise the interview before the interview.</h2>
          <ul className="auth-points">
            <li>Questions from real interview modules, your resume, and follow-ups on what you just said.</li>
            <li>Answer by voice or text — get pace, filler words and pauses measured.</li>
            <li>A scored report: key points you covered or missed, and how to answer better.</li>
          </ul>
        </div>
      </div>
      <main className="auth-main" id="main">
        <form className="auth-card card" onSubmit={onSubmit} noValidate={false} aria-describedby={error ? 'auth-error' : undefined}>
          <div className="auth-brand-mobile">
            <Logo />
            {/* On a phone the side panel is hidden: say what the product is right here. */}
            <p className="auth-pitch" data-testid="mobile-pitch">
              Practise job interviews: answer real questions by voice or text, get follow-ups on what you said, and a scored
              report with what you covered, what you missed and how to answer better.
            </p>
          </div>
          <h1>{isSignup ? 'Create your account' : 'Welcome back'}</h1>
          <p className="muted">
            {isSignup ? 'Start practising in under a minute.' : 'Sign in to continue practising.'}
          </p>

          {deleted && !error && (
            <Alert kind="success" title="Your account was deleted">
              The account {deleted} and everything it held are gone from TalentSync.
            </Alert>
          )}
          {expired && !error && !deleted && (
            <Alert kind="info">Your session expired. Please sign in again.</Alert>
          )}
          {error !== null && (
            <div id="auth-error">
              <Alert kind="error" title={weak ? 'Please check your details' : undefined}>
                {errorMessage(error)}
                {conflict && (
                  <>
                    {' '}
                    <Link to={`/signin${params.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>Go to sign in</Link>
                  </>
                )}
              </Alert>
            </div>
          )}

          {isSignup && (
            <fieldset className="account-type">
              <legend>I want to</legend>
              <label className="field-check">
                <input
                  type="radio"
                  name="account_type"
                  value="candidate"
                  checked={accountType === 'candidate'}
                  onChange={() => setAccountType('candidate')}
                />
                practise interviews
              </label>
              <label className="field-check">
                <input
                  type="radio"
                  name="account_type"
                  value="recruiter"
                  checked={accountType === 'recruiter'}
                  onChange={() => setAccountType('recruiter')}
                />
                hire: invite candidates and compare their interviews
              </label>
            </fieldset>
          )}
          {isSignup && (
            <div className="field">
              <label htmlFor={ids.name}>Full name</label>
              <input
                id={ids.name}
                name="full_name"
                autoComplete="name"
                required
                value={fullName}
                onChange={(e) => setFullName(e.target.value)}
              />
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.email}>Email</label>
            <input
              id={ids.email}
              name="email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={conflict || undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.password}>Password</label>
            <div className="input-with-action">
              <input
                id={ids.password}
                name="password"
                type={showPassword ? 'text' : 'password'}
                autoComplete={isSignup ? 'new-password' : 'current-password'}
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-describedby={isSignup ? ids.pwHelp : undefined}
                aria-invalid={weak || undefined}
              />
              <button
                type="button"
                className="input-action"
                onClick={() => setShowPassword((s) => !s)}
                aria-pressed={showPassword}
              >
                {showPassword ? 'Hide' : 'Show'}
              </button>
            </div>
            {isSignup && (
              <div className="hint" id={ids.pwHelp}>
                <span>Your password needs:</span>
                <ul className="pw-rules" data-testid="password-rules">
                  {passwordRules(password, email).map((r) => (
                    <li key={r.text} className={password && r.ok ? 'pw-ok' : ''}>
                      <span aria-hidden="true">{password && r.ok ? '✓' : '•'}</span> {r.text}
                      {password && <span className="sr-only">{r.ok ? ' (met)' : ' (not yet)'}</span>}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
          <button type="submit" className="btn btn-primary btn-block btn-lg" disabled={busy}>
            {busy && <Spinner size="sm" label={isSignup ? 'Creating account…' : 'Signing in…'} />}
            {isSignup ? 'Create account' : 'Sign in'}
          </button>
          <p className="auth-switch">
            {isSignup ? 'Already have an account?' : 'New to TalentSync?'}{' '}
            <Link to={otherHref}>{isSignup ? 'Sign in' : 'Create an account'}</Link>
          </p>
        </form>
      </main>
    </div>
  );
}
