package spacelift

import rego.v1

stack := {"branch": "main", "project_root": "infra"}

push(branch, files) := {"push": {"branch": branch, "affected_files": files}, "pull_request": null, "stack": stack}

pull_request(base, files) := {
	"push": {"branch": "feature/x", "affected_files": files},
	"pull_request": {"id": 42, "base": {"branch": base}, "head": {"branch": "feature/x"}},
	"stack": stack,
}

test_push_to_tracked_branch_is_tracked if {
	track with input as push("main", ["infra/main.tf"])
	not ignore with input as push("main", ["infra/main.tf"])
}

test_push_to_another_branch_is_not_tracked if {
	not track with input as push("feature/x", ["infra/main.tf"])
	not propose with input as push("feature/x", ["infra/main.tf"])
}

test_pull_request_is_proposed if {
	propose with input as pull_request("main", ["infra/variables.tf"])
	not track with input as pull_request("main", ["infra/variables.tf"])
}

test_pull_request_to_another_base_is_not_proposed if {
	not propose with input as pull_request("release", ["infra/variables.tf"])
}

test_docs_only_push_is_ignored if {
	ignore with input as push("main", ["README.md", "docs/runbook.txt", "infra/CODEOWNERS"])
	ignore with input as pull_request("main", ["docs/adr/0001.MD"])
}

test_mixed_push_is_not_ignored if {
	not ignore with input as push("main", ["README.md", "infra/main.tf"])
}

test_push_without_files_is_not_ignored if {
	# An empty file list (e.g. a tag push) is not "only documentation".
	not ignore with input as push("main", [])
}
