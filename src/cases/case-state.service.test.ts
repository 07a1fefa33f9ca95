import { isStale, stageOf } from './case-state.service';

const at = (iso: string) => new Date(iso);

describe('case stages', () => {
  it('orders submitted, registered, in work and final', () => {
    expect(['submitted', 'registered', 'in-progress', 'postponed', 'answered', 'rejected', 'fulfilled'].map(stageOf)).toEqual([0, 1, 2, 2, 3, 3, 3]);
  });

  it('never moves an answered case back to registered, even with a later timestamp', () => {
    expect(isStale({ status: 'answered', statusAt: at('2026-12-01T10:00:00Z') }, 'registered', at('2026-12-02T10:00:00Z'))).toBe(true);
  });

  it('keeps a final case final', () => {
    expect(isStale({ status: 'answered', statusAt: at('2026-12-01T10:00:00Z') }, 'answered', at('2026-12-02T10:00:00Z'))).toBe(true);
    expect(isStale({ status: 'rejected', statusAt: at('2026-12-01T10:00:00Z') }, 'in-progress', at('2026-12-02T10:00:00Z'))).toBe(true);
  });

  it('applies forward moves and, within a stage, newer back-office times', () => {
    expect(isStale({ status: 'registered', statusAt: at('2026-12-01T10:00:00Z') }, 'answered', at('2026-12-01T11:00:00Z'))).toBe(false);
    expect(isStale({ status: 'in-progress', statusAt: at('2026-12-01T10:00:00Z') }, 'postponed', at('2026-12-01T11:00:00Z'))).toBe(false);
    expect(isStale({ status: 'postponed', statusAt: at('2026-12-01T11:00:00Z') }, 'in-progress', at('2026-12-01T10:00:00Z'))).toBe(true);
    expect(isStale({ status: 'in-progress', statusAt: at('2026-12-01T10:00:00Z') }, 'in-progress', at('2026-12-01T10:00:00Z'))).toBe(true);
  });

  it('never compares the portal clock: the first back-office result applies', () => {
    expect(isStale({ status: 'submitted', statusAt: at('2030-01-01T00:00:00Z') }, 'registered', at('2026-12-01T10:00:00Z'))).toBe(false);
  });
});
