import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';

/**
 * For LMDB files written without fsync (lmdb `noSync`) because they can be rebuilt from the
 * event log: the read models, and the event store's index. Not syncing them leaves the disk to
 * the log's fsyncs (see docs/performance.md). LMDB without sync survives a *process* crash
 * intact (the OS still has every page), but an OS crash or power loss may leave the file torn.
 *
 * Guard: while a file is open for writing, a state file beside it records this boot's id. A
 * clean stop fsyncs the data file, then marks the state clean. Opening after a reboot that
 * happened while it was open (not clean, other boot id) discards it, and its owner rebuilds it
 * from the log, so a torn file is never read.
 */
const STATE_FILE = 'open-state.json';

interface OpenState {
  bootId: string;
  clean: boolean;
}

/**
 * Call before anything in this process opens the file (`dir` is created if missing). Returns
 * true when it discarded the file.
 */
export function discardIfTornByReboot(dir: string, dataFile: string): boolean {
  mkdirSync(dir, { recursive: true });
  const state = readState(dir);
  const torn = state !== undefined && !state.clean && state.bootId !== currentBootId();
  if (torn) for (const f of [dataFile, `${dataFile}-lock`]) rmSync(join(dir, f), { force: true });
  writeState(dir, { bootId: currentBootId(), clean: false });
  return torn;
}

/** Call after the writer closed (or once it will write no more): fsync, then mark clean. */
export function markCleanlyClosed(dir: string, dataFile: string): void {
  const path = join(dir, dataFile);
  if (existsSync(path)) {
    const fd = openSync(path, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  writeState(dir, { bootId: currentBootId(), clean: true });
}

function readState(dir: string): OpenState | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as OpenState;
  } catch {
    return undefined;
  }
}

function writeState(dir: string, state: OpenState): void {
  const path = join(dir, STATE_FILE);
  writeFileSync(path, JSON.stringify(state));
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Linux's per-boot random id; elsewhere the boot time to the minute. */
export function currentBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `boot-${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
  }
}
