import { Presets, SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr (stdout carries the command's output): the events read, their rate,
 * and, when the pass knows its total, a bar with the percentage and an ETA. Shown only when
 * stderr is a terminal, or with `--progress` (then, on a pipe, a plain line every 2 s).
 */
export interface Progress {
  /** `done` in the pass's progress units; `events` read so far. */
  update(done: number, events: number): void;
  /** Removes the bar (a finished pass leaves its last state on a terminal). */
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  /** --progress: also when stderr is not a terminal. */
  force?: boolean;
  stream?: NodeJS.WriteStream;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY && !options.force) return NONE;
  const known = options.total !== undefined && options.total > 0;
  const bar = new SingleBar(
    {
      stream,
      format: known
        ? `${options.label} |{bar}| {percentage}% | {events} events | {rate} ev/s | ETA {eta_formatted}`
        : `${options.label} {events} events | {rate} ev/s | {duration_formatted}`,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 2_000,
      etaBuffer: 50,
      fps: 5,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(known ? (options.total as number) : 1, 0, { events: 0, rate: 0 });
  return {
    update(done, events) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(events / seconds) : 0;
      bar.update(known ? Math.min(done, options.total as number) : 0, { events, rate });
    },
    stop() {
      bar.stop();
    },
  };
}
