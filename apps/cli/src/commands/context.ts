import { Writer, stdoutWriter } from '../output/writer';
import { OpenedStore, openStore, StoreOptions } from '../store/open-store';

/** Options every command that reads the log takes (program.ts declares them). */
export interface CommonOptions extends StoreOptions {
  pageSize: number;
  progress?: boolean;
}

/** Opens the store the options name, runs `work`, and always closes it. */
export async function withStore<T>(
  options: CommonOptions,
  work: (opened: OpenedStore) => Promise<T>,
): Promise<T> {
  const opened = await openStore(options);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/** Where commands write their result (replaced in unit tests). */
export const io: { out: () => Writer; err: (line: string) => void } = {
  out: () => stdoutWriter(),
  err: (line) => void process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
};

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
