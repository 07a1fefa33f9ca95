/**
 * Positional parameters of one statement built from parts. A repository that owns a table writes
 * the SQL on it (table-ownership.test.ts) and returns it as a fragment bound to these parameters,
 * so a search over cases can filter on journal, deadline or attempt rows in ONE statement (keyset
 * pagination needs the filters inside the statement that pages) while each table's SQL stays in
 * its owner.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value; returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The columns of the case row a fragment correlates with (e.g. `c.id`, `c.tenant`, `c.case_ref`). */
export interface CaseColumns {
  id: string;
  tenant: string;
  caseRef: string;
}

/** A condition on a case, written by the owner of the table it reads: `EXISTS (…)` with its parameters in the same SqlParams. */
export interface CaseCondition {
  sql: string;
}
