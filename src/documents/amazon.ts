// Amazon-owned documents, shipped in fixtures/documents/ with their real content and served
// read-only (Owner Amazon) in every account and region. Only documents ssm-local really executes
// are listed; capabilities that execute others add them to the catalog.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { analyse, parseContent, type DocumentFormat } from './content.js';
import type { DocumentRecord } from './state.js';

interface CatalogEntry {
  name: string;
  file: string;
  documentType: string;
  documentFormat: DocumentFormat;
  documentVersion: number;
  createdDate: string;
}

const FIXTURES = new URL('../../fixtures/documents/', import.meta.url);

let loaded: Map<string, DocumentRecord> | undefined;

function load(): Map<string, DocumentRecord> {
  const catalog = JSON.parse(readFileSync(new URL('catalog.json', FIXTURES), 'utf8')) as {
    documents: CatalogEntry[];
  };
  const out = new Map<string, DocumentRecord>();
  for (const entry of catalog.documents) {
    const content = readFileSync(new URL(entry.file, FIXTURES), 'utf8');
    const analysis = analyse(parseContent(content, entry.documentFormat), entry.documentType);
    out.set(entry.name, {
      name: entry.name,
      owner: 'Amazon',
      documentType: entry.documentType,
      defaultVersion: entry.documentVersion,
      latestVersion: entry.documentVersion,
      lastVersion: entry.documentVersion,
      versions: [
        {
          version: entry.documentVersion,
          content,
          format: entry.documentFormat,
          hash: createHash('sha256').update(content, 'utf8').digest('hex'),
          createdAt: Date.parse(entry.createdDate),
          ...analysis,
        },
      ],
      tags: [],
      shares: [],
    });
  }
  return out;
}

export function amazonDocuments(): DocumentRecord[] {
  loaded ??= load();
  return [...loaded.values()];
}

export function amazonDocument(name: string): DocumentRecord | undefined {
  loaded ??= load();
  return loaded.get(name);
}
