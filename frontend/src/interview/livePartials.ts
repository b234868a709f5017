// Live transcript while recording: MediaRecorder's chunks are batched and uploaded about once a
// second to POST /api/sessions/{id}/answers/audio/partial. One upload at a time per recording,
// in order, so the server's chunks 0..n always join into a valid stream; the server runs at most
// one draft pass per recording and pushes `transcript_partial` events over the WebSocket.

import { getToken } from '../api/client';

// A draft pass costs about the same for 1 s of audio as for 10 s (Whisper pads to 30 s), and only
// one runs at a time per recording, so sending more often than this buys nothing.
const SEND_EVERY_MS = 700;
/** After this many failed uploads in a row the draft is given up for this recording (the answer itself is unaffected). */
const MAX_FAILURES = 3;

export function newRecordingId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface PartialUploader {
  recordingId: string;
  push: (chunk: Blob) => void;
  stop: () => void;
}

export function startPartialUploads(sessionId: string, onUnavailable: () => void): PartialUploader {
  const recordingId = newRecordingId();
  let pending: Blob[] = [];
  let index = 0;
  let inFlight = false;
  let failures = 0;
  let stopped = false;
  // The first upload waits one interval too: the header plus 0.25 s of audio has no words yet.
  let lastSent = performance.now();

  const flush = async () => {
    if (inFlight || stopped || pending.length === 0) return;
    inFlight = true;
    const batch = new Blob(pending, { type: pending[0].type || 'audio/webm' });
    pending = [];
    const form = new FormData();
    form.append('recording_id', recordingId);
    form.append('chunk_index', String(index));
    form.append('file', batch, `chunk-${index}.webm`);
    lastSent = performance.now();
    try {
      const token = getToken();
      const res = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/answers/audio/partial`, {
        method: 'POST',
        body: form,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      if (!res.ok) throw new Error(String(res.status));
      index += 1;
      failures = 0;
    } catch {
      // The chunk must not be lost: later chunks continue its stream. Put it back and retry.
      pending = [batch, ...pending];
      failures += 1;
      if (failures >= MAX_FAILURES) {
        stopped = true;
        onUnavailable();
      }
    } finally {
      inFlight = false;
    }
  };

  const timer = setInterval(() => {
    if (performance.now() - lastSent >= SEND_EVERY_MS) void flush();
  }, 200);

  return {
    recordingId,
    push: (chunk: Blob) => {
      if (stopped || chunk.size === 0) return;
      pending.push(chunk);
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
