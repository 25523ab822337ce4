import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * Text out with back-pressure: a command writes a page at a time and waits while the consumer
 * (a pipe, a file) is behind, so memory stays one page however fast the log is read. A closed
 * pipe (`chat events export | head`) ends the command quietly: `closed` turns true and writes
 * are dropped, so the pass can stop.
 */
export interface Writer {
  write(text: string): Promise<void>;
  readonly closed: boolean;
  /** Flushes and, for a file, closes it. */
  end(): Promise<void>;
}

export function stdoutWriter(stream: NodeJS.WritableStream = process.stdout): Writer {
  return streamWriter(stream, false);
}

export function fileWriter(path: string): Writer {
  return streamWriter(createWriteStream(path), true);
}

function streamWriter(stream: NodeJS.WritableStream, own: boolean): Writer {
  let closed = false;
  let failure: Error | undefined;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else failure = err;
  });
  return {
    get closed() {
      return closed;
    },
    async write(text) {
      if (failure) throw failure;
      if (closed || text.length === 0) return;
      if (!stream.write(text)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            stream.off('close', done);
            resolve();
          };
          stream.once('drain', done);
          stream.once('error', done);
          stream.once('close', done);
        });
      }
      if (failure) throw failure;
    },
    async end() {
      if (failure) throw failure;
      if (!own) return;
      stream.end();
      await finished(stream as NodeJS.WritableStream & import('node:stream').Writable);
    },
  };
}
