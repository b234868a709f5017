import { useEffect, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { hasRole, initials } from '../lib/format';

export function Logo() {
  return (
    <span className="logo">
      <svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--brand)" />
        <path d="M9 11h14M16 11v12" stroke="#fff" strokeWidth="3.2" strokeLinecap="round" />
        <circle cx="23" cy="22" r="3" fill="#a5b4fc" />
      </svg>
      <span className="logo-text">TalentSync</span>
    </span>
  );
}

export function Layout() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const isStaff = hasRole(user?.roles, 'staff', 'admin');
  const isRecruiter = hasRole(user?.roles, 'recruiter');
  const isCandidate = hasRole(user?.roles, 'candidate');

  useEffect(() => setMenuOpen(false), [location.pathname]);

  // A live interview room (/sessions/:id) belongs to Practice; reports and the list to Progress.
  const inRoom = /^\/sessions\/[^/]+$/.test(location.pathname);
  const links = [
    { to: '/', label: 'Practice', end: true },
    { to: '/progress', label: 'Progress' },
    { to: '/resumes', label: 'Resumes' },
    ...(isRecruiter ? [{ to: '/recruiter', label: 'Pipelines' }] : []),
    ...(isCandidate ? [{ to: '/employers', label: 'Employers' }] : []),
    { to: '/settings', label: 'Settings' },
    // One entry for the staff console; its sections are tabs on its pages (components/StaffTabs).
    ...(isStaff ? [{ to: '/admin/sessions', label: 'Staff' }] : []),
  ];

  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <div className="header-inner">
          <Link to="/" className="brand" aria-label="TalentSync home">
            <Logo />
          </Link>
          <button
            type="button"
            className="icon-btn menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            aria-label="Menu"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span aria-hidden="true">☰</span>
          </button>
          <nav id="main-nav" className={`main-nav ${menuOpen ? 'open' : ''}`} aria-label="Main">
            {links.map((l) => (
              <NavLink
                key={l.to}
                to={l.to}
                end={'end' in l ? l.end : undefined}
                className={({ isActive }) =>
                  `nav-link ${(inRoom ? l.to === '/' : isActive || (l.to === '/admin/sessions' && location.pathname.startsWith('/admin/'))) ? 'active' : ''}`
                }
              >
                {l.label}
              </NavLink>
            ))}
            {user && (
              <div className="user-box">
                <span className="avatar" aria-hidden="true">
                  {initials(user.full_name, user.email[0]?.toUpperCase())}
                </span>
                <span className="user-meta">
                  <span className="user-name" data-testid="user-name">
                    {user.full_name || user.email}
                  </span>
                  <span className="user-email">{user.email}</span>
                </span>
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => {
                    signOut();
                    navigate('/signin');
                  }}
                >
                  Sign out
                </button>
              </div>
            )}
          </nav>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="app-footer">
        <span>TalentSync — open-source interview practice.</span>
      </footer>
    </div>
  );
}
