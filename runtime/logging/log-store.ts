/**
 * A bounded ring of recent log items that plugins can query (Pup's `/logs`): plugin
 * log lines, plugin stdout/stderr, runtime lifecycle lines, and whatever the host adds.
 */
import { z } from 'zod';
import { LOG_SEVERITIES, type LogItem, type LogQuery } from '../../sdk/types.js';

export const MAX_LOG_ROWS = 100;

export const logQuerySchema = z.object({
  processId: z.string().max(200).optional(),
  startTimeStamp: z.number().finite().optional(),
  endTimeStamp: z.number().finite().optional(),
  severity: z.enum(LOG_SEVERITIES).optional(),
  nRows: z.number().int().positive().optional(),
}).strict();

export class LogStore {
  readonly #capacity: number;
  readonly #items: (LogItem | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity = 10_000) {
    this.#capacity = Math.max(1, capacity);
    this.#items = new Array<LogItem | undefined>(this.#capacity);
  }

  get size(): number {
    return this.#size;
  }

  append(item: LogItem): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.#capacity;
    if (this.#size < this.#capacity) this.#size++;
  }

  /** The newest `nRows` (≤ 100) items matching the filters, oldest first. */
  query(query: LogQuery = {}): LogItem[] {
    const rows = Math.min(query.nRows ?? MAX_LOG_ROWS, MAX_LOG_ROWS);
    const out: LogItem[] = [];
    for (let i = 1; i <= this.#size && out.length < rows; i++) {
      const item = this.#items[(this.#next - i + this.#capacity) % this.#capacity]!;
      if (query.processId !== undefined && item.processId !== query.processId) continue;
      if (query.severity !== undefined && item.severity !== query.severity) continue;
      if (query.startTimeStamp !== undefined && item.timeStamp < query.startTimeStamp) continue;
      if (query.endTimeStamp !== undefined && item.timeStamp > query.endTimeStamp) continue;
      out.push(item);
    }
    return out.reverse();
  }
}
