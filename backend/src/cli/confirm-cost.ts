// Before a paid run: the estimate is shown, and above ROWSHOT_CONFIRM_ABOVE_USD the run waits for
// a yes (unless --yes). Without a terminal to ask on, it is refused, so that a script never
// spends more than it was told to.
import { createInterface } from 'node:readline/promises';
import type { Estimate } from '../../../shared/index';
import { RunRefused } from './cli-errors';

export interface ConfirmInput {
  estimate: Estimate;
  rows: number;
  thresholdUsd: number;
  yes: boolean;
  /** Where the question is asked; null: no terminal. */
  ask: ((question: string) => Promise<string>) | null;
}

/** Throws RunRefused when the run must not start; prints the estimate of any paid run. */
export async function confirmCost(input: ConfirmInput, out: NodeJS.WritableStream): Promise<void> {
  const { estimate: e } = input;
  if (e.totalUsd <= 0) return;
  const models = [...new Set(e.rows.filter((r) => r.invalid === undefined && r.costUsd > 0).map((r) => r.model))].join(', ');
  const total = `$${e.totalUsd.toFixed(2)}`;
  out.write(`Estimate: ${total} for ${e.images} image(s) in ${input.rows} row(s) (${models}).\n`);
  if (input.yes || e.totalUsd <= input.thresholdUsd) return;
  const threshold = `$${input.thresholdUsd.toFixed(2)}`;
  if (input.ask === null) {
    throw new RunRefused(`The estimate of ${total} is over ${threshold} (ROWSHOT_CONFIRM_ABOVE_USD) and there is no terminal to ask: pass --yes to run it; nothing was submitted and the file is unchanged.`);
  }
  const answer = (await input.ask(`This run may cost up to ${total}. Continue? [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new RunRefused('Not confirmed: nothing was submitted and the file is unchanged.');
}

/** A question on the terminal, or null when stdin is not one. */
export function terminalAsk(): ((question: string) => Promise<string>) | null {
  if (process.stdin.isTTY !== true) return null;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
}
