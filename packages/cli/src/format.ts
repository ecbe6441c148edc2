import type { Person, ProviderId, User } from '@rosterkit/users';
import { displayWidth, fitCell, safeJson, safeMultiline, safeText } from './text.js';

export type Format = 'table' | 'json' | 'ndjson' | 'csv';
export const FORMATS: readonly Format[] = ['table', 'json', 'ndjson', 'csv'];

export interface WriterOptions {
  /** Terminal width to fit a table into (undefined: not a terminal, no limit). */
  columns?: number | undefined;
  /** CSV: prefix formula-leading cells with `'` (default true). */
  escapeFormulas?: boolean;
}

/** Cells a spreadsheet would read as a formula, as csv-stringify's `escape_formulas` sees them. */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * RFC 4180: quote when needed, double the quotes. Formula-leading cells get a leading `'` (like
 * csv-stringify's `escape_formulas`); control characters other than line feeds become visible
 * escapes so a CSV printed to a terminal cannot drive it.
 */
export function csvCell(value: unknown, escapeFormulas = true): string {
  let s = cellText(value);
  if (escapeFormulas && FORMULA_START.test(s)) s = `'${s}`;
  s = safeMultiline(s);
  return /[",\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value))
    return value
      .map((v) => (typeof v === 'object' && v && 'address' in v ? String(v.address) : cellText(v)))
      .join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The JSON form of a user: every field but `raw` (unless asked), or only `fields` when given. */
export function toRecord(user: User, withRaw: boolean, fields?: readonly string[]): Record<string, unknown> {
  if (fields) {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f] = (user as unknown as Record<string, unknown>)[f] ?? null;
    if (withRaw) out['raw'] = user.raw;
    return out;
  }
  if (withRaw) return user as unknown as Record<string, unknown>;
  const { raw: _raw, ...rest } = user;
  return rest;
}

const MAX_COLUMN = 48;
const MIN_COLUMN = 4;
const GAP = 2;

/** Column widths: each column's widest cell (capped), shrunk widest-first to fit `columns`. */
export function tableWidths(
  header: readonly string[],
  rows: readonly string[][],
  columns?: number,
): number[] {
  const widths = header.map((h) => Math.min(MAX_COLUMN, displayWidth(h)));
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const w = displayWidth(row[i] ?? '');
      if (w > (widths[i] as number)) widths[i] = Math.min(MAX_COLUMN, w);
    }
  }
  if (columns !== undefined && columns > 0) {
    let total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
    while (total > columns) {
      let widest = 0;
      for (let i = 1; i < widths.length; i++)
        if ((widths[i] as number) > (widths[widest] as number)) widest = i;
      if ((widths[widest] as number) <= MIN_COLUMN) break;
      widths[widest] = (widths[widest] as number) - 1;
      total--;
    }
  }
  return widths;
}

/**
 * Writes rows. ndjson streams each row as it comes; table, json and csv are written at `end()`,
 * sorted by the caller, so the same data always gives the same bytes.
 */
export class RowWriter {
  #rows: string[][] = [];
  #first = true;
  readonly #escapeFormulas: boolean;
  constructor(
    readonly format: Format,
    readonly columns: readonly string[],
    readonly out: (s: string) => void,
    readonly options: WriterOptions = {},
  ) {
    this.#escapeFormulas = options.escapeFormulas ?? true;
    if (format === 'csv') out(`${columns.map((c) => csvCell(c, this.#escapeFormulas)).join(',')}\r\n`);
    if (format === 'json') out('[');
  }

  /** `record` is the full JSON object (json/ndjson); `cells` are the column values (table/csv). */
  write(record: Record<string, unknown>, cells: unknown[]): void {
    switch (this.format) {
      case 'ndjson':
        this.out(`${safeJson(record)}\n`);
        break;
      case 'json':
        this.out(`${this.#first ? '\n' : ',\n'}  ${safeJson(record)}`);
        this.#first = false;
        break;
      case 'csv':
        this.out(`${cells.map((c) => csvCell(c, this.#escapeFormulas)).join(',')}\r\n`);
        break;
      case 'table':
        this.#rows.push(cells.map((c) => safeText(cellText(c))));
        break;
    }
  }

  end(): void {
    if (this.format === 'json') this.out(this.#first ? ']\n' : '\n]\n');
    if (this.format !== 'table') return;
    const header = this.columns.map(safeText);
    const widths = tableWidths(header, this.#rows, this.options.columns);
    const line = (r: readonly string[]) =>
      r
        .map((c, i) => fitCell(c, widths[i] ?? 0))
        .join(' '.repeat(GAP))
        .trimEnd();
    this.out(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join(' '.repeat(GAP))}\n`);
    // Write in chunks: one string per row would be many small writes, one string for all too large.
    let chunk = '';
    for (const r of this.#rows) {
      chunk += `${line(r)}\n`;
      if (chunk.length > 65_536) {
        this.out(chunk);
        chunk = '';
      }
    }
    if (chunk) this.out(chunk);
    this.#rows = [];
  }
}

/** Code-unit order (locale-independent, so output is byte-identical on every machine). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Users in a fixed order: by provider (registry order), then by remote id. */
export function sortUsers(users: User[], providers: readonly ProviderId[]): User[] {
  const rank = new Map(providers.map((p, i) => [p, i]));
  return users.sort(
    (a, b) =>
      (rank.get(a.provider) ?? 0) - (rank.get(b.provider) ?? 0) || compareText(a.remoteId, b.remoteId),
  );
}

export function directoryRow(
  person: Person,
  providers: readonly ProviderId[],
): { record: Record<string, unknown>; cells: unknown[] } {
  const record: Record<string, unknown> = {
    email: person.email ?? null,
    displayName: person.displayName,
    statuses: Object.fromEntries(providers.map((p) => [p, person.statuses[p] ?? 'missing'])),
    accounts: Object.fromEntries(
      providers
        .filter((p) => person.accounts[p])
        .map((p) => [p, (person.accounts[p] ?? []).map((u) => u.id)]),
    ),
  };
  return {
    record,
    cells: [person.displayName, person.email ?? '', ...providers.map((p) => person.statuses[p] ?? '—')],
  };
}
