import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, UNAUTHORIZED_EVENT, api, getToken, request, setToken } from '../api/client';
import type { User } from '../api/types';

interface AuthState {
  user: User | null;
  /** True while the stored token is being checked against `/api/users/me`. */
  loading: boolean;
  /** Set when the user was signed out because the server answered 401. */
  expired: boolean;
  signIn: (email: string, password: string) => Promise<User>;
  signUp: (email: string, password: string, fullName: string, accountType?: 'candidate' | 'recruiter') => Promise<User>;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState<boolean>(() => !!getToken());
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    if (!getToken()) return;
    let cancelled = false;
    api
      .get<User>('/api/users/me')
      .then((me) => {
        if (!cancelled) setUser(me);
      })
      .catch(() => {
        // A 401 already cleared the token; any other failure leaves the user signed out too.
        if (!cancelled) setUser(null);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    const onUnauthorized = () => {
      setUser((prev) => {
        if (prev) setExpired(true);
        return null;
      });
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const form = new URLSearchParams({ username: email, password });
    let token: string;
    try {
      const res = await request<{ access_token: string }>('POST', '/api/auth/token', { form, anonymous: true });
      token = res.access_token;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
        throw new ApiError(err.status, err.detail, 'Incorrect email or password.');
      }
      throw err;
    }
    setToken(token);
    const me = await api.get<User>('/api/users/me');
    setExpired(false);
    setUser(me);
    return me;
  }, []);

  const signUp = useCallback(
    async (email: string, password: string, fullName: string, accountType: 'candidate' | 'recruiter' = 'candidate') => {
      try {
        await request('POST', '/api/auth/register', {
          body: { email, password, full_name: fullName, account_type: accountType },
          anonymous: true,
        });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          throw new ApiError(409, err.detail, 'That email is already registered. Sign in instead?');
        }
        throw err;
      }
      return signIn(email, password);
    },
    [signIn],
  );

  const signOut = useCallback(() => {
    setToken(null);
    setExpired(false);
    setUser(null);
  }, []);

  const value = useMemo(
    () => ({ user, loading, expired, signIn, signUp, signOut }),
    [user, loading, expired, signIn, signUp, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
