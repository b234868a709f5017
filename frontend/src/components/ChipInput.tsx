import { useId, useState, type KeyboardEvent } from 'react';

/** Editable chips: Enter or comma adds, × or Backspace on an empty input removes. */
export function ChipInput({
  label,
  values,
  onChange,
  placeholder = 'Add…',
  testId,
}: {
  label: string;
  values: string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  testId?: string;
}) {
  const [text, setText] = useState('');
  const id = useId();

  function add(raw: string) {
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    const lower = new Set(values.map((v) => v.toLowerCase()));
    const next = [...values];
    for (const p of parts) {
      if (!lower.has(p.toLowerCase())) {
        next.push(p);
        lower.add(p.toLowerCase());
      }
    }
    onChange(next);
    setText('');
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add(text);
    } else if (e.key === 'Backspace' && !text && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  }

  return (
    <div className="chip-input" data-testid={testId}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <ul className="chips" aria-label={label}>
        {values.map((v, i) => (
          <li key={`${v}-${i}`} className="chip-edit" data-testid="chip">
            <span>{v}</span>
            <button type="button" aria-label={`Remove ${v}`} onClick={() => onChange(values.filter((_, j) => j !== i))}>
              ×
            </button>
          </li>
        ))}
        <li className="chip-new">
          <input
            id={id}
            value={text}
            placeholder={placeholder}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => add(text)}
          />
        </li>
      </ul>
    </div>
  );
}
