"""Who may do what on a shared board: the roles `python main.py board setup URL` makes, once, as the owner.

Whoever owns the PostgreSQL server runs `board setup` connected as an administrator (a role that may
create roles and tables, e.g. `postgres` over the local socket). It brings the schema up to date (the
migrations of game.data.store.schema, as opening the board does) and then makes three login roles and
grants each only what its machines need:

- `processplay_kiosk`: adds scores and reads the board (INSERT, SELECT on scores); adds leads but can
  read none of them (INSERT on leads, SELECT only on their `id` and `key`, which an idempotent insert
  needs to answer the row's id); a kiosk that is stolen gives away no visitor's details;
- `processplay_sales`: reads and deletes leads (the `leads` command: export, forget), nothing else;
- `processplay_facilitator`: the workshop's teams and rounds (SELECT, INSERT, UPDATE: a team's row is
  locked while its next round is numbered) and the board's scores to read.

Every role reads `meta` (the schema's version). Setting up again changes nothing that is already so.
No password is ever given on the command line: the roles are made without one (for peer or trust
authentication on the server's own machine), or `passwords` (the command asks for them with getpass)
sets each as a SCRAM hash made on this machine, so the password itself never reaches the server's log.
Each machine then keeps its role's password in a pgpass file (docs/deployment.md).
"""
from __future__ import annotations

from typing import Callable

from game.data.store.board import check_board_url
from game.data.store.postgres import PostgresBackend, require_psycopg

KIOSK, SALES, FACILITATOR = "processplay_kiosk", "processplay_sales", "processplay_facilitator"
#: Each role's grants, table by table (column lists in parentheses, as GRANT writes them).
GRANTS: dict[str, list[tuple[str, str]]] = {
    KIOSK: [("SELECT", "meta"), ("SELECT, INSERT", "scores"), ("INSERT", "leads"), ("SELECT (id, key)", "leads")],
    SALES: [("SELECT", "meta"), ("SELECT, DELETE", "leads")],
    FACILITATOR: [("SELECT", "meta"), ("SELECT", "scores"), ("SELECT, INSERT, UPDATE", "teams"),
                  ("SELECT, INSERT, UPDATE", "rounds")],
}


def setup_board(url: str, password: Callable[[str], str | None] | None = None) -> list[str]:
    """Bring the board at `url` up to date and make its roles (see the module's text), connected as the
    administrator `url` names; `password(role)` gives each role's password (None or "" for none). The
    lines saying what was done. StoreError in words when the URL is refused or the role may not."""
    check_board_url(url)  # a URL refused is said first, psycopg or not
    require_psycopg()  # or a StoreError saying how to install it
    from psycopg import sql

    done = []
    with PostgresBackend.open(url) as board:
        done.append(f"schema at version {board.schema_version()}")
        with board.write() as c:
            database = c.execute("SELECT current_database()").fetchone()[0]
            for role, grants in GRANTS.items():
                if not c.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone():
                    c.conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                    done.append(f"role {role} made")
                c.conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database),
                                                                                  sql.Identifier(role)))
                c.conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(role)))
                for privileges, table in grants:
                    c.conn.execute(sql.SQL(f"GRANT {privileges} ON {{}} TO {{}}").format(sql.Identifier(table),
                                                                                       sql.Identifier(role)))
                secret = password(role) if password is not None else None
                if secret:
                    hashed = c.conn.pgconn.encrypt_password(secret.encode(), role.encode()).decode()
                    c.conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role),
                                                                              sql.Literal(hashed)))
                    done.append(f"password of {role} set")
                done.append(f"{role}: " + "; ".join(f"{p} on {t}" for p, t in grants))
    return done
