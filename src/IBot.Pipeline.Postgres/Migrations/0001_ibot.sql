-- ibot's own tables: the run queue, cron schedules, service nodes, and lineage.
-- Text keys compare byte-wise (COLLATE "C"): ids sort and match by prefix as in the LiteDB store,
-- and a prefix search (ibot lineage 3fa1c9) is an index range scan.

CREATE TABLE ibot_queue (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  sweep_id text,
  spec_hash text NOT NULL,
  priority integer NOT NULL,
  sequence bigint GENERATED ALWAYS AS IDENTITY,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  cancel_requested boolean NOT NULL DEFAULT false,
  device text,
  slot integer,
  node text,
  pid integer,
  process_start bigint,
  enqueued_at timestamptz NOT NULL,
  started_at timestamptz,
  ended_at timestamptz,
  heartbeat_at timestamptz,
  reason text,
  history text[] NOT NULL DEFAULT '{}'
);
-- Claiming reads the head of this index only: the highest priority, then the oldest.
CREATE INDEX ibot_queue_claim ON ibot_queue (priority DESC, sequence) WHERE state = 'queued';
CREATE INDEX ibot_queue_running ON ibot_queue (node) WHERE state = 'running';
CREATE INDEX ibot_queue_sequence ON ibot_queue (sequence);

CREATE TABLE ibot_schedules (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  cron text NOT NULL,
  spec_yaml text NOT NULL,
  source_path text NOT NULL,
  priority integer NOT NULL,
  created_at timestamptz NOT NULL,
  last_fired_at timestamptz,
  -- The due time of the last fire submitted: nodes claim a fire time by it, once.
  last_fire_due timestamptz
);

-- One row per ibot serve node, beaten every few seconds: a node whose beat is old is gone.
CREATE TABLE ibot_nodes (
  name text COLLATE "C" PRIMARY KEY,
  heartbeat_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL,
  machine text NOT NULL,
  pid integer NOT NULL,
  slots text NOT NULL
);

CREATE TABLE ibot_specs (
  id text COLLATE "C" PRIMARY KEY,
  hash text NOT NULL,
  name text NOT NULL,
  yaml text NOT NULL,
  created timestamptz NOT NULL
);

CREATE TABLE ibot_sweeps (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  spec_hash text NOT NULL,
  created timestamptz NOT NULL
);

CREATE TABLE ibot_datasets (
  id text COLLATE "C" PRIMARY KEY,
  hash text NOT NULL,
  role text NOT NULL,
  kind text NOT NULL,
  description text NOT NULL,
  files bigint,
  bytes bigint
);

-- The ordinal is the recording order: ties in a sort keep it, as in the LiteDB store.
CREATE TABLE ibot_runs (
  ordinal bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text COLLATE "C" PRIMARY KEY,
  name text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  spec_hash text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  reason text,
  created timestamptz NOT NULL,
  created_ms double precision NOT NULL,
  updated timestamptz NOT NULL,
  sweep text COLLATE "C",
  device text COLLATE "C",
  folder text,
  reuse_key text,
  environment jsonb,
  datasets text[] NOT NULL,
  data_roles jsonb NOT NULL,
  history jsonb NOT NULL
);
CREATE INDEX ibot_runs_status ON ibot_runs (status);
CREATE INDEX ibot_runs_created ON ibot_runs (created_ms);
CREATE INDEX ibot_runs_sweep ON ibot_runs (sweep);
CREATE INDEX ibot_runs_reuse ON ibot_runs (reuse_key);

-- Every params.KEY of every run, typed as the query language sees it: kind 1 number, 2 text, 3 boolean
-- (num holds the number, or 0/1). A filter on one key reads that key's index only.
CREATE TABLE ibot_run_params (
  run bigint NOT NULL REFERENCES ibot_runs (ordinal),
  key text COLLATE "C" NOT NULL,
  kind smallint NOT NULL,
  num double precision,
  txt text COLLATE "C",
  PRIMARY KEY (key, run)
);
-- kind is included so that a filter on one key ("kind = 1 AND num > …") is an index-only scan.
CREATE INDEX ibot_run_params_num ON ibot_run_params (key, num) INCLUDE (run, kind);
CREATE INDEX ibot_run_params_txt ON ibot_run_params (key, txt) INCLUDE (run, kind);
CREATE INDEX ibot_run_params_run ON ibot_run_params (run);

-- Each metric's summary per run: what metrics.NAME, .min, .max and .best read.
CREATE TABLE ibot_run_metrics (
  run bigint NOT NULL REFERENCES ibot_runs (ordinal),
  name text COLLATE "C" NOT NULL,
  last double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  count integer NOT NULL,
  last_epoch integer NOT NULL,
  last_step bigint NOT NULL,
  PRIMARY KEY (name, run)
);
CREATE INDEX ibot_run_metrics_last ON ibot_run_metrics (name, last) INCLUDE (run);
CREATE INDEX ibot_run_metrics_run ON ibot_run_metrics (run);

-- The keys some run has (params.KEY, metrics.NAME), for "no run has …" and "did you mean".
CREATE TABLE ibot_keys (
  key text COLLATE "C" PRIMARY KEY
);

CREATE TABLE ibot_metrics (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run text COLLATE "C" NOT NULL,
  name text NOT NULL,
  value double precision NOT NULL,
  epoch integer NOT NULL,
  step bigint NOT NULL,
  at timestamptz NOT NULL,
  evaluation text
);
CREATE INDEX ibot_metrics_run ON ibot_metrics (run, step, at);

CREATE TABLE ibot_artifacts (
  id text COLLATE "C" PRIMARY KEY,
  sha256 text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  path text NOT NULL,
  size bigint NOT NULL,
  produced_by text,
  epoch integer,
  created timestamptz NOT NULL
);
CREATE INDEX ibot_artifacts_sha256 ON ibot_artifacts (sha256);

CREATE TABLE ibot_evaluations (
  id text COLLATE "C" PRIMARY KEY,
  run text COLLATE "C" NOT NULL,
  evaluator text NOT NULL,
  epoch integer NOT NULL,
  artifact text,
  metrics jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX ibot_evaluations_run ON ibot_evaluations (run);

CREATE TABLE ibot_relations (
  from_id text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  to_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (from_id, kind, to_id)
);
CREATE INDEX ibot_relations_to ON ibot_relations (to_id);
