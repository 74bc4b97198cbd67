// The one store: all state, per account and region, in one lowdb document. Capabilities get a
// RegionScope and keep their state under their own key; nothing else touches the file.
//
// Durability: a handler mutates state in memory, then awaits persist(); the response is sent only
// after the whole document has been written (to a temporary file, then renamed over the old one, by
// lowdb's writer), so an acknowledged write survives SIGKILL and the file is never half-written.
// Writes are coalesced: while one write is in flight, every further persist() waits for a single
// follow-up write, so throughput does not collapse as the document grows.
//
// A write that names the records it changed (persist(records)) is appended to a journal beside the
// file (`<file>.journal`, one JSON line per coalesced batch) instead of rewriting the whole
// document: a PutParameter costs the same with ten parameters stored as with ten thousand. The
// journal is folded back into the document (a whole rewrite, then a fresh journal of the next
// generation) once it outgrows the document, on any write that does not name its records, and
// on close. Start-up replays the journal lines of the document's generation; a torn last line is a
// write that was never acknowledged and is ignored.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { DataFile } from 'lowdb/node';

export interface StoreDocument {
  format: 1;
  /** The journal generation whose lines apply on top of this document. */
  journal?: number;
  regions: Record<string, Record<string, unknown>>;
}

/** One record of a capability's keyed collection: state[capability][collection][key]. */
export interface RecordRef {
  accountId: string;
  region: string;
  capability: string;
  collection: string;
  key: string;
}

type JournalEntry = [regionKey: string, capability: string, collection: string, key: string, value?: unknown];

export interface RegionScope {
  readonly accountId: string;
  readonly region: string;
  /** The state a capability keeps in this account and region, created by init on first use. */
  get<T>(capability: string, init: () => T): T;
}

export interface Store {
  scope(accountId: string, region: string): RegionScope;
  /** Every account and region that holds state (for background work such as expirations). */
  scopes(): RegionScope[];
  /**
   * Resolves once everything changed before the call is on disk. With `records`, the caller
   * promises that those records are all it changed, which lets the store append them to its journal.
   */
  persist(records?: RecordRef[]): Promise<void>;
  /** Drop all state. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const emptyDocument = (): StoreDocument => ({ format: 1, regions: {} });

const JOURNAL_MIN_BYTES = 8 * 1024 * 1024;

export class LowStore implements Store {
  private readonly db: Low<StoreDocument>;
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Records changed since the last write, when every change since then named its records. */
  private pending = new Map<string, JournalEntry>();
  /** True when some change since the last write did not name its records: rewrite the whole file. */
  private wholeRewrite = false;
  private journal: FileHandle | undefined;
  private journalBytes = 0;
  private documentBytes = 0;

  private constructor(
    adapter: Adapter<StoreDocument>,
    /** The data file, or undefined in memory. */
    private readonly path: string | undefined,
  ) {
    this.db = new Low(adapter, emptyDocument());
  }

  /** path ':memory:' keeps state in memory only. */
  static async open(path: string): Promise<LowStore> {
    let adapter: Adapter<StoreDocument>;
    if (path === ':memory:') {
      adapter = new Memory<StoreDocument>();
    } else {
      mkdirSync(dirname(path), { recursive: true });
      adapter = new DataFile<StoreDocument>(path, {
        parse: (text) => {
          try {
            return JSON.parse(text) as StoreDocument;
          } catch (error) {
            // Refuse to start rather than overwrite a file we cannot read.
            throw new Error(`ssm-local: the data file ${path} is not valid JSON (${String(error)})`, {
              cause: error,
            });
          }
        },
        stringify: (data) => JSON.stringify(data),
      });
    }
    const store = new LowStore(adapter, path === ':memory:' ? undefined : path);
    const journalPath = store.journalPath;
    await store.db.read();
    if (store.db.data?.format !== 1 || typeof store.db.data.regions !== 'object') {
      store.db.data = emptyDocument();
    }
    if (journalPath) {
      store.documentBytes = existsSync(path) ? statSync(path).size : 0;
      if (store.replayJournal(journalPath) > 0) {
        // Fold what the journal held into the document now, so the journal starts empty.
        store.wholeRewrite = true;
        await store.persist();
      }
    }
    return store;
  }

  private get journalPath(): string | undefined {
    return this.path === undefined ? undefined : `${this.path}.journal`;
  }

  /** Applies the journal lines of the document's generation. Returns how many were applied. */
  private replayJournal(journalPath: string): number {
    if (!existsSync(journalPath)) return 0;
    const generation = this.db.data.journal ?? 0;
    let applied = 0;
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let parsed: { g: number; c: JournalEntry[] };
      try {
        parsed = JSON.parse(line) as { g: number; c: JournalEntry[] };
      } catch {
        break; // a torn last line: that write was never acknowledged
      }
      if (parsed.g !== generation) continue;
      for (const entry of parsed.c) this.apply(entry);
      applied++;
    }
    return applied;
  }

  private apply([regionKey, capability, collection, key, ...value]: JournalEntry): void {
    const state = ((this.db.data.regions[regionKey] ??= {})[capability] ??= {}) as Record<string, unknown>;
    const records = (state[collection] ??= {}) as Record<string, unknown>;
    if (value.length === 0) delete records[key];
    else records[key] = value[0];
  }

  scope(accountId: string, region: string): RegionScope {
    const regions = this.db.data.regions;
    const key = `${accountId}/${region}`;
    return {
      accountId,
      region,
      get: <T>(capability: string, init: () => T): T => {
        const state = (regions[key] ??= {});
        if (!(capability in state)) {
          state[capability] = init();
          // A new state is a change no journal record describes.
          this.wholeRewrite = true;
        }
        return state[capability] as T;
      },
    };
  }

  scopes(): RegionScope[] {
    return Object.keys(this.db.data.regions).map((key) => {
      const [accountId = '', region = ''] = key.split('/');
      return this.scope(accountId, region);
    });
  }

  persist(records?: RecordRef[]): Promise<void> {
    if (!records || !this.journalPath) {
      this.wholeRewrite = true;
    } else {
      for (const r of records) {
        const regionKey = `${r.accountId}/${r.region}`;
        this.pending.set(JSON.stringify([regionKey, r.capability, r.collection, r.key]), [
          regionKey,
          r.capability,
          r.collection,
          r.key,
        ]);
      }
    }
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.startWrite();
    this.queued = this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.startWrite();
      });
    return this.queued;
  }

  private startWrite(): Promise<void> {
    const write = this.write().finally(() => {
      if (this.inFlight === write) this.inFlight = undefined;
    });
    this.inFlight = write;
    return write;
  }

  /** One coalesced write: journal lines when every change named its records, else the whole file. */
  private async write(): Promise<void> {
    const entries = [...this.pending.values()];
    this.pending = new Map();
    const whole =
      this.wholeRewrite ||
      !this.journalPath ||
      this.journalBytes > Math.max(JOURNAL_MIN_BYTES, this.documentBytes);
    this.wholeRewrite = false;
    if (whole) {
      await this.rewrite();
      return;
    }
    if (entries.length === 0) return;
    // Values are read now, synchronously, so the line holds the state as of this write.
    const changes = entries.map((entry) => {
      const [regionKey, capability, collection, key] = entry;
      const state = this.db.data.regions[regionKey]?.[capability] as
        Record<string, Record<string, unknown>> | undefined;
      const records = state?.[collection];
      return records && key in records
        ? ([regionKey, capability, collection, key, records[key]] as JournalEntry)
        : entry;
    });
    const line = JSON.stringify({ g: this.db.data.journal ?? 0, c: changes }) + '\n';
    this.journal ??= await open(this.journalPath!, 'a');
    await this.journal.write(line);
    this.journalBytes += Buffer.byteLength(line);
  }

  /** Rewrites the whole document under the next journal generation, then starts a fresh journal. */
  private async rewrite(): Promise<void> {
    if (!this.journalPath) {
      await this.db.write();
      return;
    }
    this.db.data.journal = (this.db.data.journal ?? 0) + 1;
    await this.db.write();
    this.documentBytes = statSync(this.path!).size;
    // The old journal's lines carry the previous generation, so a crash before this point is harmless.
    await this.journal?.close();
    this.journal = await open(this.journalPath, 'w');
    this.journalBytes = 0;
  }

  async reset(): Promise<void> {
    this.db.data = emptyDocument();
    await this.persist();
  }

  async close(): Promise<void> {
    this.wholeRewrite = true;
    await this.persist();
    await this.journal?.close();
    this.journal = undefined;
  }
}
