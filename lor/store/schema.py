"""The database's one schema, read by both backends: its migrations (tables, columns, indexes), in order, and the
short list of what SQLite and PostgreSQL spell differently (``Dialect``).

Every statement the store runs is the same text on both databases: parameters are PostgreSQL's numbered ``$1``
placeholders, which SQLite reads as named parameters (a backend passes ``{"1": …}`` there). What can't be the same
text is a field of ``Dialect``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases, and nothing else."""

    name: str
    integer: str  # a whole-number column
    order_column: str  # records keep the order they were added in: SQLite's implicit rowid, a PostgreSQL identity
    order_column_ddl: str  # how a records table declares it ("" when implicit)
    json_text: str  # a text field of a record's JSON data column, with {field}
    lock_rows: str  # what locks the rows a purge selects until it deletes them ({alias}: the table's alias)
    begin: str  # how a write transaction starts (SQLite takes its write lock up front)

    def json_field(self, name: str) -> str:
        return self.json_text.format(field=name)

    def locking(self, alias: str) -> str:
        return self.lock_rows.format(alias=alias)


SQLITE = Dialect(
    name="sqlite",
    integer="INTEGER",
    order_column="rowid",
    order_column_ddl="",
    json_text="json_extract(data, '$.{field}')",
    lock_rows="",
    begin="BEGIN IMMEDIATE",
)
POSTGRES = Dialect(
    name="postgres",
    integer="bigint",
    order_column="seq",
    order_column_ddl="seq bigint GENERATED ALWAYS AS IDENTITY, ",
    json_text="(data::json ->> '{field}')",
    lock_rows=" FOR UPDATE OF {alias}",
    begin="BEGIN",
)


def marks(count: int, first: int = 1) -> str:
    """``count`` numbered placeholders from ``$first``: "$1, $2, $3"."""
    return ", ".join(f"${n}" for n in range(first, first + count))


# -- the tables ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # "text" or "integer" (the dialect names it)
    not_null: bool = False
    default: str | None = None

    def ddl(self, dialect: Dialect) -> str:
        kind = dialect.integer if self.kind == "integer" else "TEXT"
        extra = (" NOT NULL" if self.not_null else "") + (f" DEFAULT {self.default}" if self.default else "")
        return f"{self.name} {kind}{extra}"


@dataclass(frozen=True)
class CreateTable:
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: tuple[tuple[str, str], ...] = ()  # (column, table) pairs: the other table's id
    ordered: bool = False  # records keep the order they were added in (the dialect's order column)

    def ddl(self, dialect: Dialect) -> list[str]:
        parts = [c.ddl(dialect) for c in self.columns]
        parts.append(f"PRIMARY KEY ({', '.join(self.key)})")
        parts += [f"FOREIGN KEY ({col}) REFERENCES {ref} (id) ON DELETE CASCADE" for col, ref in self.references]
        order = dialect.order_column_ddl if self.ordered else ""
        return [f"CREATE TABLE IF NOT EXISTS {self.table} ({order}{', '.join(parts)})"]


@dataclass(frozen=True)
class CreateIndex:
    table: str
    columns: tuple[str, ...]
    unique: bool = False

    def ddl(self, dialect: Dialect) -> list[str]:
        name = f"idx_{self.table}_{'_'.join(self.columns)}"
        unique = "UNIQUE " if self.unique else ""
        return [f"CREATE {unique}INDEX IF NOT EXISTS {name} ON {self.table} ({', '.join(self.columns)})"]


@dataclass(frozen=True)
class AddColumn:
    table: str
    column: Column

    def ddl(self, dialect: Dialect) -> list[str]:
        return [f"ALTER TABLE {self.table} ADD COLUMN {self.column.ddl(dialect)}"]


Change = CreateTable | CreateIndex | AddColumn


@dataclass(frozen=True)
class Migration:
    name: str
    doc: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def ddl(self, dialect: Dialect) -> list[str]:
        """The statements that make this change on ``dialect``'s database."""
        return [sql for change in self.changes for sql in change.ddl(dialect)]


def _records(table: str) -> CreateTable:
    return CreateTable(
        table,
        (Column("workspace_id", not_null=True), Column("id", not_null=True), Column("name"), Column("data")),
        key=("workspace_id", "id"),
        references=(("workspace_id", "workspaces"),),
        ordered=True,
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "m001_initial",
        "Workspaces, their records, and their settings.",
        (
            CreateTable(
                "workspaces",
                (
                    Column("id", not_null=True),
                    Column("edit_hash"),
                    Column("view_hash"),
                    Column("created", not_null=True),
                    Column("version", "integer", not_null=True, default="0"),
                ),
                key=("id",),
            ),
            CreateIndex("workspaces", ("edit_hash",), unique=True),
            CreateIndex("workspaces", ("view_hash",), unique=True),
            _records("mentors"),
            _records("applications"),
            _records("letters"),
            CreateTable(
                "student",
                (Column("workspace_id", not_null=True), Column("data")),
                key=("workspace_id",),
                references=(("workspace_id", "workspaces"),),
            ),
            CreateTable(
                "settings",
                (Column("workspace_id", not_null=True), Column("key", not_null=True), Column("value")),
                key=("workspace_id", "key"),
                references=(("workspace_id", "workspaces"),),
            ),
        ),
    ),
    Migration(
        "m002_desks",
        "Advisor desks (class mode), the plans that joined each one, and when each plan last changed.",
        (
            AddColumn("workspaces", Column("changed")),
            CreateTable(
                "desks",
                (
                    Column("id", not_null=True),
                    Column("name", not_null=True),
                    Column("link_hash", not_null=True),
                    Column("code_hash", not_null=True),
                    Column("code_salt", not_null=True),
                    Column("created", not_null=True),
                ),
                key=("id",),
            ),
            CreateIndex("desks", ("link_hash",), unique=True),
            CreateIndex("desks", ("code_hash",), unique=True),
            CreateTable(
                "desk_members",
                (Column("desk_id", not_null=True), Column("workspace_id", not_null=True), Column("joined")),
                key=("desk_id", "workspace_id"),
                references=(("desk_id", "desks"), ("workspace_id", "workspaces")),
            ),
            CreateIndex("desk_members", ("workspace_id",)),
        ),
    ),
    Migration(
        "m003_opened",
        "When each plan was last opened by one of its links (noted at most once a day), so purging can tell an "
        "abandoned empty plan from one its student still visits.",
        (AddColumn("workspaces", Column("opened")),),
    ),
    Migration(
        "m004_desk_opened",
        "When each desk was last opened by its link (noted at most once a day), so purging can tell a desk in use "
        "from one its advisor left.",
        (AddColumn("desks", Column("opened")),),
    ),
    Migration(
        "m005_feed",
        "Each plan's private calendar feed link (read-only, its hash only, like the other links); NULL while off.",
        (AddColumn("workspaces", Column("feed_hash")), CreateIndex("workspaces", ("feed_hash",), unique=True)),
    ),
    Migration(
        "m006_accounts",
        "Sign-in (class mode with [auth]): the plan of each school account, found by the provider's issuer and "
        "subject, which never change for an account (an email address or a name can), and when it last signed out, "
        "so a sign-in cookie copied before that opens nothing.",
        (
            CreateTable(
                "accounts",
                (
                    Column("issuer", not_null=True),
                    Column("subject", not_null=True),
                    Column("workspace_id", not_null=True),
                    Column("created", not_null=True),
                    Column("signed_out", "integer"),  # when the account last signed out (seconds since 1970, UTC)
                ),
                key=("issuer", "subject"),
                references=(("workspace_id", "workspaces"),),
            ),
            CreateIndex("accounts", ("workspace_id",), unique=True),
        ),
    ),
    Migration(
        "m007_desk_notes_and_log",
        "An advisor's private note per student on a desk, and the desk's log of students who joined, left or were "
        "removed (with the name they had then), both kept with the desk.",
        (
            CreateTable(
                "desk_notes",
                (
                    Column("desk_id", not_null=True),
                    Column("workspace_id", not_null=True),
                    Column("note", not_null=True),
                    Column("changed", not_null=True),
                ),
                key=("desk_id", "workspace_id"),
                references=(("desk_id", "desks"),),
            ),
            CreateTable(
                "desk_log",
                (
                    Column("desk_id", not_null=True),
                    Column("id", not_null=True),
                    Column("at", not_null=True),
                    Column("workspace_id", not_null=True),
                    Column("student"),
                    Column("event", not_null=True),
                ),
                key=("desk_id", "id"),
                references=(("desk_id", "desks"),),
            ),
            CreateIndex("desk_log", ("desk_id", "at")),
        ),
    ),
)


def columns() -> dict[str, tuple[str, ...]]:
    """Every table's columns once every migration has run, in order (without the dialect's order column)."""
    out: dict[str, list[str]] = {}
    for migration in MIGRATIONS:
        for change in migration.changes:
            if isinstance(change, CreateTable):
                out[change.table] = [c.name for c in change.columns]
            elif isinstance(change, AddColumn):
                out[change.table].append(change.column.name)
    return {table: tuple(names) for table, names in out.items()}


COLUMNS = columns()
RECORD_TABLES = ("mentors", "applications", "letters")  # a record per row, kept in the order added
PLAN_TABLES = ("mentors", "applications", "letters", "settings", "student")  # every table that holds a plan's rows
DESK_TABLES = ("desks", "desk_members", "desk_notes", "desk_log")  # copied with the plans, after them
COPIED_TABLES = (*PLAN_TABLES, *DESK_TABLES, "accounts")  # everything a copy carries, in the order it is written
MIGRATION_NAMES = tuple(m.name for m in MIGRATIONS)

# The characters of JSON one plan takes (lor.backup.MAX_PLAN_CHARS): five sums by primary key prefix, one query.
PLAN_CHARS_SQL = (
    "SELECT "
    + " + ".join(
        f"(SELECT COALESCE(SUM(LENGTH({'value' if table == 'settings' else 'data'})), 0) FROM {table} "
        "WHERE workspace_id = $1)"
        for table in PLAN_TABLES
    )
    + " AS n"
)
