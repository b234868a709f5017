import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, PolarAngleAxis, PolarGrid, PolarRadiusAxis, Radar, RadarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { dimensionLabel, scoreTone } from '../lib/format';

const TONE_COLORS = { good: '#16a34a', ok: '#d97706', weak: '#dc2626' } as const;

/** True on narrow screens, where a radar's axis labels ("Ideal-answer similarity"…) do not fit. */
function useNarrow(query = '(max-width: 640px)'): boolean {
  const [narrow, setNarrow] = useState(() => typeof window !== 'undefined' && window.matchMedia?.(query).matches);
  useEffect(() => {
    const mq = window.matchMedia?.(query);
    if (!mq) return;
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return !!narrow;
}

export function DimensionChart({ dimensions, variant = 'radar' }: { dimensions: Record<string, number>; variant?: 'radar' | 'bar' }) {
  const narrow = useNarrow();
  const data = Object.entries(dimensions)
    .filter(([, v]) => typeof v === 'number')
    .map(([name, score]) => ({ name: dimensionLabel(name), score: Math.round(score * 10) / 10 }));
  if (data.length === 0) return null;
  const summary = data.map((d) => `${d.name} ${Math.round(d.score)}`).join(', ');

  // A radar needs at least three axes to be readable; fewer dimensions read better as bars.
  if (variant === 'radar' && data.length >= 3 && !narrow) {
    return (
      <figure className="chart" aria-label={`Score by dimension: ${summary}`}>
        <ResponsiveContainer width="100%" height={300}>
          <RadarChart data={data} outerRadius="72%" margin={{ top: 10, right: 30, bottom: 10, left: 30 }}>
            <PolarGrid stroke="var(--border)" />
            <PolarAngleAxis dataKey="name" tick={{ fill: 'var(--text-2)', fontSize: 12 }} />
            <PolarRadiusAxis domain={[0, 100]} tickCount={5} tick={{ fill: 'var(--text-3)', fontSize: 10 }} axisLine={false} angle={90} />
            <Radar dataKey="score" name="Score" stroke="var(--brand)" fill="var(--brand)" fillOpacity={0.25} strokeWidth={2} isAnimationActive={false} />
            <Tooltip formatter={(v) => [`${Math.round(Number(v))} / 100`, 'Score']} />
          </RadarChart>
        </ResponsiveContainer>
        <figcaption className="sr-only">{summary}</figcaption>
      </figure>
    );
  }
  return (
    <figure className="chart" aria-label={`Score by dimension: ${summary}`}>
      <ResponsiveContainer width="100%" height={Math.max(160, data.length * 40)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid horizontal={false} stroke="var(--border)" />
          <XAxis type="number" domain={[0, 100]} tick={{ fill: 'var(--text-3)', fontSize: 11 }} />
          <YAxis type="category" dataKey="name" width={narrow ? 118 : 140} tick={{ fill: 'var(--text-2)', fontSize: 12 }} />
          <Tooltip formatter={(v) => [`${Math.round(Number(v))} / 100`, 'Score']} cursor={{ fill: 'var(--surface-2)' }} />
          <Bar dataKey="score" radius={[0, 4, 4, 0]} isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.name} fill={TONE_COLORS[scoreTone(d.score)]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}
