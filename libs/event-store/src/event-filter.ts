import { EventFilter } from './event-store.port';

/** True when an event of `type` in `streamId` passes the filter (no filter: everything). */
export function matchesFilter(
  filter: EventFilter | undefined,
  streamId: string,
  type: string,
): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes && !streamPrefixes.some((prefix) => streamId.startsWith(prefix))) return false;
  return !eventTypes || eventTypes.includes(type);
}
