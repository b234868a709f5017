// The scorer's honesty flags as the candidate and the question author see them: a short label on a
// chip, and what it means in its tooltip. One place, so the report and the bank preview agree.
const FLAG_LABELS: Record<string, string> = {
  off_topic: 'Off topic',
  keyword_stuffing: 'Keyword stuffing',
  recites_rubric: 'Recites the rubric',
  echoes_question: 'Restates the question',
  no_substance: 'Little substance',
  buzzwords: 'Buzzwords',
  no_claims: 'No concrete claims',
  padded: 'Padded',
  repetitive: 'Repetitive',
  truncated: 'Only the start was analysed',
  empty: 'Empty answer',
};

const FLAG_HELP: Record<string, string> = {
  off_topic: 'The answer does not address the question that was asked.',
  keyword_stuffing: 'Listing buzzwords without explaining them earns nothing.',
  recites_rubric: 'Naming what interviewers listen for earns nothing; show it instead.',
  echoes_question: 'Restating the question earns nothing.',
  no_substance: 'Structure, detail and length count only as far as the answer shows what the interviewer listens for.',
  buzzwords: 'Words like "ensures", "leverages" and "robust" make no claim; say what actually happens.',
  no_claims: 'Most sentences sound like an answer but claim nothing checkable; say what you did or would do, and what happened.',
  padded: 'The answer runs long without adding substance; saying the same thing at length costs points.',
  repetitive: 'The answer repeats itself; say each point once.',
  truncated: 'Very long answers are analysed up to about six minutes of speech.',
  empty: 'Nothing was said or typed.',
};

/** A chip's label; padding says what it cost, since the overall is then below what the dimensions add up to. */
export function flagLabel(flag: string, paddingCost = 0): string {
  const label = FLAG_LABELS[flag] ?? flag.replace(/_/g, ' ');
  return flag === 'padded' && paddingCost >= 0.5 ? `${label}: −${Math.round(paddingCost)} points` : label;
}

export function FlagChips({ flags, paddingCost = 0 }: { flags: string[]; paddingCost?: number }) {
  if (flags.length === 0) return null;
  return (
    <div className="flag-row" data-testid="score-flags">
      {flags.map((f) => (
        <span key={f} className="chip chip-ok" title={FLAG_HELP[f] ?? f}>
          ⚠ {flagLabel(f, paddingCost)}
        </span>
      ))}
    </div>
  );
}
