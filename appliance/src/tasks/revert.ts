/**
 * Undo steps for a multi-step change, run in reverse order when the change fails part-way (the
 * reverter pattern): `revert.add(() => deleteVolume())` after each step, `revert.success()` at the
 * end. Undo errors are collected, not thrown, so every step gets its chance.
 */
export class Reverter {
  readonly #steps: Array<{ label: string; undo: () => Promise<void> | void }> = [];
  #done = false;

  add(label: string, undo: () => Promise<void> | void): void {
    this.#steps.push({ label, undo });
  }

  success(): void {
    this.#done = true;
  }

  /** Runs the undo steps (latest first) unless `success()` was called; returns what failed. */
  async revert(): Promise<Array<{ label: string; error: string }>> {
    if (this.#done) return [];
    const failures: Array<{ label: string; error: string }> = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        await step.undo();
      } catch (error) {
        failures.push({ label: step.label, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return failures;
  }
}
