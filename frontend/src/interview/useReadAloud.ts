import { useCallback, useEffect, useState } from 'react';

/** The browser's speech synthesis, when it has one (not every browser or OS ships voices). */
export function speechAvailable(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined';
}

/**
 * Reads `text` aloud on request, and by itself when `auto` is on and the text changes. Speech
 * stops when the text changes or the room closes, so two questions never talk over each other.
 */
export function useReadAloud(text: string | null, auto: boolean) {
  const [speaking, setSpeaking] = useState(false);
  const available = speechAvailable();

  const stop = useCallback(() => {
    if (!available) return;
    window.speechSynthesis.cancel();
    setSpeaking(false);
  }, [available]);

  const speak = useCallback(() => {
    if (!available || !text) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = 'en-US';
    utterance.rate = 0.95;
    utterance.onend = () => setSpeaking(false);
    utterance.onerror = () => setSpeaking(false);
    setSpeaking(true);
    window.speechSynthesis.speak(utterance);
  }, [available, text]);

  useEffect(() => {
    if (auto && text) speak();
    return () => {
      if (available) window.speechSynthesis.cancel();
    };
  }, [text, auto]); // eslint-disable-line react-hooks/exhaustive-deps

  return { available, speaking, speak, stop };
}
