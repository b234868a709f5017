import type { ReactNode } from 'react';
import type { ParsedResume, ResumeProject, ResumeSource } from '../api/types';

/**
 * Where an item was read from, as a quiet caption under it: the candidate can check a doubtful
 * item against their own words. Plain text (not a hover-only tooltip), so screen readers and
 * touch screens get it too; long lines are cut visually, with the whole line in `title`.
 */
export function SourceCaption({ source }: { source?: ResumeSource | null }) {
  if (!source || !source.line) return null;
  const text = (source.text ?? '').trim();
  return (
    <p className="source-line" title={text || undefined} data-testid="source-line">
      <span className="source-line-no">Line {source.line}</span>
      {text ? <span className="source-line-text">“{text}”</span> : null}
    </p>
  );
}

function ProjectItem({ project }: { project: ResumeProject }) {
  const tech = project.technologies ?? [];
  const bullets = (project.bullets ?? []).filter(Boolean);
  return (
    <li className="extra-item" data-testid="project">
      <h3 className="extra-name">{project.name}</h3>
      {project.description ? <p className="extra-desc">{project.description}</p> : null}
      {tech.length > 0 && (
        <ul className="chip-list" aria-label={`Technologies in ${project.name}`}>
          {tech.map((t) => (
            <li key={t} className="chip chip-static">
              {t}
            </li>
          ))}
        </ul>
      )}
      {bullets.length > 0 && (
        <ul className="extra-bullets">
          {bullets.map((b, i) => (
            <li key={i}>{b}</li>
          ))}
        </ul>
      )}
      {project.link ? <p className="small muted extra-link">{project.link}</p> : null}
      <SourceCaption source={project.source} />
    </li>
  );
}

function StringList({ items, sources, testId }: { items: string[]; sources?: Record<string, ResumeSource>; testId: string }) {
  return (
    <ul className="extra-list">
      {items.map((item) => (
        <li key={item} className="extra-item" data-testid={testId}>
          <span className="extra-name">{item}</span>
          <SourceCaption source={sources?.[item]} />
        </li>
      ))}
    </ul>
  );
}

/**
 * Projects, certifications and publications as the parser read them. Read-only here: questions
 * drawn from them quote these lines, and correcting them means uploading a corrected resume.
 */
export function ResumeExtras({ parsed }: { parsed: ParsedResume }) {
  const projects = parsed.projects ?? [];
  const certifications = parsed.certifications ?? [];
  const publications = parsed.publications ?? [];
  const sections: { id: string; title: string; count: number; empty: string; body: ReactNode }[] = [
    {
      id: 'sec-projects',
      title: 'Projects',
      count: projects.length,
      empty: 'No projects found.',
      body: (
        <ul className="extra-list">
          {projects.map((p, i) => (
            <ProjectItem key={`${p.name}-${i}`} project={p} />
          ))}
        </ul>
      ),
    },
    {
      id: 'sec-certs',
      title: 'Certifications',
      count: certifications.length,
      empty: 'No certifications found.',
      body: <StringList items={certifications} sources={parsed.sources?.certifications} testId="certification" />,
    },
    {
      id: 'sec-pubs',
      title: 'Publications and talks',
      count: publications.length,
      empty: 'No publications found.',
      body: <StringList items={publications} sources={parsed.sources?.publications} testId="publication" />,
    },
  ];
  return (
    <>
      {sections.map((s) => (
        <section key={s.id} className="card form-section" aria-labelledby={s.id} data-testid={s.id}>
          <h2 id={s.id}>
            {s.title} <span className="count">{s.count}</span>
          </h2>
          {s.count === 0 ? <p className="muted">{s.empty}</p> : s.body}
        </section>
      ))}
      <p className="small muted extra-note">
        Projects, certifications and publications are shown as read from your file; to change them, upload a corrected resume.
      </p>
    </>
  );
}
