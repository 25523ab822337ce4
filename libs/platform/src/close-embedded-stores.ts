import { join } from 'node:path';
import { LmdbReadModelStore } from '../../read-models/src';
import { READ_MODELS_DIR } from './data-dirs';
import { Logger } from './logger';

/**
 * Closes a process's embedded stores (and buses) at shutdown, logging failures instead of
 * throwing. When this process owns the read models and everything closed, it fsyncs them and
 * marks them clean for the reboot guard (every writer, inline or on its thread, closed first).
 */
export async function closeEmbeddedStores(
  closables: { close(): Promise<void> }[],
  logger: Logger,
  readModels: { dataDir: string; owned: boolean },
): Promise<void> {
  const results = await Promise.allSettled(closables.map((c) => c.close()));
  for (const r of results)
    if (r.status === 'rejected') logger.error({ err: r.reason }, 'closing a store failed');
  if (readModels.owned && results.every((r) => r.status === 'fulfilled'))
    LmdbReadModelStore.markClean(join(readModels.dataDir, READ_MODELS_DIR));
}
