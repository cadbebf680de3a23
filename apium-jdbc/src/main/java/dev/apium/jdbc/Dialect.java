package dev.apium.jdbc;

/**
 * The few places where SQLite and PostgreSQL SQL differ: column types, the claim lock clause and
 * the row lock a chord join takes. Stateless constants, used by every thread.
 */
enum Dialect {
  SQLITE("SQLite", "INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", "", "", "id IN (%s)"),
  POSTGRES(
      "PostgreSQL",
      "BIGSERIAL PRIMARY KEY",
      "BYTEA",
      " FOR UPDATE SKIP LOCKED",
      " FOR UPDATE",
      "id = ANY(ARRAY(%s))");

  final String label;
  final String idColumn;
  final String blobType;

  /** Appended to the SELECT that picks rows to claim, so concurrent claimers skip each other. */
  final String skipLocked;

  /**
   * Appended to a SELECT that must serialize writers of one row (SQLite's BEGIN IMMEDIATE does).
   */
  final String forUpdate;

  /**
   * How a claim matches the ids its sub-select picked. PostgreSQL gets {@code ANY(ARRAY(...))} so
   * the locking sub-select runs exactly once; as a plain {@code IN} the planner may re-run it and
   * claim more rows than the limit.
   */
  final String idsIn;

  Dialect(
      String label,
      String idColumn,
      String blobType,
      String skipLocked,
      String forUpdate,
      String idsIn) {
    this.label = label;
    this.idColumn = idColumn;
    this.blobType = blobType;
    this.skipLocked = skipLocked;
    this.forUpdate = forUpdate;
    this.idsIn = idsIn;
  }
}
