import { describe, expect, test } from 'bun:test';
import { LiveStamps } from '../src/app/core/live/live-stamps';

type Row = { id: string; status: string };

describe('LiveStamps: a load answer never puts back a state older than a live event', () => {
  test('a row changed live while the load was on its way keeps its live state', () => {
    const stamps = new LiveStamps();
    const mark = stamps.mark();
    // The task's "succeeded" event overtakes the list answer that still says "running".
    stamps.touch('t1');
    const shown: Row[] = [{ id: 't1', status: 'succeeded' }];
    const loaded: Row[] = [
      { id: 't1', status: 'running' },
      { id: 't2', status: 'queued' },
    ];
    expect(stamps.merge(mark, loaded, shown)).toEqual([
      { id: 't1', status: 'succeeded' },
      { id: 't2', status: 'queued' },
    ]);
  });

  test('events before the request left are superseded by the answer', () => {
    const stamps = new LiveStamps();
    stamps.touch('t1');
    const mark = stamps.mark();
    const merged = stamps.merge(mark, [{ id: 't1', status: 'failed' }], [{ id: 't1', status: 'running' }]);
    expect(merged).toEqual([{ id: 't1', status: 'failed' }]);
    expect(stamps.changedSince('t1', mark)).toBe(false);
  });

  test('a row deleted live stays gone; a row changed live but not shown comes from the answer', () => {
    const stamps = new LiveStamps();
    const mark = stamps.mark();
    stamps.touch('gone', true);
    stamps.touch('new');
    const merged = stamps.merge(
      mark,
      [
        { id: 'gone', status: 'running' },
        { id: 'new', status: 'stopped' },
      ],
      [],
    );
    expect(merged).toEqual([{ id: 'new', status: 'stopped' }]);
    expect(stamps.changedSince('new', mark)).toBe(true);
  });
});
