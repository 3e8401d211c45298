# Plan policy: evaluated after `terraform plan` / `tofu plan`. Every `deny` message fails the run;
# every `warn` message is shown and marks the run for review before it is applied.
#
# Input: `input.terraform.resource_changes` is the plan's list of changes (as in
# `tofu show -json`), each with `address`, `type` and `change.actions` / `change.before` /
# `change.after`. Sensitive string values inside `before`/`after` arrive sanitized (hashed):
# compare them with `sanitized("…")`.
package spacelift

import rego.v1

# Resource types that hold data or identity: deleting (or replacing) one needs a human, outside
# of this pipeline.
protected_types := {
	"aws_db_instance",
	"aws_rds_cluster",
	"aws_dynamodb_table",
	"aws_s3_bucket",
	"aws_kms_key",
	"google_sql_database_instance",
	"azurerm_key_vault",
}

# More changed resources than this in one run deserve a careful look.
large_change_threshold := 20

# A replacement is planned as ["delete", "create"] or ["create", "delete"]: it deletes too.
deny contains sprintf("%s: deleting a %s is not allowed here", [rc.address, rc.type]) if {
	some rc in input.terraform.resource_changes
	"delete" in rc.change.actions
	rc.type in protected_types
}

# The database user name is sensitive, so the plan carries its hash: compare hashes.
deny contains sprintf("%s: the master user must not be called \"admin\"", [rc.address]) if {
	some rc in input.terraform.resource_changes
	rc.type == "aws_db_instance"
	rc.change.after.username == sanitized("admin")
}

warn contains sprintf("%d resources change in this run (more than %d): review it carefully", [n, large_change_threshold]) if {
	n := count(changed_addresses)
	n > large_change_threshold
}

changed_addresses contains rc.address if {
	some rc in input.terraform.resource_changes
	not unchanged(rc)
}

unchanged(rc) if rc.change.actions == ["no-op"]

unchanged(rc) if rc.change.actions == ["read"]
