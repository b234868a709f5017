import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { dimensionLabel, formatDate, formatScore, scoreTone } from '../lib/format';
import { change, changeText, dimensionsOf, seriesRows, type ChartRow } from './progress';
import type { DeliveryPoint, ModuleProgress } from './types';

const AXIS_TICK = { fill: 'var(--text-3)', fontSize: 11 };

function dateOf(rows: ChartRow[], label: unknown): string {
  const row = rows.find((r) => r.label === label);
  return row ? formatDate(String(row.date)) : String(label);
}

/** Overall score of one module over its sessions, large. */
export function OverallTrend({ module }: { module: ModuleProgress }) {
  const rows = seriesRows(module.series);
  const summary = rows.map((r) => `${r.label} ${formatScore(r.overall as number | null)}`).join(', ');
  return (
    <figure className="chart trend-chart" aria-label={`Overall score per session in ${module.module.name}: ${summary}`} data-testid="overall-trend">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={rows} margin={{ top: 12, right: 16, bottom: 4, left: -12 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} />
          <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tick={AXIS_TICK} tickLine={false} axisLine={false} />
          <Tooltip
            labelFormatter={(label) => `${label} · ${dateOf(rows, label)}`}
            formatter={(v) => [`${Math.round(Number(v))} / 100`, 'Overall']}
          />
          <Line type="monotone" dataKey="overall" name="Overall" stroke="var(--brand)" strokeWidth={3} dot={{ r: 4 }} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}

/** One small chart per scoring dimension, each with its latest value and change. */
export function DimensionTrends({ module }: { module: ModuleProgress }) {
  const rows = seriesRows(module.series);
  const dims = dimensionsOf(module.series);
  if (dims.length === 0) return null;
  return (
    <ul className="dimension-trends" aria-label="Each dimension over time" data-testid="dimension-trends">
      {dims.map((d) => {
        const latest = [...rows].reverse().find((r) => typeof r[d] === 'number')?.[d] as number | undefined;
        const delta = change(module.series, d);
        return (
          <li key={d} className="dimension-trend">
            <div className="dimension-trend-head">
              <span className="dimension-trend-name">{dimensionLabel(d)}</span>
              <span className={`score-pill tone-${scoreTone(latest ?? null)}`}>{formatScore(latest ?? null)}</span>
            </div>
            <figure className="chart" aria-label={`${dimensionLabel(d)}: ${rows.map((r) => `${r.label} ${formatScore(r[d] as number | null)}`).join(', ')}`}>
              <ResponsiveContainer width="100%" height={90}>
                <LineChart data={rows} margin={{ top: 6, right: 6, bottom: 0, left: 6 }}>
                  <YAxis domain={[0, 100]} hide />
                  <XAxis dataKey="label" hide />
                  <Tooltip labelFormatter={(label) => `${label} · ${dateOf(rows, label)}`} formatter={(v) => [`${Math.round(Number(v))} / 100`, dimensionLabel(d)]} />
                  <Line type="monotone" dataKey={d} stroke="var(--brand)" strokeWidth={2} dot={{ r: 2.5 }} connectNulls isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </figure>
            <span className="muted small">{changeText(delta, true)}</span>
          </li>
        );
      })}
    </ul>
  );
}

const DELIVERY_METRICS: { key: 'wpm' | 'fillers_per_min' | 'long_pauses_per_min'; title: string; unit: string; digits: number }[] = [
  { key: 'wpm', title: 'Pace', unit: 'words/min', digits: 0 },
  { key: 'fillers_per_min', title: 'Fillers', unit: 'per minute', digits: 1 },
  { key: 'long_pauses_per_min', title: 'Long pauses', unit: 'per minute', digits: 1 },
];

/** Pace, fillers and long pauses of voice answers per session, with the target band shaded. */
export function DeliveryTrends({ series, targets }: { series: DeliveryPoint[]; targets: Record<string, { low: number; high: number }> }) {
  const rows = series.map((s, i) => ({ ...s, label: `#${i + 1}`, date: s.created_at }));
  return (
    <ul className="delivery-trends" data-testid="delivery-trends">
      {DELIVERY_METRICS.map((m) => {
        const band = targets[m.key];
        const values = rows.map((r) => r[m.key]).filter((v): v is number => typeof v === 'number');
        const latest = values[values.length - 1];
        const top = Math.max(band ? band.high * 1.5 : 1, ...values.map((v) => v * 1.1));
        const onTarget = latest !== undefined && band ? latest >= band.low && latest <= band.high : undefined;
        return (
          <li key={m.key} className="delivery-trend">
            <div className="dimension-trend-head">
              <span className="dimension-trend-name">{m.title}</span>
              <span className={`score-pill tone-${onTarget === undefined ? 'ok' : onTarget ? 'good' : 'weak'}`}>
                {latest === undefined ? '—' : latest.toFixed(m.digits)}
              </span>
            </div>
            <figure className="chart" aria-label={`${m.title} (${m.unit}) per session: ${values.map((v) => v.toFixed(m.digits)).join(', ')}`}>
              <ResponsiveContainer width="100%" height={120}>
                <LineChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: -18 }}>
                  <CartesianGrid stroke="var(--border)" vertical={false} />
                  {band && <ReferenceArea y1={band.low} y2={band.high} fill="var(--good)" fillOpacity={0.12} stroke="none" ifOverflow="extendDomain" />}
                  <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} />
                  <YAxis domain={[0, Math.ceil(top)]} tick={AXIS_TICK} tickLine={false} axisLine={false} allowDecimals={m.digits > 0} />
                  <Tooltip
                    labelFormatter={(label) => `${label} · ${formatDate(String(rows.find((r) => r.label === label)?.date ?? ''))}`}
                    formatter={(v) => [`${Number(v).toFixed(m.digits)} ${m.unit}`, m.title]}
                  />
                  <Line type="monotone" dataKey={m.key} stroke="var(--brand)" strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </figure>
            <span className="muted small">
              {m.unit}
              {band ? ` · target ${band.low}–${band.high}` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
