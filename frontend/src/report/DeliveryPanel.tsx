import { useEffect, useRef, useState, type RefObject } from 'react';
import { errorMessage, fetchBlobUrl } from '../api/client';
import type { Band, Delivery } from '../api/types';
import { Spinner } from '../components/ui';
import { formatClock } from '../lib/format';
import { bandScale, deliveryBands, timelineLength, timelineMarks, verdictText } from './delivery';

const METRIC_LABELS: Record<string, { label: string; unit: string; digits: number }> = {
  wpm: { label: 'Speaking pace', unit: 'words / min', digits: 0 },
  fillers_per_min: { label: 'Filler words', unit: 'per min', digits: 1 },
  hedges_per_min: { label: 'Hedging phrases', unit: 'per min', digits: 1 },
  long_pauses_per_min: { label: 'Long pauses', unit: 'per min', digits: 1 },
};

function BandGauge({ metric, band }: { metric: string; band: Band }) {
  const meta = METRIC_LABELS[metric] ?? { label: metric.replace(/_/g, ' '), unit: '', digits: 1 };
  const s = bandScale(band);
  const tone = band.verdict === 'ok' ? 'good' : 'ok';
  return (
    <div className="band" data-testid={`band-${metric}`}>
      <div className="band-head">
        <span className="band-label">{meta.label}</span>
        <span className={`chip chip-${tone}`}>{verdictText(metric, band.verdict)}</span>
      </div>
      <div className="band-value">
        <strong>{band.value.toFixed(meta.digits)}</strong> <span className="muted small">{meta.unit}</span>
      </div>
      <div
        className="band-track"
        role="meter"
        aria-label={`${meta.label}: ${band.value.toFixed(meta.digits)} ${meta.unit}, target ${band.target_low}–${band.target_high}`}
        aria-valuemin={s.min}
        aria-valuemax={s.max}
        aria-valuenow={band.value}
      >
        <div className="band-target" style={{ left: `${s.low}%`, width: `${s.high - s.low}%` }} />
        <div className={`band-marker tone-bg-${tone}`} style={{ left: `${s.value}%` }} />
      </div>
      <div className="band-scale small muted">
        <span>target {band.target_low}–{band.target_high}</span>
      </div>
    </div>
  );
}

function AnswerAudio({
  url,
  audioRef,
  onTime,
}: {
  url: string;
  audioRef: RefObject<HTMLAudioElement | null>;
  onTime: (t: number) => void;
}) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    let made: string | null = null;
    // The audio endpoint needs the bearer token, which an <audio src> cannot send.
    fetchBlobUrl(url, ctrl.signal)
      .then((u) => {
        made = u;
        setSrc(u);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(err);
      });
    return () => {
      ctrl.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  if (error) return <p className="error-text small">Recording unavailable: {errorMessage(error)}</p>;
  if (!src)
    return (
      <p className="muted small">
        <Spinner size="sm" label="Loading recording…" /> Loading recording…
      </p>
    );
  return (
    <audio
      ref={audioRef}
      controls
      src={src}
      className="voice-audio"
      aria-label="Your recorded answer"
      data-testid="answer-audio"
      onTimeUpdate={(e) => onTime(e.currentTarget.currentTime)}
    />
  );
}

export function DeliveryPanel({ delivery, audioUrl }: { delivery: Delivery; audioUrl: string | null }) {
  const bands = deliveryBands(delivery);
  const marks = timelineMarks(delivery);
  const length = timelineLength(delivery);
  const audioRef = useRef<HTMLAudioElement | null>(null);
  const [playhead, setPlayhead] = useState<number | null>(null);

  function seek(t: number) {
    const el = audioRef.current;
    if (!el) return;
    el.currentTime = Math.max(0, t - 0.5);
    void el.play().catch(() => undefined);
  }

  const counts = {
    filler: marks.filter((m) => m.kind === 'filler').length,
    hedge: marks.filter((m) => m.kind === 'hedge').length,
    pause: marks.filter((m) => m.kind === 'pause').length,
  };

  return (
    <div className="delivery" data-testid="delivery">
      <h4 className="subhead">Delivery</h4>
      <div className="band-grid">
        {Object.entries(bands).map(([metric, band]) => (
          <BandGauge key={metric} metric={metric} band={band} />
        ))}
        <div className="band stat-stack">
          <div>
            <span className="band-label">Speaking time</span>
            <strong>{formatClock(delivery.speaking_time_s ?? 0)}</strong>
          </div>
          <div>
            <span className="band-label">Silence</span>
            <strong>{formatClock(delivery.silence_s ?? 0)}</strong>
          </div>
        </div>
      </div>

      {audioUrl && <AnswerAudio url={audioUrl} audioRef={audioRef} onTime={setPlayhead} />}

      {marks.length > 0 ? (
        <div className="timeline-wrap">
          <div className="timeline" aria-label="Timeline of fillers, hedges and long pauses">
            {marks.map((m, i) =>
              m.kind === 'pause' ? (
                <button
                  key={i}
                  type="button"
                  className="tl-pause"
                  style={{ left: `${(m.start / length) * 100}%`, width: `${Math.max(0.8, (((m.end ?? m.start) - m.start) / length) * 100)}%` }}
                  title={`${m.label} at ${formatClock(m.start)}`}
                  aria-label={`${m.label} at ${formatClock(m.start)}`}
                  onClick={() => seek(m.start)}
                />
              ) : (
                <button
                  key={i}
                  type="button"
                  className={`tl-mark tl-${m.kind}`}
                  style={{ left: `${(m.start / length) * 100}%` }}
                  title={`${m.kind === 'filler' ? 'Filler' : 'Hedge'} ${m.label} at ${formatClock(m.start)}`}
                  aria-label={`${m.kind === 'filler' ? 'Filler' : 'Hedge'} ${m.label} at ${formatClock(m.start)}`}
                  onClick={() => seek(m.start)}
                />
              ),
            )}
            {playhead !== null && <div className="tl-playhead" style={{ left: `${Math.min(100, (playhead / length) * 100)}%` }} aria-hidden="true" />}
          </div>
          <div className="timeline-axis small muted" aria-hidden="true">
            <span>0:00</span>
            <span>{formatClock(length / 2)}</span>
            <span>{formatClock(length)}</span>
          </div>
          <div className="legend small">
            <span>
              <i className="lg lg-filler" /> Fillers ({counts.filler})
            </span>
            <span>
              <i className="lg lg-hedge" /> Hedges ({counts.hedge})
            </span>
            <span>
              <i className="lg lg-pause" /> Long pauses ({counts.pause})
            </span>
            {audioUrl && <span className="muted">Click a mark to hear that moment.</span>}
          </div>
        </div>
      ) : (
        <p className="muted small">No filler words, hedges or long pauses detected. Nicely delivered.</p>
      )}
    </div>
  );
}
