"""Deduplication and 2×2 report counts over the on-disk case base, with DuckDB.

Every count FAERS statistics need is one SQL pass over the Parquet tables of the loaded
quarters (:mod:`loaders.faers.casestore`), never a read of RDF and never a Python dict per
report: the cost of a load grows with the number of report rows at DuckDB's speed, and memory
stays within :data:`loaders.faers.casestore.MEMORY_LIMIT` (DuckDB spills beyond it).

The rules are those of ADR 0008, evaluated *as of* a quarter (every loaded quarter up to and
including it; the last quarter gives the current statistics):

* a report (``pid``) read in several quarters counts once, with its latest quarter's record;
* per ``caseid`` the current report has the highest ``caseversion``, then the latest FDA date,
  then the highest ``primaryid``; a case on any deleted-case list (of those quarters) is out;
* N = current reports with at least one exposed drug and one reaction term; a, b, c, d per
  (drug, term) pair seen together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt

from loaders.faers.casestore import TABLES, sql_path

COUNTED = tuple(table for table in TABLES if table != "names")
"""The case base tables counting reads (``names`` is read by :mod:`loaders.faers.entities`;
directories written before it existed have none)."""

Strings = npt.NDArray[np.object_]
Counts = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ReactionTables:
    """N and the 2×2 table of every (drug, term) pair seen together, sorted by drug, term."""

    n: int
    drug: Strings
    term: Strings
    a: Counts
    b: Counts
    c: Counts
    d: Counts
    drug_reports: dict[str, int]
    """Margins: counted reports with each drug (a + b of any of its pairs)."""
    event_reports: dict[str, int]
    """Margins: counted reports with each term (a + c of any of its pairs)."""

    def __len__(self) -> int:
        return len(self.a)


@dataclass(frozen=True)
class IndicationCounts:
    """Current reports per (drug, indication term) pair, sorted by drug, term."""

    drug: Strings
    term: Strings
    count: Counts


@dataclass(frozen=True)
class Statuses:
    """Deduplication status of every report of one quarter, sorted by ``pid``."""

    pid: Strings
    status: Strings
    """``current``, ``superseded`` or ``deleted``."""
    winner: Strings
    """The current report of the case (for superseded reports)."""


class Counter:
    """SQL views over the case base directories of the loaded quarters.

    :param con: a connection from :func:`loaders.faers.casestore.connect`.
    :param folders: one case base directory per loaded quarter.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, folders: Sequence[Path]) -> None:
        self.con = con
        for table in COUNTED:
            files = ", ".join(sql_path(folder / f"{table}.parquet") for folder in folders)
            if folders:
                source = f"read_parquet([{files}])"
            else:  # no quarter: empty views of the right shape
                columns = ", ".join(f"NULL::{kind} AS {name}" for name, kind in TABLES[table])
                source = f"(SELECT {columns} WHERE false)"
            con.execute(f"CREATE OR REPLACE VIEW all_{table} AS SELECT * FROM {source}")  # noqa: S608
        self.upto: str | None = None

    def as_of(self, quarter: str) -> None:
        """Deduplicate over the quarters up to and including ``quarter`` (``yyyyqn``)."""
        self.upto = quarter
        sql = self.con.execute
        sql(
            "CREATE OR REPLACE TEMP TABLE rep AS SELECT pid, caseid, version, fda_dt "
            "FROM all_reports WHERE quarter <= $q "
            "QUALIFY row_number() OVER (PARTITION BY pid ORDER BY quarter DESC) = 1",
            {"q": quarter},
        )
        sql(
            "CREATE OR REPLACE TEMP TABLE best AS SELECT caseid, pid AS winner FROM rep "
            "QUALIFY row_number() OVER (PARTITION BY caseid ORDER BY version DESC, "
            "fda_dt DESC, CAST(pid AS HUGEINT) DESC) = 1"
        )
        sql(
            "CREATE OR REPLACE TEMP TABLE del AS SELECT DISTINCT caseid FROM all_deleted "
            "WHERE quarter <= $q",
            {"q": quarter},
        )
        sql(
            "CREATE OR REPLACE TEMP TABLE cur AS SELECT winner AS pid FROM best "
            "ANTI JOIN del USING (caseid)"
        )

    def _quarter(self) -> str:
        if self.upto is None:
            raise RuntimeError("call as_of() first")
        return self.upto

    def cases(self) -> int:
        """Current reports (cases left after deduplication)."""
        row = self.con.execute("SELECT count(*) FROM cur").fetchone()
        return int(row[0]) if row else 0

    def reaction_tables(self) -> ReactionTables:
        """The 2×2 tables as of the chosen quarter (see the module docstring)."""
        q = {"q": self._quarter()}
        sql = self.con.execute
        sql(
            "CREATE OR REPLACE TEMP TABLE xc AS SELECT DISTINCT pid, drug FROM all_exposures "
            "SEMI JOIN cur USING (pid) WHERE quarter <= $q",
            q,
        )
        sql(
            "CREATE OR REPLACE TEMP TABLE vc AS SELECT DISTINCT pid, term FROM all_events "
            "SEMI JOIN cur USING (pid) WHERE quarter <= $q",
            q,
        )
        sql(
            "CREATE OR REPLACE TEMP TABLE counted AS "
            "SELECT pid FROM xc INTERSECT SELECT pid FROM vc"
        )
        sql("DELETE FROM xc WHERE pid NOT IN (SELECT pid FROM counted)")
        sql("DELETE FROM vc WHERE pid NOT IN (SELECT pid FROM counted)")
        row = sql("SELECT count(*) FROM counted").fetchone()
        n = int(row[0]) if row else 0
        sql("CREATE OR REPLACE TEMP TABLE dn AS SELECT drug, count(*) AS m FROM xc GROUP BY drug")
        sql("CREATE OR REPLACE TEMP TABLE en AS SELECT term, count(*) AS m FROM vc GROUP BY term")
        result = sql(
            "WITH pairs AS (SELECT drug, term, count(*) AS a FROM xc JOIN vc USING (pid) "
            "GROUP BY drug, term) "
            "SELECT p.drug, p.term, p.a, dn.m - p.a AS b, en.m - p.a AS c, "
            "$n - dn.m - en.m + p.a AS d FROM pairs p JOIN dn USING (drug) JOIN en USING (term) "
            "ORDER BY p.drug, p.term",
            {"n": n},
        ).fetchnumpy()
        drugs = dict(sql("SELECT drug, m FROM dn").fetchall())
        events = dict(sql("SELECT term, m FROM en").fetchall())
        sql("DROP TABLE xc; DROP TABLE vc; DROP TABLE counted; DROP TABLE dn; DROP TABLE en")
        a, b, c, d = (np.asarray(result[k], dtype=np.int64) for k in "abcd")
        return ReactionTables(n, result["drug"], result["term"], a, b, c, d, drugs, events)

    def indication_counts(self) -> IndicationCounts:
        """Current reports per (drug, indication term) as of the chosen quarter."""
        result = self.con.execute(
            "SELECT drug, term, count(DISTINCT pid) AS n FROM all_indications "
            "SEMI JOIN cur USING (pid) WHERE quarter <= $q GROUP BY drug, term "
            "ORDER BY drug, term",
            {"q": self._quarter()},
        ).fetchnumpy()
        return IndicationCounts(
            result["drug"], result["term"], np.asarray(result["n"], dtype=np.int64)
        )

    def statuses(self, quarter: str) -> Statuses:
        """The deduplication status of each report read in ``quarter`` (as of :meth:`as_of`)."""
        result = self.con.execute(
            "SELECT DISTINCT r.pid, CASE WHEN d.caseid IS NOT NULL THEN 'deleted' "
            "WHEN b.winner = r.pid THEN 'current' ELSE 'superseded' END AS status, b.winner "
            "FROM (SELECT pid FROM all_reports WHERE quarter = $q) q "
            "JOIN rep r USING (pid) JOIN best b USING (caseid) "
            "LEFT JOIN del d USING (caseid) ORDER BY r.pid",
            {"q": quarter},
        ).fetchnumpy()
        return Statuses(result["pid"], result["status"], result["winner"])

    def deleted_listed(self) -> int:
        """Deleted caseids listed by the quarters up to the chosen one."""
        row = self.con.execute("SELECT count(*) FROM del").fetchone()
        return int(row[0]) if row else 0

    def superseded(self) -> int:
        """Reports superseded by a later version of their case (cases not deleted)."""
        row = self.con.execute(
            "SELECT count(*) FROM rep JOIN best USING (caseid) ANTI JOIN del USING (caseid) "
            "WHERE rep.pid <> best.winner"
        ).fetchone()
        return int(row[0]) if row else 0

    def deleted_reports(self) -> int:
        """Reports of deleted cases."""
        row = self.con.execute("SELECT count(*) FROM rep SEMI JOIN del USING (caseid)").fetchone()
        return int(row[0]) if row else 0
