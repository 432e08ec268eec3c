/**
 * Versioned schema migrations, applied in order inside one transaction each.
 * Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry',
    sql: `
      CREATE TABLE programs (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        auditee_label TEXT NOT NULL,
        contact_label TEXT NOT NULL,
        unit_label TEXT NOT NULL,
        sort_order INTEGER NOT NULL
      );

      -- The county grid: 乡镇 (town) → 工作片 (area) → 村 (village). Shared by all programs.
      CREATE TABLE grid_units (
        id INTEGER PRIMARY KEY,
        level TEXT NOT NULL CHECK (level IN ('town', 'area', 'village')),
        parent_id INTEGER REFERENCES grid_units(id),
        path TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        leader TEXT NOT NULL DEFAULT '',
        leader_post TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX grid_units_parent ON grid_units(parent_id);

      -- One row per successful import. Rows of a version are immutable once its hash is set.
      CREATE TABLE roster_versions (
        id INTEGER PRIMARY KEY,
        program_code TEXT NOT NULL REFERENCES programs(code),
        seq INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        sources TEXT NOT NULL,
        auditee_count INTEGER NOT NULL DEFAULT 0,
        contact_count INTEGER NOT NULL DEFAULT 0,
        hash TEXT,
        UNIQUE (program_code, seq)
      );

      CREATE TABLE auditees (
        version_id INTEGER NOT NULL REFERENCES roster_versions(id),
        number TEXT NOT NULL,
        name TEXT NOT NULL,
        gender TEXT NOT NULL,
        unit TEXT NOT NULL,
        industry TEXT NOT NULL,
        post TEXT NOT NULL,
        town TEXT NOT NULL,
        area TEXT NOT NULL,
        village TEXT NOT NULL,
        phone TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('在岗', '请假', '出差', '离岗')),
        PRIMARY KEY (version_id, number)
      ) WITHOUT ROWID;

      CREATE TABLE contacts (
        version_id INTEGER NOT NULL REFERENCES roster_versions(id),
        number TEXT NOT NULL,
        name TEXT NOT NULL,
        town TEXT NOT NULL,
        area TEXT NOT NULL,
        village TEXT NOT NULL,
        phone TEXT NOT NULL,
        auditee_number TEXT NOT NULL,
        consent TEXT NOT NULL CHECK (consent IN ('同意', '不同意', '未知')),
        -- Clustered by auditee: draws and drill-downs read one auditee's contacts together, and a
        -- single B-tree keeps a 300,000-row import fast. Numbers are unique per version (the
        -- importer refuses duplicates); by-number lookups are rare (search).
        PRIMARY KEY (version_id, auditee_number, number)
      ) WITHOUT ROWID;

      -- Immutability is enforced by the database itself, not only by the code that writes.
      -- Rows can be neither changed nor removed. An insert into a sealed version is not refused
      -- here (a per-row trigger would double the import time) but is caught by
      -- verifyRosterVersion: each version's counts and hash are sealed and recomputed.
      CREATE TRIGGER roster_versions_no_delete BEFORE DELETE ON roster_versions
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER roster_versions_seal_once BEFORE UPDATE ON roster_versions
        WHEN OLD.hash IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER auditees_no_update BEFORE UPDATE ON auditees
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER auditees_no_delete BEFORE DELETE ON auditees
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;

      -- Every closed audit round, per auditee. Written by the show and routine checks;
      -- read by the draw plan's cool-down rule.
      CREATE TABLE audit_history (
        id INTEGER PRIMARY KEY,
        program_code TEXT NOT NULL REFERENCES programs(code),
        auditee_number TEXT NOT NULL,
        audited_on TEXT NOT NULL,
        event_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        result TEXT NOT NULL
      );
      CREATE INDEX audit_history_by_auditee ON audit_history(program_code, auditee_number, audited_on);

      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'draws',
    sql: `
      -- A sealed draw: its roster version, plan and pool are frozen here before any randomness.
      CREATE TABLE draws (
        id TEXT PRIMARY KEY,
        program_code TEXT NOT NULL REFERENCES programs(code),
        roster_version_id INTEGER NOT NULL REFERENCES roster_versions(id),
        title TEXT NOT NULL,
        plan TEXT NOT NULL,
        pool TEXT NOT NULL,
        -- 32 random bytes as hex; only its SHA-256 is public until the reveal.
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );

      -- Every accepted ceremony command, hash-chained; the draw's state is the fold of it.
      CREATE TABLE draw_log (
        draw_id TEXT NOT NULL REFERENCES draws(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (draw_id, seq)
      ) WITHOUT ROWID;

      CREATE TRIGGER draws_no_update BEFORE UPDATE ON draws
        BEGIN SELECT RAISE(ABORT, 'DRAW_IMMUTABLE'); END;
      CREATE TRIGGER draws_no_delete BEFORE DELETE ON draws
        BEGIN SELECT RAISE(ABORT, 'DRAW_IMMUTABLE'); END;
      CREATE TRIGGER draw_log_no_update BEFORE UPDATE ON draw_log
        BEGIN SELECT RAISE(ABORT, 'DRAW_IMMUTABLE'); END;
      CREATE TRIGGER draw_log_no_delete BEFORE DELETE ON draw_log
        BEGIN SELECT RAISE(ABORT, 'DRAW_IMMUTABLE'); END;
    `,
  },
  {
    version: 3,
    name: 'events and the show log',
    sql: `
      -- 抽查活动: a draft until sealed (draw_id set); a rehearsal is a sealed copy, never real.
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        event_date TEXT NOT NULL,
        venue TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('televised', 'special', 'routine')),
        program_code TEXT NOT NULL REFERENCES programs(code),
        rehearsal INTEGER NOT NULL DEFAULT 0 CHECK (rehearsal IN (0, 1)),
        rehearsal_of TEXT REFERENCES events(id),
        settings TEXT NOT NULL,
        draw_id TEXT REFERENCES draws(id),
        overlay_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE TRIGGER events_frozen_once_sealed BEFORE UPDATE ON events
        WHEN OLD.draw_id IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'EVENT_SEALED'); END;
      CREATE TRIGGER events_no_delete_once_sealed BEFORE DELETE ON events
        WHEN OLD.draw_id IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'EVENT_SEALED'); END;

      -- Every accepted show command, hash-chained; the show's state is the fold of it.
      CREATE TABLE show_log (
        event_id TEXT NOT NULL REFERENCES events(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        idempotency_key TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (event_id, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX show_log_idempotency ON show_log(event_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE TRIGGER show_log_no_update BEFORE UPDATE ON show_log
        BEGIN SELECT RAISE(ABORT, 'SHOW_LOG_IMMUTABLE'); END;
      CREATE TRIGGER show_log_no_delete BEFORE DELETE ON show_log
        BEGIN SELECT RAISE(ABORT, 'SHOW_LOG_IMMUTABLE'); END;
    `,
  },
  {
    version: 4,
    name: 'judge seats',
    sql: `
      -- One row per judge seat of a sealed event: the join link's token, and the one device on it.
      CREATE TABLE judge_seats (
        event_id TEXT NOT NULL REFERENCES events(id),
        seat INTEGER NOT NULL,
        token TEXT NOT NULL,
        device_id TEXT,
        session_hash TEXT,
        joined_at TEXT,
        PRIMARY KEY (event_id, seat)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'county settings',
    sql: `
      -- County-wide choices, one value per key (JSON), e.g. how the public site names auditees.
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'rectifications',
    sql: `
      -- 整改: what an audited cadre must put right after a round below its threshold, who owns it,
      -- by when, and where it stands. A 回头看 re-checks the cadres with items here.
      CREATE TABLE rectifications (
        id INTEGER PRIMARY KEY,
        program_code TEXT NOT NULL REFERENCES programs(code),
        auditee_number TEXT NOT NULL,
        event_id TEXT NOT NULL,
        item TEXT NOT NULL,
        owner TEXT NOT NULL,
        deadline TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('待整改', '整改中', '已整改', '已核验')),
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX rectifications_by_auditee ON rectifications(program_code, auditee_number);
    `,
  },
  {
    version: 7,
    name: 'roster checks without IN lists',
    sql: `
      -- A CHECK of the form x IN ('a', 'b', 'c') costs SQLite about 2 µs per inserted row here
      -- (0.6 s of a 300,000-household import); the same rule spelled with OR costs nothing
      -- measurable. SQLite cannot alter a CHECK, so both roster tables are rebuilt with the same
      -- columns, keys and immutability triggers. DROP TABLE fires no triggers.
      CREATE TABLE auditees_v7 (
        version_id INTEGER NOT NULL REFERENCES roster_versions(id),
        number TEXT NOT NULL,
        name TEXT NOT NULL,
        gender TEXT NOT NULL,
        unit TEXT NOT NULL,
        industry TEXT NOT NULL,
        post TEXT NOT NULL,
        town TEXT NOT NULL,
        area TEXT NOT NULL,
        village TEXT NOT NULL,
        phone TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status = '在岗' OR status = '请假' OR status = '出差' OR status = '离岗'),
        PRIMARY KEY (version_id, number)
      ) WITHOUT ROWID;
      INSERT INTO auditees_v7 (version_id, number, name, gender, unit, industry, post, town, area, village, phone, status)
        SELECT version_id, number, name, gender, unit, industry, post, town, area, village, phone, status FROM auditees;
      DROP TABLE auditees;
      ALTER TABLE auditees_v7 RENAME TO auditees;
      CREATE TRIGGER auditees_no_update BEFORE UPDATE ON auditees
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER auditees_no_delete BEFORE DELETE ON auditees
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;

      CREATE TABLE contacts_v7 (
        version_id INTEGER NOT NULL REFERENCES roster_versions(id),
        number TEXT NOT NULL,
        name TEXT NOT NULL,
        town TEXT NOT NULL,
        area TEXT NOT NULL,
        village TEXT NOT NULL,
        phone TEXT NOT NULL,
        auditee_number TEXT NOT NULL,
        consent TEXT NOT NULL CHECK (consent = '同意' OR consent = '不同意' OR consent = '未知'),
        -- Clustered by auditee, as before (see migration 1).
        PRIMARY KEY (version_id, auditee_number, number)
      ) WITHOUT ROWID;
      INSERT INTO contacts_v7 (version_id, number, name, town, area, village, phone, auditee_number, consent)
        SELECT version_id, number, name, town, area, village, phone, auditee_number, consent FROM contacts;
      DROP TABLE contacts;
      ALTER TABLE contacts_v7 RENAME TO contacts;
      CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
      CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
        BEGIN SELECT RAISE(ABORT, 'ROSTER_VERSION_IMMUTABLE'); END;
    `,
  },
  {
    version: 8,
    name: 'sealed secrets, the notary and the public log',
    sql: `
      -- Format 2: the server's secret is stored sealed with the vault key (kept outside this file;
      -- secret is then ''), and a rehearsal's simulated notary secret likewise.
      ALTER TABLE draws ADD COLUMN secret_box TEXT;
      ALTER TABLE draws ADD COLUMN notary_box TEXT;

      -- The notary's commitment, registered from the notary's own device before sealing. The
      -- secret itself never reaches the server until the notary reveals it on air.
      CREATE TABLE notary_commitments (
        event_id TEXT PRIMARY KEY REFERENCES events(id),
        commitment TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        registered_by TEXT NOT NULL
      );

      -- The county's public log (RFC 6962 style): leaves in order, and every signed tree head.
      CREATE TABLE public_log_leaves (
        leaf_index INTEGER PRIMARY KEY,
        draw_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        leaf TEXT NOT NULL,
        leaf_hash TEXT NOT NULL
      );
      CREATE INDEX public_log_by_draw ON public_log_leaves(draw_id);
      CREATE TABLE public_log_heads (
        tree_size INTEGER PRIMARY KEY,
        root_hash TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        key_id TEXT NOT NULL,
        signature TEXT NOT NULL
      );
      CREATE TRIGGER public_log_leaves_no_update BEFORE UPDATE ON public_log_leaves
        BEGIN SELECT RAISE(ABORT, 'PUBLIC_LOG_IMMUTABLE'); END;
      CREATE TRIGGER public_log_leaves_no_delete BEFORE DELETE ON public_log_leaves
        BEGIN SELECT RAISE(ABORT, 'PUBLIC_LOG_IMMUTABLE'); END;
      CREATE TRIGGER public_log_heads_no_update BEFORE UPDATE ON public_log_heads
        BEGIN SELECT RAISE(ABORT, 'PUBLIC_LOG_IMMUTABLE'); END;
      CREATE TRIGGER public_log_heads_no_delete BEFORE DELETE ON public_log_heads
        BEGIN SELECT RAISE(ABORT, 'PUBLIC_LOG_IMMUTABLE'); END;
    `,
  },
  {
    version: 9,
    name: 'the event the outputs follow',
    sql: `
      -- One row: the event (live or its rehearsal) every output channel and venue seat follows.
      CREATE TABLE output_follow (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        event_id TEXT NOT NULL REFERENCES events(id),
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL
      );
      -- Every switch, kept: when the outputs went from the rehearsal to the live show, and who did it.
      CREATE TABLE follow_changes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        from_event_id TEXT,
        to_event_id TEXT NOT NULL,
        changed_by TEXT NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'output channels and the venue seats',
    sql: `
      -- The installation's outputs, each with one permanent URL and key set up once in OBS, vMix or
      -- CasparCG. What a channel shows comes from here (program or cued graphics, green or none),
      -- never from its URL; the event it shows is the one output_follow names.
      CREATE TABLE output_channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('program', 'preview')),
        background TEXT NOT NULL CHECK (background IN ('none', 'green')),
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        created TEXT NOT NULL
      );
      -- The venue's judges' seats: one printed sheet for every event. A tablet joins a venue seat
      -- once (token and the venue PIN); its key is then bound to the same seat of whichever event
      -- is followed (judge_seats.session_hash), and to no other. bound_event_id says which.
      CREATE TABLE venue_seats (
        seat INTEGER PRIMARY KEY,
        token TEXT NOT NULL,
        pin TEXT NOT NULL,
        device_id TEXT,
        session_hash TEXT,
        joined_at TEXT,
        bound_event_id TEXT REFERENCES events(id),
        created TEXT NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: 'control tokens and the control-call log',
    sql: `
      -- A token per control surface (a Stream Deck running Companion). Only its SHA-256 is kept:
      -- the token is shown once, when made. A revoked token stays, so the call log keeps its name.
      CREATE TABLE control_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT,
        revoked_by TEXT,
        last_used_at TEXT
      );
      -- Every command call from a control surface, carried out or refused, with the token's name.
      CREATE TABLE control_calls (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        token_id INTEGER REFERENCES control_tokens(id),
        token_name TEXT,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 12,
    name: 'accounts the administrator manages, and their log',
    sql: `
      -- The role list gains the administrator; an account can be disabled, and one made or reset by
      -- the administrator must get its own password at first login. SQLite cannot alter a CHECK:
      -- users is rebuilt, and sessions (its only child) set aside and put back, so no foreign key
      -- ever points at a dropped table.
      CREATE TABLE sessions_kept AS SELECT token_hash, username, created_at, expires_at FROM sessions;
      DROP TABLE sessions;
      CREATE TABLE users_v12 (
        username TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role = 'admin' OR role = 'operator' OR role = 'supervisor'),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT,
        disabled_at TEXT,
        must_set_password INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO users_v12 (username, role, password_hash, created_at)
        SELECT username, role, password_hash, created_at FROM users;
      DROP TABLE users;
      ALTER TABLE users_v12 RENAME TO users;
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      INSERT INTO sessions SELECT token_hash, username, created_at, expires_at FROM sessions_kept;
      DROP TABLE sessions_kept;
      -- Every account action: who did what to which account, and when.
      CREATE TABLE account_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 13,
    name: 'callers and readers, and accounts scoped to programs',
    sql: `
      -- Two more roles (话务员, 查阅), and the programs an account works in: a JSON array of program
      -- codes, or NULL for every program. users is rebuilt for its CHECK, as in version 12.
      CREATE TABLE sessions_kept AS SELECT token_hash, username, created_at, expires_at FROM sessions;
      DROP TABLE sessions;
      CREATE TABLE users_v13 (
        username TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'caller', 'supervisor', 'reader')),
        programs TEXT CHECK (programs IS NULL OR (json_valid(programs) AND json_type(programs) = 'array')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT,
        disabled_at TEXT,
        must_set_password INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO users_v13 (username, role, password_hash, created_at, created_by, disabled_at, must_set_password)
        SELECT username, role, password_hash, created_at, created_by, disabled_at, must_set_password FROM users;
      DROP TABLE users;
      ALTER TABLE users_v13 RENAME TO users;
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      INSERT INTO sessions SELECT token_hash, username, created_at, expires_at FROM sessions_kept;
      DROP TABLE sessions_kept;
    `,
  },
  {
    version: 14,
    name: 'programs a department defines, versioned',
    sql: `
      -- The owning department (单位) and the current version of each program; every version is
      -- kept whole in program_versions (its definition as canonical JSON and that text's SHA-256).
      ALTER TABLE programs ADD COLUMN department TEXT NOT NULL DEFAULT '';
      ALTER TABLE programs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      CREATE TABLE program_versions (
        program_code TEXT NOT NULL REFERENCES programs(code),
        version INTEGER NOT NULL CHECK (version >= 1),
        definition TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (program_code, version)
      );
      -- A version, once made, never changes: editing a program makes the next version.
      CREATE TRIGGER program_versions_no_update BEFORE UPDATE ON program_versions
        BEGIN SELECT RAISE(ABORT, 'program versions are immutable'); END;
      CREATE TRIGGER program_versions_no_delete BEFORE DELETE ON program_versions
        BEGIN SELECT RAISE(ABORT, 'program versions are immutable'); END;
    `,
  },
  {
    version: 15,
    name: 'visit logs (走访记录/民情台账), versioned apart from the roster',
    sql: `
      -- A program's visit log: per contact, the cadre's recorded visits and needs (date, what was
      -- asked, what the cadre says was done, where it stands). Each import makes a new immutable
      -- version, checked against the roster version named, and hashed like it (its own tag); the
      -- roster's versions and hashes are untouched, so rosters and bundles sealed before stay valid.
      CREATE TABLE visit_log_versions (
        id INTEGER PRIMARY KEY,
        program_code TEXT NOT NULL REFERENCES programs(code),
        seq INTEGER NOT NULL,
        roster_version_id INTEGER NOT NULL REFERENCES roster_versions(id),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        sources TEXT NOT NULL,
        entry_count INTEGER NOT NULL DEFAULT 0,
        contact_count INTEGER NOT NULL DEFAULT 0,
        hash TEXT,
        UNIQUE (program_code, seq)
      );
      CREATE TABLE visit_entries (
        version_id INTEGER NOT NULL REFERENCES visit_log_versions(id),
        contact_number TEXT NOT NULL,
        visited_on TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('走访', '诉求')),
        asked TEXT NOT NULL,
        done TEXT NOT NULL,
        -- '' only for a visit (走访) that recorded no status; a need (诉求) always has one.
        status TEXT NOT NULL CHECK (status IN ('已解决', '办理中', '未解决', ''))
      );
      CREATE INDEX visit_entries_by_contact ON visit_entries (version_id, contact_number, visited_on);
      -- As for the roster: nothing changes or removes a version or its entries; an insert into a
      -- sealed version is caught by verifyVisitLog (counts and hash recomputed at every seal).
      CREATE TRIGGER visit_log_versions_no_delete BEFORE DELETE ON visit_log_versions
        BEGIN SELECT RAISE(ABORT, 'VISIT_LOG_IMMUTABLE'); END;
      CREATE TRIGGER visit_log_versions_seal_once BEFORE UPDATE ON visit_log_versions
        WHEN OLD.hash IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'VISIT_LOG_IMMUTABLE'); END;
      CREATE TRIGGER visit_entries_no_update BEFORE UPDATE ON visit_entries
        BEGIN SELECT RAISE(ABORT, 'VISIT_LOG_IMMUTABLE'); END;
      CREATE TRIGGER visit_entries_no_delete BEFORE DELETE ON visit_entries
        BEGIN SELECT RAISE(ABORT, 'VISIT_LOG_IMMUTABLE'); END;
    `,
  },
];
