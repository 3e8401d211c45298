#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, generate, static checks, unit, integration,
# Rego conformance, build, browser end-to-end. Needs Postgres and Redis (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n=== %s ===\n' "$*"; }

step install
pnpm install --frozen-lockfile
step "prisma generate"
pnpm db:generate
step "dependency direction"
pnpm lint:deps
step typecheck
pnpm typecheck
step "unit tests"
pnpm test:unit
step "integration tests"
pnpm test:int
step "Rego conformance (OPA's own cases; fails below the recorded baseline)"
pnpm conformance
step "Rego example policies and their tests"
pnpm policy:test examples/policies
step "web build"
pnpm --filter @gantry/web build
step "browser end-to-end tests"
pnpm test:e2e
