/**
 * The start-up check of the composition root: the handlers registered are exactly the task types
 * of the catalog, and a mismatch is refused naming the types concerned.
 */
import { describe, expect, test } from 'bun:test';
import { assertEveryTaskTypeHandled, TASK_TYPES } from '../src/tasks/catalog.ts';

describe('task catalog start-up check', () => {
  test('one handler per catalog type passes', () => {
    expect(() => assertEveryTaskTypeHandled(TASK_TYPES)).not.toThrow();
  });

  test('a catalog type without a handler is named', () => {
    const handled = TASK_TYPES.filter((type) => type !== 'vm.clone' && type !== 'volume.upload');
    expect(() => assertEveryTaskTypeHandled(handled)).toThrow(
      'task catalog and handlers differ: no handler for vm.clone, volume.upload',
    );
  });

  test('a handler of a type outside the catalog is named', () => {
    expect(() => assertEveryTaskTypeHandled([...TASK_TYPES, 'vm.teleport'])).toThrow(
      'handlers for types not in the catalog: vm.teleport',
    );
  });

  test('both mismatches are named together', () => {
    const handled = [...TASK_TYPES.filter((type) => type !== 'pool.delete'), 'pool.resize'];
    expect(() => assertEveryTaskTypeHandled(handled)).toThrow(
      'no handler for pool.delete; handlers for types not in the catalog: pool.resize',
    );
  });
});
