import { NavLink } from 'react-router';

const TABS = [
  { to: '/admin/sessions', label: 'Sessions' },
  { to: '/admin/scoring-failures', label: 'Scoring failures' },
  { to: '/admin/questions', label: 'Question bank' },
];

/** The staff console's sections: one "Staff" entry in the main menu, the sections here. */
export function StaffTabs() {
  return (
    <nav className="tabs staff-tabs" aria-label="Staff console">
      {TABS.map((t) => (
        <NavLink key={t.to} to={t.to} className={({ isActive }) => `tab ${isActive ? 'active' : ''}`}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}
