import { useEffect, useRef, useState } from 'react';
import { ApiError, api, wsUrl } from '../api/client';
import type { EventMessage } from '../api/types';

export type EventsMode = 'connecting' | 'live' | 'polling';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_RECONNECTS = 5;
/** Close codes the API uses when it refuses a socket (see api/routes/events.py). */
const CLOSE_BAD_TICKET = 4401;
const CLOSE_OVER_CAP = 4429;

interface Ticket {
  ticket: string;
  expires_in: number;
  url: string;
}

/**
 * Subscribes to `WS /api/sessions/{id}/events`. While the socket is not open the mode is
 * `polling`, and the caller polls `GET /api/sessions/{id}` instead; reconnects back off.
 *
 * The sign-in token never goes into the socket URL (URLs end up in logs): each connection first
 * gets a single-use, 30-second ticket from `POST /api/sessions/{id}/events/ticket`.
 */
export function useSessionEvents(sessionId: string | undefined, onEvent: (msg: EventMessage) => void, enabled = true): EventsMode {
  const [mode, setMode] = useState<EventsMode>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!sessionId || !enabled) return;
    if (typeof WebSocket === 'undefined') {
      setMode('polling');
      return;
    }
    let ws: WebSocket | null = null;
    let stopped = false;
    let attempts = 0;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;

    const scheduleReconnect = () => {
      if (stopped || attempts >= MAX_RECONNECTS) return;
      const delay = Math.min(30000, 1000 * 2 ** attempts);
      attempts += 1;
      reconnectTimer = setTimeout(() => void connect(), delay);
    };

    const connect = async () => {
      let ticket: Ticket;
      try {
        ticket = await api.post<Ticket>(`/api/sessions/${encodeURIComponent(sessionId)}/events/ticket`);
      } catch (err) {
        if (stopped) return;
        setMode('polling');
        // Rate limited: wait as long as the server asks before trying live updates again.
        if (err instanceof ApiError && err.status === 429) attempts = Math.max(attempts, MAX_RECONNECTS - 1);
        if (!(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500) scheduleReconnect();
        return;
      }
      if (stopped) return;
      try {
        ws = new WebSocket(wsUrl(ticket.url));
      } catch {
        setMode('polling');
        return;
      }
      const socket = ws;
      connectTimer = setTimeout(() => {
        // A proxy that swallows the upgrade leaves the socket CONNECTING forever: poll meanwhile.
        if (socket.readyState !== WebSocket.OPEN) setMode('polling');
      }, CONNECT_TIMEOUT_MS);
      socket.onopen = () => {
        clearTimeout(connectTimer);
        setMode('live');
      };
      socket.onmessage = (ev: MessageEvent) => {
        if (typeof ev.data !== 'string') return;
        attempts = 0; // a socket that delivered events was a good one
        try {
          const msg = JSON.parse(ev.data) as EventMessage;
          if (msg && typeof msg.type === 'string') handler.current(msg);
        } catch {
          // Ignore frames that are not our JSON events (e.g. keep-alive text).
        }
      };
      socket.onclose = (ev: CloseEvent) => {
        clearTimeout(connectTimer);
        if (stopped) return;
        setMode('polling');
        // Too many tabs open live updates: this one polls instead of competing for a slot.
        if (ev.code === CLOSE_OVER_CAP) return;
        if (ev.code === CLOSE_BAD_TICKET && attempts > 0) return; // a fresh ticket did not help either
        scheduleReconnect();
      };
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(connectTimer);
      if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
    };
  }, [sessionId, enabled]);

  return mode;
}
