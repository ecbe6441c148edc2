import type { Person, ProviderId, User } from '@rosterkit/users';

export type Format = 'table' | 'json' | 'ndjson' | 'csv';
export const FORMATS: readonly Format[] = ['table', 'json', 'ndjson', 'csv'];

/** RFC 4180: quote when needed, double the quotes; neutralise spreadsheet formulas is not our job. */
export function csvCell(value: unknown): string {
  const s = cellText(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
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

export function toRecord(user: User, withRaw: boolean): Record<string, unknown> {
  if (withRaw) return user as unknown as Record<string, unknown>;
  const { raw: _raw, ...rest } = user;
  return rest;
}

/** Writes rows in a streaming way where the format allows (ndjson, csv); table and json buffer. */
export class RowWriter {
  #rows: unknown[][] = [];
  #json: Record<string, unknown>[] = [];
  #first = true;
  constructor(
    readonly format: Format,
    readonly columns: readonly string[],
    readonly out: (s: string) => void,
  ) {
    if (format === 'csv') out(`${columns.map(csvCell).join(',')}\r\n`);
    if (format === 'json') out('[');
  }

  /** `record` is the full JSON object (json/ndjson); `cells` are the column values (table/csv). */
  write(record: Record<string, unknown>, cells: unknown[]): void {
    switch (this.format) {
      case 'ndjson':
        this.out(`${JSON.stringify(record)}\n`);
        break;
      case 'json':
        this.out(`${this.#first ? '\n' : ',\n'}  ${JSON.stringify(record)}`);
        this.#first = false;
        break;
      case 'csv':
        this.out(`${cells.map(csvCell).join(',')}\r\n`);
        break;
      case 'table':
        this.#rows.push(cells);
        void this.#json;
        break;
    }
  }

  end(): void {
    if (this.format === 'json') this.out(this.#first ? ']\n' : '\n]\n');
    if (this.format !== 'table') return;
    const text = [this.columns, ...this.#rows.map((r) => r.map(cellText))] as string[][];
    const widths = this.columns.map((_, i) =>
      Math.min(48, Math.max(...text.map((r) => (r[i] ?? '').length))),
    );
    const line = (r: string[]) =>
      r
        .map((c, i) => {
          const w = widths[i] ?? 0;
          const t = c.length > w ? `${c.slice(0, w - 1)}…` : c;
          return t.padEnd(w);
        })
        .join('  ')
        .trimEnd();
    this.out(`${line(text[0] as string[])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
    for (const r of text.slice(1)) this.out(`${line(r)}\n`);
  }
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
