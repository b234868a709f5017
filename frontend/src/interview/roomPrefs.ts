// Room preferences chosen in the start form: an optional per-question timer and reading the
// question aloud. Kept in localStorage (per browser), so the next interview starts the same way.

export type TimerMinutes = 0 | 1 | 2 | 3;

export interface RoomPrefs {
  /** 0: no timer. Otherwise a countdown per question; it warns, it never submits by itself. */
  timerMinutes: TimerMinutes;
  /** Read each new question aloud as it appears (the read-aloud button is always there). */
  autoRead: boolean;
}

const KEY = 'talentsync.roomPrefs';
export const DEFAULT_PREFS: RoomPrefs = { timerMinutes: 0, autoRead: false };

export function loadPrefs(): RoomPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<RoomPrefs> | null;
    const minutes = Number(raw?.timerMinutes);
    return {
      timerMinutes: ([0, 1, 2, 3] as const).includes(minutes as TimerMinutes) ? (minutes as TimerMinutes) : 0,
      autoRead: raw?.autoRead === true,
    };
  } catch {
    return DEFAULT_PREFS;
  }
}

export function savePrefs(prefs: RoomPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Private mode or storage full: the defaults apply next time.
  }
}

/** The seconds left shown as m:ss, and the timer's phase for styling and announcements. */
export function timerPhase(secondsLeft: number): 'running' | 'warning' | 'up' {
  if (secondsLeft <= 0) return 'up';
  return secondsLeft <= 15 ? 'warning' : 'running';
}
