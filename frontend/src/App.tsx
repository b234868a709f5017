import { lazy, Suspense, type ReactNode } from 'react';
import { Compass, Lock } from 'lucide-react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/AuthContext';
import { Layout } from './components/Layout';
import { LoadingBlock, EmptyState } from './components/ui';
import { hasRole } from './lib/format';
import { AuthPage } from './pages/AuthPage';
import { Dashboard } from './pages/Dashboard';
import { InterviewRoom } from './pages/InterviewRoom';
import { ResumesPage } from './pages/ResumesPage';
import { ResumeReviewPage } from './pages/ResumeReviewPage';
import { AdminFailuresPage } from './pages/AdminFailuresPage';
import { QuestionBankPage } from './pages/QuestionBankPage';
import { SettingsPage } from './pages/SettingsPage';
import { StaffSessionsPage } from './pages/StaffSessionsPage';
import { StaffSessionPage } from './pages/StaffSessionPage';
import { RecruiterPage } from './pages/RecruiterPage';
import { SharingPage } from './pages/SharingPage';

// The report pulls in the charting library; load it only when a report is opened.
const ReportPage = lazy(() => import('./pages/ReportPage').then((m) => ({ default: m.ReportPage })));
const ProgressPage = lazy(() => import('./pages/ProgressPage').then((m) => ({ default: m.ProgressPage })));

function RequireAuth({ children }: { children: ReactNode }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <LoadingBlock label="Signing you in…" />;
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/signin${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

function RequireStaff({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (!hasRole(user?.roles, 'staff', 'admin')) {
    return (
      <EmptyState icon={<Lock />} title="Staff only" action={<Link className="btn btn-primary" to="/">Back to practice</Link>}>
        This page is for support staff and admins.
      </EmptyState>
    );
  }
  return <>{children}</>;
}

function RequireRecruiter({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (!hasRole(user?.roles, 'recruiter', 'admin')) {
    return (
      <EmptyState icon={<Lock />} title="Recruiters only" action={<Link className="btn btn-primary" to="/">Back to practice</Link>}>
        Hiring pipelines are for recruiter accounts.
      </EmptyState>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  return (
    <EmptyState icon={<Compass />} title="Page not found" action={<Link className="btn btn-primary" to="/">Go to dashboard</Link>}>
      The page you were looking for does not exist.
    </EmptyState>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<AuthPage mode="signin" />} />
      <Route path="/signup" element={<AuthPage mode="signup" />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<Dashboard />} />
        {/* The session list grew into the progress page; old links to /sessions land there. */}
        <Route path="sessions" element={<Navigate to="/progress" replace />} />
        <Route
          path="progress"
          element={
            <Suspense fallback={<LoadingBlock label="Loading your progress…" />}>
              <ProgressPage />
            </Suspense>
          }
        />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="sessions/:id" element={<InterviewRoom />} />
        <Route
          path="sessions/:id/report"
          element={
            <Suspense fallback={<LoadingBlock label="Loading your report…" />}>
              <ReportPage />
            </Suspense>
          }
        />
        <Route path="resumes" element={<ResumesPage />} />
        <Route path="resumes/:id" element={<ResumeReviewPage />} />
        <Route
          path="admin/scoring-failures"
          element={
            <RequireStaff>
              <AdminFailuresPage />
            </RequireStaff>
          }
        />
        <Route
          path="admin/sessions"
          element={
            <RequireStaff>
              <StaffSessionsPage />
            </RequireStaff>
          }
        />
        <Route
          path="admin/sessions/:id"
          element={
            <RequireStaff>
              <StaffSessionPage />
            </RequireStaff>
          }
        />
        <Route
          path="recruiter"
          element={
            <RequireRecruiter>
              <RecruiterPage />
            </RequireRecruiter>
          }
        />
        <Route path="employers" element={<SharingPage />} />
        <Route
          path="admin/questions"
          element={
            <RequireStaff>
              <QuestionBankPage />
            </RequireStaff>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
