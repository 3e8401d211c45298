// The OpenTofu configuration the e2e stacks run (offline: only OpenTofu's built-in providers).
//
// Planning is gated: the terraform_remote_state data source reads a local state file from the
// path in TF_VAR_gate_path, which the test points at a FIFO. OpenTofu prints
// "data.terraform_remote_state.gate: Reading..." and then blocks until the test writes a state
// into the FIFO. So the test can check that log lines stream while the run is still PLANNING, with
// no sleeps and no race. Applying runs a local-exec that prints a line a second.
export const GATE_READING_LINE = 'data.terraform_remote_state.gate: Reading...';
export const APPLY_LAST_LINE = 'applying step 3';

/** Line OpenTofu reports for the broken configuration (project root `broken`). */
export const BROKEN_CONFIG_ERROR = 'Invalid multi-line string';

/** An empty, valid state: what the test writes into the FIFO to let planning continue. */
const EMPTY_STATE_JSON = JSON.stringify({ version: 4, terraform_version: '1.6.2', serial: 1, lineage: 'gantry-e2e', outputs: {}, resources: [] });

/** Lines the `long` configuration prints before it blocks on the gate (2 per filler read). */
export const LONG_CONFIG_FILLER_READS = 150;

/** terraform_data.app instances of the `many` configuration (plus terraform_data.db). */
export const MANY_CONFIG_APPS = 12;

/** Lines the `huge` configuration's apply prints (about 200 bytes each with OpenTofu's prefix: ~20 MB). */
export const HUGE_LOG_LINES = 100_000;
/** The displayed text of line i (1-based) of the huge output, up to its padding. */
export const hugeLogLine = (i: number) => `huge log line ${i} =`;

export function e2eStackFiles(): Record<string, string> {
  return {
    // Project root \`huge\`: applying prints HUGE_LOG_LINES coloured lines (~20 MB of log).
    'huge/main.tf': `resource "terraform_data" "huge" {
  input = "a very long log"

  provisioner "local-exec" {
    command = "awk 'BEGIN { pad = sprintf(\\"%0120d\\", 0); gsub(/0/, \\"=\\", pad); for (i = 1; i <= ${HUGE_LOG_LINES}; i++) printf \\"\\\\033[3%dmhuge log line %d\\\\033[0m %s\\\\n\\", i % 7 + 1, i, pad }'"
  }
}
`,
    // Project root `long`: ~300 log lines while PLANNING, then blocks on the gate. For scrolling.
    'long/empty.tfstate': EMPTY_STATE_JSON,
    'long/main.tf': `variable "gate_path" {
  type = string
}

data "terraform_remote_state" "filler" {
  count   = ${LONG_CONFIG_FILLER_READS}
  backend = "local"
  config = {
    path = "\${path.module}/empty.tfstate"
  }
}

data "terraform_remote_state" "gate" {
  backend = "local"
  config = {
    path = var.gate_path
  }
  depends_on = [data.terraform_remote_state.filler]
}
`,
    // Project root `many`: 13 resources to create, one holding a sensitive input. For plan review.
    'many/main.tf': `variable "db_password" {
  type      = string
  sensitive = true
}

resource "terraform_data" "app" {
  count = ${MANY_CONFIG_APPS}
  input = "app-\${count.index}"
}

resource "terraform_data" "db" {
  input = {
    engine   = "postgres"
    password = var.db_password
  }
}
`,
    // Project root `noop`: nothing to create, so a plan has no changes and the run just finishes.
    'noop/main.tf': 'locals {\n  nothing = "to do"\n}\n',
    // A syntax error (unterminated string): runs of a stack rooted here fail while initializing.
    'broken/main.tf': 'resource "terraform_data" "broken" {\n  input = "unterminated\n}\n',
    'main.tf': `variable "gate_path" {
  type = string
}

data "terraform_remote_state" "gate" {
  backend = "local"
  config = {
    path = var.gate_path
  }
}

resource "terraform_data" "greeting" {
  input = "hello from the gantry e2e test"

  provisioner "local-exec" {
    command = "for i in 1 2 3; do echo \\"applying step $i\\"; sleep 1; done"
  }
}

output "greeting" {
  value = terraform_data.greeting.output
}
`,
  };
}

export const EMPTY_STATE = EMPTY_STATE_JSON;
