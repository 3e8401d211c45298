package spacelift

import rego.v1

resource_change(address, type, actions) := {
	"address": address,
	"type": type,
	"change": {"actions": actions, "before": {}, "after": {}},
}

plan(changes) := {"terraform": {"resource_changes": changes}}

test_deleting_a_database_is_denied if {
	msgs := deny with input as plan([resource_change("aws_db_instance.main", "aws_db_instance", ["delete"])])
	msgs == {"aws_db_instance.main: deleting a aws_db_instance is not allowed here"}
}

test_replacing_a_bucket_is_denied if {
	msgs := deny with input as plan([resource_change("aws_s3_bucket.logs", "aws_s3_bucket", ["delete", "create"])])
	msgs == {"aws_s3_bucket.logs: deleting a aws_s3_bucket is not allowed here"}
}

test_deleting_an_unprotected_resource_is_allowed if {
	count(deny) == 0 with input as plan([resource_change("aws_instance.web", "aws_instance", ["delete"])])
}

test_creating_and_updating_protected_resources_is_allowed if {
	count(deny) == 0 with input as plan([
		resource_change("aws_db_instance.main", "aws_db_instance", ["create"]),
		resource_change("aws_s3_bucket.logs", "aws_s3_bucket", ["update"]),
	])
}

test_admin_database_user_is_denied if {
	db := object.union(
		resource_change("aws_db_instance.main", "aws_db_instance", ["create"]),
		{"change": {"after": {"username": sanitized("admin")}}},
	)
	deny == {"aws_db_instance.main: the master user must not be called \"admin\""} with input as plan([db])
}

test_other_database_user_is_allowed if {
	db := object.union(
		resource_change("aws_db_instance.main", "aws_db_instance", ["create"]),
		{"change": {"after": {"username": sanitized("app")}}},
	)
	count(deny) == 0 with input as plan([db])
}

test_sanitized_matches_spacelift_hashing if {
	# Spacelift's documentation shows "exampledb" sanitized as "59832d41".
	sanitized("exampledb") == "59832d41"
}

many_changes(n, actions) := [resource_change(sprintf("null_resource.r%d", [i]), "null_resource", actions) | some i in numbers.range(1, n)]

test_large_change_warns if {
	warn == {"21 resources change in this run (more than 20): review it carefully"} with input as plan(many_changes(21, ["create"]))
}

test_changes_at_the_threshold_do_not_warn if {
	count(warn) == 0 with input as plan(many_changes(20, ["update"]))
}

test_no_op_and_read_are_not_changes if {
	changes := array.concat(many_changes(15, ["update"]), array.concat(
		[resource_change(sprintf("data.x.d%d", [i]), "x", ["read"]) | some i in numbers.range(1, 10)],
		[resource_change(sprintf("null_resource.n%d", [i]), "null_resource", ["no-op"]) | some i in numbers.range(1, 10)],
	))
	count(warn) == 0 with input as plan(changes)
}
