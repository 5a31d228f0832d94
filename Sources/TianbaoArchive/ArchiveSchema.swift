import Foundation
import GRDB
import TianbaoSupport

/// The archive's tables, created and upgraded by GRDB's `DatabaseMigrator`: one registered
/// step per schema version, applied in order, each in its own transaction. A new version adds
/// a step (`v2` …) and never edits an old one; an archive carrying steps this Tianbao does not
/// know was written by a newer Tianbao and is refused (see `RoundArchive`).
///
/// `PRAGMA user_version` mirrors the number of steps, so tools other than GRDB (and the
/// `sqlite3` shell) can tell the version too.
enum ArchiveSchema {
    /// The schema version this Tianbao writes (the number of migration steps).
    static var version: Int { migrator.migrations.count }

    /// The migration steps, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try createV1(db) }
        migrator.registerMigration("v2") { db in try upgradeToV2(db) }
        migrator.registerMigration("v3-recording") { db in try upgradeToV3(db) }
        migrator.registerMigration("v4-uploads") { db in try addUploads(db) }
        migrator.registerMigration("v5-interrupted") { db in try addInterruptedMarks(db) }
        return migrator
    }

    /// Version 1: rounds, their units, files, rows, problems and figures. The status columns
    /// hold the raw values of their types: `units.status` a `UnitStatus`, `files.status` a
    /// `FileStatus` (`unreadable` too, which the comment in the table's text predates: that text
    /// is kept as it was, since SQLite stores it in every archive).
    static func createV1(_ db: Database) throws {
        // One row per recorded round; `report_json` is the round's report.json, byte for byte.
        try db.execute(sql: """
            CREATE TABLE rounds (
                round_id TEXT PRIMARY KEY NOT NULL,
                position INTEGER NOT NULL,          -- the round's place in the plan's list of rounds
                plan_id TEXT NOT NULL,
                plan_version TEXT NOT NULL,
                due TEXT NOT NULL,                  -- 2021-06-15
                merged_at TEXT,                     -- newest save time of the accepted files (UTC+8), see README
                expected INTEGER NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL,
                missing INTEGER NOT NULL, late INTEGER NOT NULL,
                rows_read INTEGER NOT NULL, rows_merged INTEGER NOT NULL, rows_rejected INTEGER NOT NULL,
                report_json TEXT NOT NULL
            );
            CREATE TABLE units (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                unit_id TEXT NOT NULL,
                unit_name TEXT NOT NULL,
                status TEXT NOT NULL,               -- accepted | rejected | missing
                late INTEGER NOT NULL,
                file TEXT, sha256 TEXT, saved_at TEXT,
                PRIMARY KEY (round_id, unit_id)
            );
            CREATE TABLE files (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                file TEXT NOT NULL,
                unit_id TEXT,
                status TEXT NOT NULL,               -- accepted | rejected | superseded | skipped
                sha256 TEXT, saved_at TEXT,
                late INTEGER NOT NULL,
                superseded INTEGER NOT NULL,
                note TEXT,
                PRIMARY KEY (round_id, position)
            );
            -- The sheets of the round as the plan declared them: the field ids that give the
            -- positions of a row's values.
            CREATE TABLE sheets (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                sheet_id TEXT NOT NULL,
                sheet_name TEXT NOT NULL,
                fields_json TEXT NOT NULL,          -- ["name","street",…]
                PRIMARY KEY (round_id, sheet_id)
            );
            -- Every row read from the file that counts for a unit (units.file), accepted or not:
            -- its source cell is (units.file, sheets.sheet_name, row).
            CREATE TABLE rows (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                unit_id TEXT NOT NULL,
                sheet_id TEXT NOT NULL,
                row INTEGER NOT NULL,               -- 1-based row in the file
                accepted INTEGER NOT NULL,
                explanation TEXT,
                values_json TEXT NOT NULL           -- values in sheets.fields_json order: "text" | number | {"d":"2021-06-01"} | null
            );
            -- Rows are appended in file order and read a round at a time: a rowid table with
            -- an index on the round packs its pages full (a round's delete uses the index too).
            CREATE INDEX rows_by_round ON rows (round_id, unit_id);
            CREATE TABLE problems (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                file TEXT NOT NULL, unit_id TEXT,
                severity TEXT NOT NULL, sheet TEXT, cell TEXT,
                rule TEXT NOT NULL, value TEXT NOT NULL, message TEXT NOT NULL,
                explained INTEGER NOT NULL,
                PRIMARY KEY (round_id, position)
            );
            CREATE TABLE figures (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                name TEXT NOT NULL,                 -- communities_completed, district:hankou:completed, …
                value REAL NOT NULL,
                PRIMARY KEY (round_id, name)
            );
            PRAGMA user_version = 1;
            """)
    }

    /// Version 2: what the outputs read of every earlier round, stored when a round is recorded
    /// instead of counted again from its rows by every later merge and review.
    /// - `unit_figures`: per round, declared ledger and unit, its accepted rows and those whose
    ///   status is the ledger's done value (the 进度趋势 and the review read these). A round
    ///   recorded by version 1 has none (`rounds.unit_figures` = 0) until the next merge into
    ///   the archive fills them in (`UnitFigures.backfill`, which needs the plan); until then
    ///   readers count them from the round's rows, as version 1 did.
    /// - rows indexed by round, sheet and unit (was: round and unit), so a unit's rows of the
    ///   sheets a check reads, or one sheet of a round, are found without reading the others.
    static func upgradeToV2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE unit_figures (
                round_id TEXT NOT NULL REFERENCES rounds(round_id) ON DELETE CASCADE,
                sheet_id TEXT NOT NULL,             -- a ledger the plan declares (outputs: ledgers)
                unit_id TEXT NOT NULL,
                items INTEGER NOT NULL,             -- accepted rows of the unit's accepted file
                done INTEGER NOT NULL,              -- of which the status is the ledger's done value
                PRIMARY KEY (round_id, sheet_id, unit_id)
            ) WITHOUT ROWID;
            ALTER TABLE rounds ADD COLUMN unit_figures INTEGER NOT NULL DEFAULT 0;  -- 1: unit_figures holds the round's
            DROP INDEX rows_by_round;
            CREATE INDEX rows_by_sheet ON rows (round_id, sheet_id, unit_id);
            PRAGMA user_version = 2;
            """)
    }

    /// Version 3: what keeps the archive and the output folders in step, and the rounds in order.
    /// - `rounds.record_digest`: the SHA-256 of the round's report.json (changes when what was
    ///   recorded of the round changes); `rounds.compared_with` / `compared_digest`: the round this
    ///   one was compared with when it was merged (its previous recorded round; NULL: none) and
    ///   that round's digest then. A round whose previous recorded round is now another one, or
    ///   the same one recorded again with other content, needs a re-merge (`RoundOrder`).
    ///   Rounds recorded before version 3 are taken as compared with the round before them now.
    /// - `pending_switches`: a round committed whose outputs are not switched in yet. The merge
    ///   commits the round with this row, switches its staging folder in for the output folder,
    ///   then deletes the row; the next merge into the archive finds a row a crash left and
    ///   completes the switch (the staging folder, known by its device and inode, is still
    ///   there) or rolls the archive back to `backup` (the copy taken before the round was
    ///   recorded; NULL: the archive held no round then).
    static func upgradeToV3(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE rounds ADD COLUMN record_digest TEXT;
            ALTER TABLE rounds ADD COLUMN compared_with TEXT;
            ALTER TABLE rounds ADD COLUMN compared_digest TEXT;
            CREATE TABLE pending_switches (
                target TEXT PRIMARY KEY NOT NULL,   -- the output folder, links resolved
                round_id TEXT NOT NULL,
                staging TEXT NOT NULL,              -- the staging folder holding the round's outputs
                staging_device INTEGER NOT NULL,
                staging_inode INTEGER NOT NULL,
                backup TEXT                         -- the archive before the round was recorded
            );
            """)
        let reports = try Row.fetchAll(db, sql: "SELECT round_id, report_json FROM rounds")
        for r in reports {
            let text: String = r["report_json"]
            try db.execute(sql: "UPDATE rounds SET record_digest = ? WHERE round_id = ?",
                           arguments: [Digest.sha256(Array(text.utf8)).hex, r["round_id"] as String])
        }
        try db.execute(sql: """
            UPDATE rounds SET
                compared_with = (SELECT p.round_id FROM rounds p WHERE p.position < rounds.position ORDER BY p.position DESC LIMIT 1),
                compared_digest = (SELECT p.record_digest FROM rounds p WHERE p.position < rounds.position ORDER BY p.position DESC LIMIT 1);
            PRAGMA user_version = 3;
            """)
    }

    /// The portal's records (`tianbao serve`), which live beside the rounds and outlive them (a
    /// round merged again keeps its uploads):
    /// - `uploads`: every file a unit handed in through its link, stored or refused: when it
    ///   was received (UTC+8), the client's address, size, SHA-256, the verdict and the JSON the
    ///   unit was answered with (`check --format json` plus `received` and `late`).
    /// - `merges` and `merge_uploads`: every 汇总 the office ran from the portal, and which upload
    ///   of each unit was the unit's file in the folder it merged.
    static func addUploads(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE uploads (
                upload_id INTEGER PRIMARY KEY,             -- never reused: uploads are never deleted
                round_id TEXT NOT NULL,
                unit_id TEXT NOT NULL,
                received_at TEXT NOT NULL,          -- 2021-06-14T10:30:05+08:00
                client TEXT NOT NULL,               -- the client's address as the server saw it
                size INTEGER NOT NULL,              -- bytes
                sha256 TEXT NOT NULL,
                verdict TEXT NOT NULL,              -- accepted | warnings | errors | rejected | refused
                late INTEGER NOT NULL,              -- received after the round's due day (UTC+8)
                stored INTEGER NOT NULL,            -- 1: became the unit's file in submissions/<round>/
                file TEXT NOT NULL,                 -- <单位全称>-<round>.xlsx
                errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
                liaison TEXT, phone TEXT,           -- the liaison the file names, for the 催报 board
                answer_json TEXT NOT NULL           -- what the unit was answered
            );
            CREATE INDEX uploads_by_unit ON uploads (round_id, unit_id, upload_id);
            CREATE TABLE merges (
                merge_id INTEGER PRIMARY KEY,
                round_id TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                outcome TEXT,                       -- done | partial | failed; NULL while it runs
                message TEXT
            );
            CREATE TABLE merge_uploads (
                merge_id INTEGER NOT NULL REFERENCES merges(merge_id) ON DELETE CASCADE,
                unit_id TEXT NOT NULL,
                upload_id INTEGER NOT NULL REFERENCES uploads(upload_id),
                PRIMARY KEY (merge_id, unit_id)
            );
            PRAGMA user_version = 4;
            """)
    }

    /// Version 5: what a merge cut off between its commit and its switch needs to be undone
    /// truthfully.
    /// - `pending_switches.replaces`: 1 when the round was recorded already before the merge
    ///   recorded it again, 0 when it was its first record (NULL: a switch recorded before
    ///   version 5, not known). Only a first record may be undone by deleting the round.
    /// - `rounds.interrupted`: 1 when the round holds what a merge cut off before its switch
    ///   recorded, and the backup from before it is gone: the outputs do not show that record,
    ///   and the round needs a re-merge (a re-merge records it anew, with 0).
    static func addInterruptedMarks(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE pending_switches ADD COLUMN replaces INTEGER;
            ALTER TABLE rounds ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
            PRAGMA user_version = 5;
            """)
    }
}
