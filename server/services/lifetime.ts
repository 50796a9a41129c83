/**
 * Owns a stack of cleanups: whatever is started registers its disposal at once, and `dispose`
 * runs them in reverse order, exactly once, even if one fails.
 */
import type { Logger } from './logger';

export type Cleanup = () => void | Promise<void>;

export class Lifetime {
  private readonly cleanups: { name: string; run: Cleanup }[] = [];
  private disposing: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  push(name: string, run: Cleanup): void {
    this.cleanups.push({ name, run });
  }

  dispose(): Promise<void> {
    this.disposing ??= this.runAll();
    return this.disposing;
  }

  private async runAll(): Promise<void> {
    const order: string[] = [];
    while (this.cleanups.length > 0) {
      const { name, run } = this.cleanups.pop()!;
      order.push(name);
      try {
        await run();
      } catch (error) {
        this.logger.error(`dispose ${name}: ${(error as Error).message}`);
      }
    }
    // One line that shows the order, for whoever reads a log after a fault.
    if (order.length > 0) this.logger.info(`disposed in order: ${order.join(', ')}`);
  }
}
