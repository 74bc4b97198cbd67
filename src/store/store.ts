// The one store: all state, per account and region, in one lowdb document. Capabilities get a
// RegionScope and keep their state under their own key; nothing else touches the file.
//
// Durability: a handler mutates state in memory, then awaits persist(); the response is sent only
// after the whole document has been written (to a temporary file, then renamed over the old one, by
// lowdb's writer), so an acknowledged write survives SIGKILL and the file is never half-written.
// Writes are coalesced: while one write is in flight, every further persist() waits for a single
// follow-up write, so throughput does not collapse as the document grows.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { DataFile } from 'lowdb/node';

export interface StoreDocument {
  format: 1;
  regions: Record<string, Record<string, unknown>>;
}

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
  /** Resolves once everything changed before the call is on disk. */
  persist(): Promise<void>;
  /** Drop all state. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const emptyDocument = (): StoreDocument => ({ format: 1, regions: {} });

export class LowStore implements Store {
  private readonly db: Low<StoreDocument>;
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(adapter: Adapter<StoreDocument>) {
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
    const store = new LowStore(adapter);
    await store.db.read();
    if (store.db.data?.format !== 1 || typeof store.db.data.regions !== 'object') {
      store.db.data = emptyDocument();
    }
    return store;
  }

  scope(accountId: string, region: string): RegionScope {
    const regions = this.db.data.regions;
    const key = `${accountId}/${region}`;
    return {
      accountId,
      region,
      get<T>(capability: string, init: () => T): T {
        const state = (regions[key] ??= {});
        if (!(capability in state)) state[capability] = init();
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

  persist(): Promise<void> {
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
    const write = this.db.write().finally(() => {
      if (this.inFlight === write) this.inFlight = undefined;
    });
    this.inFlight = write;
    return write;
  }

  async reset(): Promise<void> {
    this.db.data = emptyDocument();
    await this.persist();
  }

  async close(): Promise<void> {
    await this.persist();
  }
}
