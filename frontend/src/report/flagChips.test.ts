import { describe, expect, it } from 'vitest';
import { flagLabel } from './FlagChips';

describe('flagLabel', () => {
  it('says what padding cost, since the overall is then below the weighted dimensions', () => {
    expect(flagLabel('padded', 41.4)).toBe('Padded: −41 points');
    expect(flagLabel('padded', 0.2)).toBe('Padded');
    expect(flagLabel('padded')).toBe('Padded');
  });
  it('labels other flags without a cost, and unknown ones readably', () => {
    expect(flagLabel('no_claims', 30)).toBe('No concrete claims');
    expect(flagLabel('some_new_flag')).toBe('some new flag');
  });
});
