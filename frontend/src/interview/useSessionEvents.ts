import { useEffect, useRef, useState } from 'react';
import { getToken, wsUrl } from '../api/client';
import type { EventMessage } from '../api/types';

export type EventsMode = 'connecting' | 'live' | 'polling';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_RECONNECTS = 5;

/**
 * Subscribes to `WS /api/sessions/{id}/events`. While the socket is not open the mode is
 * `polling`, and the caller polls `GET /api/sessions/{id}` instead; reconnects back off.
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

    const connect = () => {
      const token = getToken() ?? '';
      try {
        ws = new WebSocket(wsUrl(`/api/sessions/${encodeURIComponent(sessionId)}/events?token=${encodeURIComponent(token)}`));
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
        attempts = 0;
        setMode('live');
      };
      socket.onmessage = (ev: MessageEvent) => {
        if (typeof ev.data !== 'string') return;
        try {
          const msg = JSON.parse(ev.data) as EventMessage;
          if (msg && typeof msg.type === 'string') handler.current(msg);
        } catch {
          // Ignore frames that are not our JSON events (e.g. keep-alive text).
        }
      };
      socket.onclose = () => {
        clearTimeout(connectTimer);
        if (stopped) return;
        setMode('polling');
        if (attempts < MAX_RECONNECTS) {
          const delay = Math.min(30000, 1000 * 2 ** attempts);
          attempts += 1;
          reconnectTimer = setTimeout(connect, delay);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(connectTimer);
      if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
    };
  }, [sessionId, enabled]);

  return mode;
}
